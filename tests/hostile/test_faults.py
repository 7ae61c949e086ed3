"""The machine fails, qualcode says so: a file-size limit (EFBIG) or a full disk
(ENOSPC, on a tiny tmpfs) during every kind of export and during an import, a
read-only folder, a read-only database, SIGTERM in the middle of an export. Each
is one `qualcode: error:` line naming the path, exit 1 (never the internal-error
code 3), no traceback, and nothing half-written: no target, no temporary file,
the database intact."""
from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

RUN = "import sys; from qualcode.cli import main; sys.exit(main(sys.argv[1:]))"
LIMIT = 34 * 1024  # bytes: above the 32 KiB WAL index the reads need, below every export of `big`


def qualcode(*args, limit=None, prefix=(), timeout=120) -> subprocess.CompletedProcess:
    def fsize():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([*prefix, sys.executable, "-c", RUN, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=fsize if limit else None)


def one_error(result, *expected):
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qualcode: error: "), result.stderr
    assert all(e in lines[0] for e in expected), lines[0]
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert "internal error" not in result.stderr


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith("."))


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A project whose exports are larger than LIMIT while its own files are not."""
    from qualcode import Project
    from qualcode import coding as ops

    root = tmp_path_factory.mktemp("faults")
    rng = random.Random(7)  # words that do not compress away in docx/xlsx
    lines = [f"{'E' if i % 2 == 0 else 'R'} : " + " ".join(
        "".join(rng.choice("bcdfglmnprstvaeiouy") for _ in range(rng.randrange(2, 9))) for _ in range(12))
        for i in range(300)]
    (root / "T1.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    book = root / "book.yaml"
    book.write_text("name: T\ncodes:\n  - id: a\n    label: A\n  - id: b\n    label: B\n", encoding="utf-8")
    with Project.init(root / "proj") as project:
        project.import_files([root / "T1.txt"], actor="setup")
        project.load_codebook(book, actor="setup")
        for seg in project.store.segments("T1"):
            for code in ("a", "b"):
                ops.add(project, "T1", code, "ana" if seg["idx"] % 3 else "bob", seg["start"], seg["end"])
    return root / "proj"


EXPORTS = [["excerpts", "--out", "{o}.xlsx"], ["excerpts", "--out", "{o}.csv"], ["excerpts", "--out", "{o}.docx"],
           ["excerpts", "--out", "{o}.md"], ["excerpts", "--out", "{o}.json"],
           ["matrix", "--by", "transcript", "--cells", "excerpts", "--out", "{o}.xlsx"],
           ["disagreements", "--coders", "ana", "bob", "--out", "{o}.docx"], ["codings", "export", "--out", "{o}"]]
EACH = """
import contextlib, io, json, sys
from qualcode.cli import main
results = []
for args in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(args)
    results.append([code, err.getvalue()])
print(json.dumps(results))
"""


def test_file_size_limit_during_every_export(big, tmp_path):
    """All the exports in one process (each as `main(args)`), under the limit."""
    import json

    outs = [tmp_path / f"out{i}" / "x" for i in range(len(EXPORTS))]
    commands = [[a.format(o=out) for a in args] + ["-p", str(big)] for args, out in zip(EXPORTS, outs)]

    def fsize():
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))

    done = subprocess.run([sys.executable, "-c", EACH, json.dumps(commands)], capture_output=True, text=True,
                          timeout=300, preexec_fn=fsize)
    assert done.returncode == 0 and "Exception ignored" not in done.stderr, done.stderr
    for args, out, (code, err) in zip(EXPORTS, outs, json.loads(done.stdout)):
        result = subprocess.CompletedProcess(args, code, "", err)
        one_error(result, str(out.parent), "file-size limit")
        assert not out.parent.exists(), args  # no target, no temporary file, not even the folder


def test_file_size_limit_during_import(big, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(big, project)
    source = tmp_path / "G.txt"
    source.write_text("".join(f"R : Tour {i} assez long pour grossir la base de données.\n" for i in range(10000)),
                      encoding="utf-8")
    result = qualcode("import", source, "-p", project, limit=128 * 1024)  # the WAL outgrows it
    assert result.returncode == 1 and "internal error" not in result.stderr, result.stderr
    assert "qualcode.db" in result.stderr and "Traceback" not in result.stderr
    con = sqlite3.connect(project / "qualcode.db")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*) FROM transcripts").fetchone()[0] == 1
    con.close()


def _as_unprivileged() -> tuple[str, ...]:
    """Run as root without the capabilities that ignore file permissions."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("root without setpriv: cannot make permissions apply")
    return ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner")


def test_read_only_folder(big, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        for args in (["excerpts", "--out", folder / "x.xlsx"], ["codings", "export", "--out", folder / "d"]):
            one_error(qualcode(*args, "-p", big, prefix=_as_unprivileged()), str(folder), "permission denied")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_read_only_database(big, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(big, project)
    (project / "qualcode.db").chmod(0o444)
    before = (project / "qualcode.db").read_bytes()
    result = qualcode("code", "T1", "a", "--coder", "zoe", "--segment", "1", "-p", project,
                      prefix=_as_unprivileged())
    one_error(result, "qualcode.db", "read-only")
    assert (project / "qualcode.db").read_bytes() == before


def _tiny_tmpfs(command: list[str], mount: Path, size: str) -> subprocess.CompletedProcess:
    """Run `command` in a user and mount namespace with a tmpfs of `size` on `mount`."""
    script = f'mount -t tmpfs -o size={size} tmpfs "{mount}" && cd "{mount}" && exec "$@"'
    return subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", *command], capture_output=True,
                          text=True, timeout=120)


def _namespaces_work(tmp_path: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    (tmp_path / "probe").mkdir()
    return _tiny_tmpfs(["true"], tmp_path / "probe", "64k").returncode == 0


def test_disk_full_during_export_and_import(big, tmp_path):
    if not _namespaces_work(tmp_path):
        pytest.skip("no user namespaces here: cannot mount a tiny tmpfs")
    mount = tmp_path / "full"
    mount.mkdir()
    export = _tiny_tmpfs([sys.executable, "-c", RUN, "excerpts", "--out", str(mount / "x.xlsx"), "-p", str(big)],
                         mount, "16k")
    one_error(export, "x.xlsx", "no space left")
    source = tmp_path / "G.txt"
    source.write_text("".join(f"R : Tour {i} assez long pour remplir le disque.\n" for i in range(20000)),
                      encoding="utf-8")
    # a project on the tmpfs: create it, import, then check it inside the namespace
    script = (f'{sys.executable} -c "{RUN}" init p >/dev/null && {sys.executable} -c "{RUN}" import "{source}" -p p; rc=$?; '
              f'{sys.executable} -c "import sqlite3; c = sqlite3.connect(\'p/qualcode.db\'); '
              f'print(c.execute(\'PRAGMA integrity_check\').fetchone()[0], '
              f'c.execute(\'SELECT count(*) FROM transcripts\').fetchone()[0])"; exit $rc')
    imported = _tiny_tmpfs(["sh", "-c", script], mount, "600k")
    assert imported.returncode == 1, imported.stderr
    assert "internal error" not in imported.stderr and "Traceback" not in imported.stderr
    assert "no space left" in imported.stderr or "disk" in imported.stderr, imported.stderr
    assert imported.stdout.split()[-2:] == ["ok", "0"]


SLOW_WRITER = """
import sys, time
from qualcode.exports import sheets
def slow(frame, tmp):
    open(tmp, "w").write("partial")
    print("writing", flush=True)
    time.sleep(60)
sheets.write_csv = slow
import qualcode.exports.files as files
files.write_csv = slow
from qualcode.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_sigterm_removes_the_temporary_file(big, tmp_path):
    out = tmp_path / "out" / "x.csv"
    process = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, "excerpts", "--out", str(out), "-p", str(big)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "writing"
    assert leftovers(tmp_path / "out")  # the temporary file exists while writing
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 128 + signal.SIGTERM
    assert not out.exists() and leftovers(tmp_path / "out") == []
