"""The reviewable codings files (YAML anchored by quote): export/import round
trips, errors reported with file:line and nothing imported, occurrences,
idempotent re-import and tolerant quote matching."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from qualcode import Project
from qualcode import coding as ops
from qualcode.codings_file import CodingsInvalid, import_files

from .conftest import fill

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "transcripts"


def ok(result):
    assert result.code == 0, result.err
    return result


def flat(text: str) -> str:
    return " ".join(text.split())


def dump(project) -> dict:
    return project.store.snapshot()


def key_set(project) -> set[tuple]:
    return {(c["transcript"], c["code"], c["coder"], c["start"], c["end"], c["memo"])
            for c in project.store.codings()}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


# -- round trips ------------------------------------------------------------------
def test_round_trip_small_project(cli, proj, tmp_path):
    text = proj.transcript("T1")["text"]
    second = [m.start() for m in re.finditer("je sais pas", text)][1]
    ops.add(proj, "T1", "freins/visites", "ana", second, second + 11, memo="hésitation")
    seg = proj.segments("T1")[1]
    ops.add(proj, "T1", "freins/hotel", "ana", seg["start"], seg["end"])
    ops.add(proj, "T1", "freins/hotel", "bob", seg["start"], seg["end"])
    seg4 = proj.segments("T2")[3]
    ops.add(proj, "T2", "benefices/sante", "bob", seg4["start"], seg4["end"])
    out = tmp_path / "export"
    result = ok(cli("codings", "export", "--out", out, "--project", proj.root))
    assert "wrote 3 files" in flat(result.out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.yaml")) == [
        "ana/T1.yaml", "bob/T1.yaml", "bob/T2.yaml"]
    data = YAML(typ="safe").load((out / "ana" / "T1.yaml").read_text(encoding="utf-8"))
    assert (data["coder"], data["transcript"]) == ("ana", "T1")
    by_code = {c["code"]: c for c in data["codings"]}
    assert by_code["freins/visites"] == {"code": "freins/visites", "quote": "je sais pas", "occurrence": 2,
                                         "memo": "hésitation"}
    assert by_code["freins/hotel"] == {"code": "freins/hotel", "quote": seg["text"]}

    fresh = Project.init(tmp_path / "fresh")
    try:
        fill(fresh, tmp_path / "in2")
        result = ok(cli("codings", "import", out, "--project", fresh.root))
        assert "3 files: 4 codings added (ana: 2, bob: 2), 0 already present" in flat(result.out)
        assert key_set(fresh) == key_set(proj)
    finally:
        fresh.close()


def corpus_project(root: Path, ids: list[str]) -> Project:
    proj = Project.init(root)
    manifest = CORPUS / "manifest.csv"
    files = {}
    for line in manifest.read_text(encoding="utf-8").splitlines()[1:]:
        tid, name = line.split(",")[:2]
        files[tid] = CORPUS / name
    proj.import_files([files[i] for i in ids], manifest=manifest, actor="setup")
    book = root / "assore.yaml"
    shutil.copy(ROOT / "codebooks" / "assore.yaml", book)
    proj.load_codebook(book, actor="setup")
    return proj


def test_round_trip_reference_codings(cli, tmp_path):
    ids = ["A02", "L02", "U09"]  # txt, md and odt, coded by both coders
    sources = [CORPUS / "codings" / coder / f"{i}.yaml" for coder in ("coder-a", "coder-b") for i in ids]
    entries = sum(len(YAML(typ="safe").load(p.read_text(encoding="utf-8"))["codings"]) for p in sources)
    first = corpus_project(tmp_path / "one", ids)
    second = corpus_project(tmp_path / "two", ids)
    try:
        result = ok(cli("codings", "import", *sources, "--project", first.root))
        assert f"6 files: {entries} codings added" in flat(result.out)
        out = tmp_path / "export"
        ok(cli("codings", "export", "--out", out, "--project", first.root))
        result = ok(cli("codings", "import", out, "--project", second.root))
        assert f"6 files: {entries} codings added" in flat(result.out)
        assert len(key_set(second)) == entries
        assert key_set(second) == key_set(first)
    finally:
        first.close()
        second.close()


# -- errors: reported with file:line, nothing imported ------------------------------
GOOD_AND_BAD = """\
# codings de test
coder: ana
transcript: T1
codings:
  - code: freins/hotel/punaises
    quote: "Les punaises, j'en avais partout."
  - code: freins/visites
    quote: "des cafards partout"
  - code: freins/nope
    quote: "tous les quinze jours"
    memo: code inconnu
"""


def test_quote_not_found_and_unknown_code_reported_with_lines(cli, proj, tmp_path):
    path = write(tmp_path / "ana-T1.yaml", GOOD_AND_BAD)
    other = write(tmp_path / "bob-T2.yaml", "coder: bob\ntranscript: T2\ncodings:\n"
                  "  - code: benefices/sante\n    quote: On les soigne enfin.\n")
    before = dump(proj)
    result = cli("codings", "import", path, other, "--project", proj.root)
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines == [
        f"{path}:{line_of(GOOD_AND_BAD, 'code: freins/visites')}: quote not found in T1: «des cafards partout»",
        f"{path}:{line_of(GOOD_AND_BAD, 'code: freins/nope')}: unknown code 'freins/nope'",
        "qualcode: error: 2 coding(s) could not be placed; nothing imported",
    ]
    assert dump(proj) == before
    # the library says the same
    with pytest.raises(CodingsInvalid) as info:
        import_files(proj, [path, other])
    assert info.value.errors == lines[:2]
    assert dump(proj) == before


@pytest.mark.parametrize("text, needle", [
    ("coder: ana\ntranscript: T9\ncodings:\n  - code: freins\n    quote: x\n", ":1: unknown transcript 'T9'"),
    ("transcript: T1\ncodings: []\n", ":1: a codings file needs 'coder', 'transcript' and 'codings'"),
    ("coder: ana\ntranscript: T1\ncodings: 3\n", ":1: 'codings' must be a list"),
    ("coder: ana\ntranscript: T1\ncodings:\n  - code: freins\n", ":4: each coding needs 'code' and 'quote'"),
    ("coder: ana\ntranscript: T1\ncodings:\n  - code: freins\n    quote: \"oups\n", ":6: bad YAML"),
    ("coder: ana\ntranscript: T1\ncodings:\n  - code: freins\n    quote: je sais pas\n    occurrence: 5\n",
     ":4: quote occurs 3 time(s) in T1, not 5"),
])
def test_other_errors(cli, proj, tmp_path, text, needle):
    path = write(tmp_path / "bad.yaml", text)
    before = dump(proj)
    result = cli("codings", "import", path, "--project", proj.root)
    assert result.code == 1
    assert result.err.splitlines()[0].startswith(f"{path}{needle}")
    assert result.err.splitlines()[-1].startswith("qualcode: error: ")
    assert dump(proj) == before


def test_repeated_quote_needs_occurrence(cli, proj, tmp_path):
    text = proj.transcript("T1")["text"]
    starts = [m.start() for m in re.finditer("je sais pas", text)]
    body = "coder: ana\ntranscript: T1\ncodings:\n  - code: freins/visites\n    quote: je sais pas\n"
    path = write(tmp_path / "rep.yaml", body)
    result = cli("codings", "import", path, "--project", proj.root)
    assert result.code == 1
    assert result.err.splitlines()[0] == f"{path}:4: quote occurs 3 times in T1; add 'occurrence: K'"
    assert proj.store.codings() == []
    write(path, body + "    occurrence: 2\n")
    ok(cli("codings", "import", path, "--project", proj.root))
    [c] = proj.store.codings()
    assert (c["start"], c["end"], c["coder"], c["code"]) == (starts[1], starts[1] + 11, "ana", "freins/visites")
    assert c["origin"] == "import" and c["provenance"] == {"file": f"{path}:4"}


def test_reimport_adds_nothing(cli, proj, tmp_path):
    path = write(tmp_path / "ok.yaml", "coder: ana\ntranscript: T1\ncodings:\n"
                 "  - code: freins/hotel/punaises\n    quote: Les punaises\n"
                 "  - code: freins/visites\n    quote: tous les quinze jours\n    memo: rythme\n")
    result = ok(cli("codings", "import", path, "--project", proj.root))
    assert "1 files: 2 codings added (ana: 2), 0 already present" in flat(result.out)
    snapshot = key_set(proj)
    audit = len(proj.store.audit_entries())
    result = ok(cli("codings", "import", path, "--project", proj.root))
    assert "1 files: 0 codings added (none), 2 already present" in flat(result.out)
    assert key_set(proj) == snapshot
    assert len(proj.store.audit_entries()) == audit
    assert ("T1", "freins/visites", "ana") in {k[:3] for k in snapshot}
    assert any(k[5] == "rythme" for k in snapshot)


def test_tolerant_matching(cli, proj, tmp_path):
    t1, t2 = proj.transcript("T1")["text"], proj.transcript("T2")["text"]
    path = write(tmp_path / "tol.yaml", "coder: ana\ntranscript: T1\ncodings:\n"
                 # straight apostrophe for the text's typographic one, other case
                 "  - code: freins/hotel\n    quote: \"vous êtes à l'hôtel\"\n"
                 # typographic apostrophe for the text's straight one, extra spaces, a line break
                 "  - code: freins/hotel/punaises\n    quote: |-\n      Les   punaises,  j’en\n      avais partout.\n")
    path2 = write(tmp_path / "tol2.yaml", "coder: ana\ntranscript: T2\ncodings:\n"
                  # the text has two spaces after the comma; the quote one
                  "  - code: freins/visites\n    quote: \"  trop d'usagers, on ne peut plus  \"\n")
    ok(cli("codings", "import", path, path2, "--project", proj.root))
    got = {(c["transcript"], c["code"]): (c["start"], c["end"]) for c in proj.store.codings()}
    a = t1.index("Vous êtes à l’hôtel")
    b = t1.index("Les punaises, j'en avais partout.")
    c = t2.index("trop d'usagers,  on ne peut plus")
    assert got == {
        ("T1", "freins/hotel"): (a, a + len("Vous êtes à l’hôtel")),
        ("T1", "freins/hotel/punaises"): (b, b + len("Les punaises, j'en avais partout.")),
        ("T2", "freins/visites"): (c, c + len("trop d'usagers,  on ne peut plus")),
    }
    # listed quotes are the transcript's own text
    rows = json.loads(ok(cli("codings", "--json", "--project", proj.root)).out)
    assert {r["quote"] for r in rows} == {"Vous êtes à l’hôtel", "Les punaises, j'en avais partout.",
                                          "trop d'usagers,  on ne peut plus"}


def test_trim_span_drops_edge_white_space_only():
    from qualcode.coding import trim_span
    from qualcode.errors import QualcodeError

    text = "R : Les punaises partout.   Et le reste."
    start = text.index("Les") - 1
    assert text[slice(*trim_span(text, start, text.index("Et")))] == "Les punaises partout."
    with pytest.raises(QualcodeError, match="white space"):
        trim_span(text, 25, 28)


def test_every_malformed_file_is_reported(tmp_path, cli):
    from qualcode import Project

    src = tmp_path / "W2.txt"
    src.write_text("---\nid: W2\n---\nE : Alors ?\nR : Oui.\n", encoding="utf-8")
    with Project.init(tmp_path / "p") as project:
        project.import_files([src])
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "one.yaml").write_text("coder: x\n", encoding="utf-8")
    (tmp_path / "c" / "two.yaml").write_text("coder: [unclosed\n", encoding="utf-8")
    r = cli("codings", "import", tmp_path / "c", "--project", tmp_path / "p")
    assert r.code == 1 and "one.yaml" in r.err and "two.yaml" in r.err
