"""The codebook YAML file and the database under one lock: concurrent editors in
separate processes never lose an update in the file, a kill before the COMMIT
leaves file, database and audit as they were, a kill after it leaves a file one
edit behind that the next operation rolls forward, and `load --force` then
deletes nothing."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qualcode import Project
from qualcode import coding as coding_ops
from qualcode.codebook import yamlfile

LEAVES = 4
BOOK = "name: T\ncodes:\n  # famille\n  - id: f\n    label: Famille\n" + "".join(
    f"  - id: f/c{i}\n    label: Code {i}\n" for i in range(LEAVES))
TEXT = "E : Bonjour ?\nR : " + " ".join(f"mot{i}" for i in range(200)) + "\nE : Merci.\n"


@pytest.fixture
def coded(tmp_path):
    (tmp_path / "T1.txt").write_text(TEXT, encoding="utf-8")
    book = tmp_path / "proj" / "codebook.yaml"
    with Project.init(tmp_path / "proj") as project:
        book.write_text(BOOK, encoding="utf-8")
        project.import_files([tmp_path / "T1.txt"], actor="setup")
        project.load_codebook(book, actor="setup")
        for i in range(LEAVES):
            coding_ops.add(project, "T1", f"f/c{i}", "ana", 20 + i, 30 + i)
    return tmp_path / "proj", book


def run(code: str, root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), str(root)],
                          capture_output=True, text=True, timeout=120)


def file_ids(book: Path) -> list[str]:
    return [c.id for c in yamlfile.read(book).codes]


def db_ids(root: Path) -> list[str]:
    with Project.open(root) as project:
        return [c.id for c in project.codes()]


RENAME = """
import sys
from qualcode import Project
from qualcode.codebook import operations
old, new = sys.argv[2], sys.argv[3]
with Project.open(sys.argv[1]) as p:
    operations.rename(p, old, new, actor=new)
"""


def test_concurrent_renames_keep_the_file_equal_to_the_database(coded, tmp_path):
    root, book = coded
    script = tmp_path / "rename.py"
    script.write_text(RENAME, encoding="utf-8")
    # four processes at once, each renaming its own code
    procs = [subprocess.Popen([sys.executable, str(script), str(root), f"f/c{i}", f"r{i}"],
                              stderr=subprocess.PIPE, text=True) for i in range(LEAVES)]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
    assert sorted(db_ids(root)) == sorted(["f"] + [f"f/r{i}" for i in range(LEAVES)])
    assert file_ids(book) == db_ids(root)
    assert "# famille" in book.read_text(encoding="utf-8")


KILL_AFTER_COMMIT = """
import os, signal, sys
from qualcode import Project
from qualcode.codebook import filesync, operations
filesync.Pending.commit = lambda self: os.kill(os.getpid(), signal.SIGKILL)
with Project.open(sys.argv[1]) as p:
    operations.rename(p, "f/c0", "renamed", actor="x")
"""

KILL_BEFORE_COMMIT = """
import os, signal, sys
from qualcode import Project
from qualcode.codebook import filesync, operations
remember = filesync.remember
def killed(*args):
    remember(*args)
    os.kill(os.getpid(), signal.SIGKILL)
filesync.remember = killed
with Project.open(sys.argv[1]) as p:
    operations.rename(p, "f/c0", "renamed", actor="x")
"""


def test_kill_before_commit_changes_nothing(coded):
    root, book = coded
    before = book.read_text(encoding="utf-8")
    result = run(KILL_BEFORE_COMMIT, root)
    assert result.returncode == -9
    assert book.read_text(encoding="utf-8") == before
    assert "f/c0" in db_ids(root)
    with Project.open(root) as project:
        assert not project.store.audit_entries(action_prefix="code.rename")
        coding_ops.add(project, "T1", "f/c1", "bob", 1, 5)  # the database is usable
    assert file_ids(book) == db_ids(root)


def test_kill_after_commit_is_rolled_forward_and_load_force_deletes_nothing(coded, cli):
    root, book = coded
    result = run(KILL_AFTER_COMMIT, root)
    assert result.returncode == -9
    assert "f/renamed" in db_ids(root)
    assert "f/c0" in file_ids(book)  # the file fell one edit behind
    out = cli("codebook", "load", book, "--force", "-p", root)
    assert out.code == 0, out.err
    assert "one edit behind" in out.err and "removed" in out.out
    assert "0 removed" in out.out and "codings deleted" not in out.out
    with Project.open(root) as project:
        assert len(project.codings()) == LEAVES
        assert any(c["code"] == "f/renamed" for c in project.codings())
    assert file_ids(book) == db_ids(root)
    assert "# famille" in book.read_text(encoding="utf-8")
    leftovers = [p.name for p in book.parent.iterdir() if p.name.startswith(".codebook.yaml.")]
    assert leftovers == []


def test_an_edit_after_an_interrupted_one_starts_from_the_committed_file(coded, cli):
    root, book = coded
    assert run(KILL_AFTER_COMMIT, root).returncode == -9
    out = cli("codebook", "rename", "f/c1", "other", "-p", root)
    assert out.code == 0, out.err
    assert file_ids(book) == db_ids(root)
    assert {"f/renamed", "f/other"} <= set(file_ids(book))


def test_hand_edits_are_not_overwritten(coded, cli):
    root, book = coded
    assert cli("codebook", "rename", "f/c1", "other", "-p", root).code == 0
    edited = book.read_text(encoding="utf-8").replace("label: Code 2", "label: Code deux")
    book.write_text(edited, encoding="utf-8")
    assert cli("codebook", "rename", "f/c3", "third", "-p", root).code == 0
    text = book.read_text(encoding="utf-8")
    assert "label: Code deux" in text and "id: f/third" in text
    out = cli("codebook", "load", book, "-p", root)
    assert out.code == 0 and "1 updated" in out.out
