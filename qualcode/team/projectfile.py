"""The project file of a server project: ``qualcode.toml`` in the project folder
names the server and the database, never a password (libpq finds it in
~/.pgpass, PGPASSWORD or a service file)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from qualcode.errors import QualcodeError

FILE_NAME = "qualcode.toml"
ENV_URL = "QUALCODE_DATABASE_URL"


def check_url(url: str) -> str:
    """A postgresql:// URL without a password, or a one-line error."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise QualcodeError(f"{url}: not a PostgreSQL URL (postgresql://HOST[:PORT]/DATABASE)")
    if parts.password is not None or "password=" in parts.query:
        raise QualcodeError("the server URL must not contain a password: put it in ~/.pgpass, "
                            "PGPASSWORD or a service file (libpq's usual places)")
    if not parts.path.strip("/"):
        raise QualcodeError(f"{url}: name the database (postgresql://HOST/DATABASE)")
    return url


def write(folder: Path, url: str) -> Path:
    path = folder / FILE_NAME
    path.write_text(
        "# qualcode project on a PostgreSQL server. No password here: libpq reads it from\n"
        "# ~/.pgpass, PGPASSWORD or a service file. Each person connects as their own role.\n"
        f'[server]\nurl = "{check_url(url)}"\n', encoding="utf-8")
    return path


def read(path: Path) -> str:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        url = data["server"]["url"]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise QualcodeError(f"{path}: not a qualcode project file ({exc})") from None
    return check_url(str(url))
