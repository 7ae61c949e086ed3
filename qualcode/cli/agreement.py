"""Commands (registered later)."""
import typer


def register(app: typer.Typer) -> None:
    pass
