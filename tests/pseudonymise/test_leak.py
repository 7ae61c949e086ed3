"""The leak test: the demo project pseudonymised with its accepted candidates;
every export format written; every file searched (inside docx, xlsx and qdpx too)
for every accepted surface form: none may be found."""
from __future__ import annotations

import contextlib
import html
import io
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.pseudonymise.conftest import file_text

THRESHOLD = "0.6"  # what `make demo` accepts


def qualcode(*args) -> str:
    from qualcode.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main([str(a) for a in args])
    assert code == 0, (args, err.getvalue())
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(project folder, export folder, accepted surface forms)."""
    from qualcode import Project

    base = tmp_path_factory.mktemp("leak")
    folder, out = base / "demo", base / "exports"
    qualcode("init", folder)
    p = ("--project", folder)
    qualcode("import", ROOT / "transcripts", "--manifest", ROOT / "transcripts" / "manifest.csv", *p)
    qualcode("codebook", "load", ROOT / "codebooks" / "assore.yaml", *p)
    qualcode("codings", "import", ROOT / "transcripts" / "codings", *p)
    qualcode("pseudonymise", "scan", *p)
    qualcode("pseudonymise", "accept", "--all-above", THRESHOLD, *p)
    qualcode("config", "set", "exports.pseudonymise", "always", *p)
    for fmt in ("docx", "xlsx", "csv", "json", "md"):
        qualcode("excerpts", "--out", out / f"extraits.{fmt}", *p)
        qualcode("matrix", "--by", "transcript", "--cells", "excerpts", "--level", "family",
                 "--out", out / f"cadre.{fmt}", *p)
        qualcode("disagreements", "--coders", "coder-a", "coder-b", "--out", out / f"desaccords.{fmt}", *p)
    for fmt in ("xlsx", "csv", "md", "json", "png"):
        qualcode("matrix", "--level", "all", "--measure", "segments", "--out", out / f"matrice.{fmt}", *p)
    qualcode("cooccurrence", "--out", out / "cooccurrences.xlsx", *p)
    qualcode("export", "qdpx", out / "projet.qdpx", *p)
    qualcode("codings", "export", "--out", out / "codings", *p)
    (out / "codings.json").write_text(qualcode("codings", "--json", *p), encoding="utf-8")
    for word in ("Stalingrad", "hôtel", "Claire"):  # keyword in context lists real text too
        (out / f"search-{word}.json").write_text(qualcode("search", word, "--json", *p), encoding="utf-8")
    (out / "disagreements.json").write_text(qualcode("disagreements", "--coders", "coder-a", "coder-b",
                                                     "--json", *p), encoding="utf-8")
    with Project.open(folder) as proj:
        ids = proj.store.transcript_ids()
        accepted = proj.store.pseudonym_forms(status="accepted")
        # names, places, contacts: their text must appear nowhere; an age ("douze ans") only
        # where it was said of someone, so it is checked with the words before it
        surfaces = {c["text"] for f in accepted if f["kind"] != "date"
                    for c in proj.store.pseudonym_candidates(form_id=f["id"])}
        ages = set()
        for f in accepted:
            for c in proj.store.pseudonym_candidates(form_id=f["id"]) if f["kind"] == "date" else []:
                line = proj.store.transcript(c["transcript"])["text"][:c["end"]].rsplit("\n", 1)[-1]
                ages.add(" ".join(line.split()[-4:]))
    for tid in ids:
        (out / f"show-{tid}.json").write_text(qualcode("show", tid, "--json", *p), encoding="utf-8")
        (out / f"show-{tid}.txt").write_text(qualcode("show", tid, *p), encoding="utf-8")
    return folder, out, surfaces, ages


def searchable(path: Path) -> str:
    """The file's text; for XML parts also with tags removed (a name split over
    two runs) and entities decoded."""
    text = file_text(path) if path.suffix != ".png" else ""
    if path.suffix in (".docx", ".xlsx", ".qdpx"):
        text += "\n" + html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


def test_no_accepted_form_leaks_from_any_export(demo):
    folder, out, surfaces, ages = demo
    files = [f for f in sorted(out.rglob("*")) if f.is_file()]
    kinds = {f.suffix for f in files}
    assert {".docx", ".xlsx", ".csv", ".json", ".md", ".yaml", ".txt", ".qdpx"} <= kinds
    assert ages and len(surfaces) > 60 and {"Claire", "Samir", "Fabrice", "Forceval"} <= surfaces
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True))
                         + r")(?!\w)")
    leaks = {}
    for path in files:
        text = searchable(path)
        flat = " ".join(text.split())
        hits = sorted(set(pattern.findall(text)) | {a for a in ages if a in flat})
        if hits:
            leaks[str(path.relative_to(out))] = hits[:10]
    assert leaks == {}
    report = searchable(out / "extraits.docx")
    assert "[Prénom" in report and "Extraits codés" in report  # pseudonymised, not emptied


def test_opting_out_is_refused_and_plain_text_is_still_there(demo, capsys):
    from qualcode.cli import main

    folder, out, surfaces, ages = demo
    assert main(["excerpts", "--no-pseudonymise", "--format", "csv", "--project", str(folder)]) == 1
    assert "supervisor" in capsys.readouterr().err
    plain = main(["show", "U07", "--json", "--project", str(folder)])
    assert plain == 0 and "Fabrice" not in capsys.readouterr().out  # the setting applies to show too
