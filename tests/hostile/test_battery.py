"""The hostile-input battery, each case a small generated file or argument: YAML
alias bombs, tags, deep nesting, huge or invalid strings in codebooks, codings
files and front matter; binary files named .txt; bad occurrences; lone
surrogates; foreign, empty, damaged or future databases; --out paths that are
folders or under files. Every case ends with one `qualcode: error:` line naming
the file (and line), exit 1 — never 3, never a traceback — and the database
exactly as it was."""
from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest

BOMB = "\n".join(['a0: &a0 "lol"'] + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 8)])
CODING = "  - code: leviers\n    quote: \"On a trop d'usagers\"\n"


def codings(head: str = "coder: b\ntranscript: P1\n", entry: str = CODING) -> str:
    return f"{head}codings:\n{entry}"


def noise(seed: int, low: int, high: int, size: int = 4000) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(low, high) for _ in range(size))


def noise16(seed: int, size: int = 2000) -> list[int]:
    """Random UTF-16 code units outside the surrogates (so the bytes decode)."""
    rng = random.Random(seed)
    return [rng.randrange(0x100, 0xD800) for _ in range(size)]


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# name -> (file name, content (str or bytes), command with {f} for the file, expected in the error)
CASES = {
    "codebook alias bomb": ("book.yaml", BOMB + "\ncodes:\n  - id: x\n    label: *a7\n",
                            ["codebook", "load", "{f}"], "book.yaml:1:5: bad YAML: anchors and aliases"),
    "codebook validate alias": ("book.yaml", "codes:\n  - &x {id: x, label: X}\n  - *x\n",
                                ["codebook", "validate", "{f}"], "anchors and aliases"),
    "codebook python tag": ("book.yaml", "codes: !!python/object/apply:os.system ['touch PWNED']\n",
                            ["codebook", "load", "{f}"], "book.yaml:1:8: bad YAML: tag"),
    "codebook deep nesting": ("book.yaml", "codes: " + nested(5000) + "\n", ["codebook", "load", "{f}"],
                              "nested more than"),
    "codebook deep mapping": ("book.yaml", "codes:\n" + "".join("  " * i + "a:\n" for i in range(3000)),
                              ["codebook", "load", "{f}"], "book.yaml"),
    "codebook huge label": ("book.yaml", "codes:\n  - id: x\n    label: " + "x" * 300_000 + "\n",
                            ["codebook", "load", "{f}"], "book.yaml:3:12: bad YAML: text of 300000 characters"),
    "codebook control label": ("book.yaml", "codes:\n  - id: x\n    label: \"bip\\a esc\\e[31m\"\n",
                               ["codebook", "load", "{f}"], "book.yaml:3:12: label of 'x' has control characters"),
    "codings alias memo": ("c.yaml", BOMB + "\n" + codings(entry=CODING + "    memo: *a7\n"),
                           ["codings", "import", "{f}"], "c.yaml:1: bad YAML: anchors and aliases"),
    "codings alias coder": ("c.yaml", BOMB + "\ncoder: *a7\ntranscript: P1\ncodings:\n" + CODING,
                            ["codings", "import", "{f}"], "anchors and aliases"),
    "codings alias quote": ("c.yaml", BOMB + "\ncoder: b\ntranscript: P1\ncodings:\n  - code: leviers\n"
                            "    quote: *a7\n", ["codings", "import", "{f}"], "anchors and aliases"),
    "codings python tag": ("c.yaml", codings(entry="  - !!python/object/apply:os.system ['touch PWNED']\n"),
                           ["codings", "import", "{f}"], "c.yaml:4: bad YAML: tag"),
    "codings deep nesting": ("c.yaml", codings(entry="  - " + nested(10_000) + "\n"),
                             ["codings", "import", "{f}"], "nested more than"),
    "codings surrogate memo": ("c.yaml", codings(entry=CODING + "    memo: \"x\\ud800y\"\n"),
                               ["codings", "import", "{f}"], "c.yaml:6: bad YAML: invalid Unicode: lone surrogate"),
    "codings surrogate coder": ("c.yaml", "coder: \"\\udcff\"\ntranscript: P1\ncodings:\n" + CODING,
                                ["codings", "import", "{f}"], "c.yaml:1: bad YAML: invalid Unicode"),
    "codings occurrence word": ("c.yaml", codings(entry=CODING + "    occurrence: deux\n"),
                                ["codings", "import", "{f}"], "c.yaml:4: 'occurrence' must be a whole number"),
    "codings occurrence huge float": ("c.yaml", codings(entry=CODING + "    occurrence: 1e400\n"),
                                      ["codings", "import", "{f}"], "'occurrence' must be a whole number"),
    "codings occurrence list": ("c.yaml", codings(entry=CODING + "    occurrence: [1]\n"),
                                ["codings", "import", "{f}"], "'occurrence' must be a whole number"),
    "codings occurrence bool": ("c.yaml", codings(entry=CODING + "    occurrence: true\n"),
                                ["codings", "import", "{f}"], "'occurrence' must be a whole number"),
    "codings coder mapping": ("c.yaml", "coder: {a: 1}\ntranscript: P1\ncodings:\n" + CODING,
                              ["codings", "import", "{f}"], "c.yaml:1: 'coder' must be a name"),
    "codings long coder": ("c.yaml", f"coder: {'c' * 500}\ntranscript: P1\ncodings:\n" + CODING,
                           ["codings", "import", "{f}"], "'coder' must be a name of at most 200"),
    "codings quote mapping": ("c.yaml", codings(entry="  - code: leviers\n    quote: {a: 1}\n"),
                              ["codings", "import", "{f}"], "must be text"),
    "front matter alias": ("A1.txt", "---\n" + BOMB + "\ntitle: *a7\n---\nE : Bonjour ?\nR : Oui.\n",
                           ["import", "{f}"], "A1.txt:2: bad YAML front matter: anchors and aliases"),
    "front matter tag": ("A2.md", "---\ntitle: !!python/object/apply:os.system [x]\n---\nE : Bonjour ?\nR : Oui.\n",
                         ["import", "{f}"], "A2.md:2: bad YAML front matter: tag"),
    "front matter long title": ("A3.txt", "---\ntitle: " + "t" * 3000 + "\n---\nE : Bonjour ?\nR : Oui.\n",
                                ["import", "{f}"], "A3.txt: the value of 'title' has 3000 characters"),
    "random bytes .txt": ("R1.txt", noise(1, 1, 256),
                          ["import", "{f}"], "R1.txt: "),
    "random high bytes .txt": ("R2.txt", noise(2, 0xA0, 0x100),
                               ["import", "{f}"], "R2.txt: not text"),
    "random UTF-16 .txt": ("R5.txt", "".join(map(chr, noise16(5))).encode("utf-16"),
                           ["import", "{f}"], "R5.txt: not text: decoded as UTF-16"),
    "random ascii controls .txt": ("R3.txt", noise(3, 1, 0x80),
                                   ["import", "{f}"], "R3.txt: binary file, not text"),
    "NUL late in .txt": ("R4.txt", b"E : Bonjour ?\nR : Oui.\n" * 500 + b"\x00\n",
                         ["import", "{f}"], "R4.txt: binary file, not text (NUL byte at offset 11500)"),
    "out is a folder": (None, None, ["excerpts", "--out", "{hostile}"], "is a folder: give a file name"),
    "out under a file": ("f", "x", ["excerpts", "--out", "{f}/x.csv"], "is a file, not a folder"),
    "codings export under a file": ("f", "x", ["codings", "export", "--out", "{f}/d"], "is a file, not a folder"),
    "codebook export under a file": ("f", "x", ["codebook", "export", "--format", "yaml", "--out", "{f}/b.yaml"],
                                     "is a file, not a folder"),
    "surrogate argument": (None, None, ["code", "P1", "leviers", "--coder", "x\udcff", "--segment", "2"],
                           "argument 5 ('x\\udcff') is not valid UTF-8"),
    "surrogate memo": (None, None, ["memo", "transcript", "P1", "m\udcff\udcfe"], "is not valid UTF-8"),
}


def dump(root: Path) -> list[str]:
    con = sqlite3.connect(root / "qualcode.db")
    try:
        return list(con.iterdump())
    finally:
        con.close()


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_is_one_clear_error(cli, hostile, tmp_path, case):
    name, content, args, expected = CASES[case]
    target = tmp_path / (name or "unused")
    if isinstance(content, bytes):
        target.write_bytes(content)
    elif content is not None:
        target.write_text(content, encoding="utf-8")
    before = dump(hostile)
    project = [] if args[:2] == ["codebook", "validate"] else ["-p", hostile]
    (tmp_path / "x.csv").mkdir()
    result = cli(*[a.format(f=target, hostile=tmp_path / "x.csv") for a in args], *project)
    assert result.code == 1, (result.code, result.err)
    lines = result.err.strip().splitlines()
    # one error line; a file with several errors lists them (file:line: ...) before it
    assert lines[-1].startswith("qualcode: error: ") or args[:2] == ["codebook", "validate"], result.err
    assert all(line.startswith(("qualcode: error: ", str(target))) for line in lines), result.err
    assert expected in result.err, result.err
    assert "Traceback" not in result.err + result.out
    assert dump(hostile) == before
    assert list((tmp_path / "x.csv").iterdir()) == []  # nothing written into the folder
    assert not list(Path.cwd().glob("PWNED")) and not (hostile / "PWNED").exists()


def _make_db(kind: str, path: Path, real: Path) -> None:
    if kind == "foreign":
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        con.commit()
        con.close()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes(real.read_bytes()[:1000])
    elif kind == "random":
        path.write_bytes(os.urandom(8192))
    else:
        path.write_bytes(real.read_bytes())
        con = sqlite3.connect(path)
        con.execute("UPDATE meta SET value = :v WHERE key = 'schema_version'", {"v": kind})
        con.commit()
        con.close()


@pytest.mark.parametrize("kind,expected", [
    ("foreign", "another application's SQLite database"), ("empty", "empty file, not a qualcode database"),
    ("truncated", "not a usable qualcode database"), ("random", "not a usable qualcode database"),
    ("two", "schema version 'two' is not a number"), ("99", "newer than this qualcode"),
])
@pytest.mark.parametrize("command", [["transcripts"], ["codings"], ["log"], ["code", "P1", "x", "--coder", "a",
                                                                                "--segment", "1"]])
def test_a_database_that_is_not_ours_is_refused_untouched(cli, hostile, tmp_path, kind, expected, command):
    folder = tmp_path / "other"
    folder.mkdir()
    db = folder / "qualcode.db"
    _make_db(kind, db, hostile / "qualcode.db")
    before = db.read_bytes()
    result = cli(*command, "-p", folder)
    assert result.code == 1, result.err
    assert expected in result.err and result.err.count("\n") == 1
    assert db.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["qualcode.db"]
