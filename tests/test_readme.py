"""The README's commands run as written, in order, on the demo corpus: every
`qualcode ...` line of its ```sh blocks (the interactive `tag` and `make` aside)
and its Python API block. A command that fails here fails for a new user too."""
from __future__ import annotations

import re
import shlex

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
INTERACTIVE = ("tag", "review")  # they open a terminal screen


def sh_commands() -> list[list[str]]:
    """Each `qualcode` command of the README's sh blocks, comments removed; a line
    `A && cd DIR` gives A then ["cd", DIR]."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        for line in re.sub(r"\\\n\s*", " ", block).splitlines():  # continuation lines joined
            line = re.sub(r"\s+#.*$", "", line).strip()
            for part in line.split("&&"):
                words = shlex.split(part)
                if words and words[0] in ("qualcode", "cd") and not (len(words) > 1 and words[1] in INTERACTIVE):
                    commands.append(words)
    return commands


def test_the_readme_has_a_tour():
    commands = sh_commands()
    assert ["qualcode", "init", "mystudy"] == commands[0] and ["cd", "mystudy"] == commands[1]
    assert any(c[1:3] == ["codings", "import"] for c in commands), "the tour must load the reference codings"
    assert len(commands) >= 20


@pytest.fixture(scope="module")
def toured(tmp_path_factory):
    """A folder beside `transcripts/` and `codebooks/`, as in the repository."""
    base = tmp_path_factory.mktemp("tour")
    for name in ("transcripts", "codebooks"):
        (base / name).symlink_to(ROOT / name)
    return base


def test_every_readme_command_runs(toured, capsys, monkeypatch):
    from qualcode.cli import main

    monkeypatch.chdir(toured)
    for words in sh_commands():
        if words[0] == "cd":
            monkeypatch.chdir(words[1])
            continue
        capsys.readouterr()
        code = main(words[1:])
        out, err = capsys.readouterr()
        assert code == 0, f"README command failed: {shlex.join(words)}\n{err}"
        assert "Traceback" not in err
        if words[1:3] == ["code", "U07"]:
            assert "coding #" in out and "des punaises" in out
    assert (toured / "mystudy" / "accord.xlsx").is_file()
    assert (toured / "mystudy" / "exports" / "matrice.xlsx").is_file()


def test_the_python_example_runs(toured, monkeypatch):
    """The API block, run after the shell tour (which made `mystudy`)."""
    if not (toured / "mystudy" / "qualcode.db").exists():
        pytest.skip("needs the shell tour first (run the whole module)")
    block = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    monkeypatch.chdir(toured)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    project = namespace["project"]
    try:
        assert any(c["coder"] == "ana" and c["transcript"] == "U07" for c in project.codings(coder="ana"))
        assert len(project.excerpts_frame(where={"actor_type": "usagers"})) > 0
    finally:
        project.close()
