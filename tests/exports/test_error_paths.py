"""Filters that match nothing fail loudly; misspellings get a suggestion; --version;
piped tables keep their width; `make demo` never deletes work it did not make."""
from __future__ import annotations

import json

import pytest

from tests.exports.conftest import HOT, PUN


def refused(result, *needles) -> str:
    assert result.code == 1, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qualcode: error: "), result.err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def test_unknown_coder_in_codings_is_refused(cli, small):
    p = ["--project", small.root]
    refused(cli("codings", "--coder", "nobody", *p), "no codings by nobody", "coders: a, b")
    refused(cli("codings", "--coder", "A", *p), "did you mean a?")
    listed = json.loads(cli("codings", "--coder", "b", "--json", *p).out)
    assert {c["coder"] for c in listed} == {"b"} and len(listed) == 4


def test_where_value_no_transcript_has_is_refused(cli, small, tmp_path):
    p = ["--project", small.root]
    out = tmp_path / "x3.docx"
    refused(cli("excerpts", "--where", "actor_type=usager", "--out", out, *p),
            "no transcript has actor_type = usager", "did you mean usagers?", "partenaires, pilotage, usagers")
    assert not out.exists()
    refused(cli("matrix", "--where", "actor_type=usager", *p), "actor_type = usager")
    refused(cli("matrix", "--by", "transcript", "--where", "hotel_type=bas", *p), "hotel_type = bas", "bas_seuil")
    # a known value filters: only the usagers' interviews count
    result = cli("matrix", "--where", "actor_type=usagers", "--measure", "interviews", "--json", *p)
    rows = {r["code"]: r for r in json.loads(result.out)["interviews"]["rows"]}
    assert rows[PUN]["Total"] == 2 and rows["freins/equipe"]["Total"] == 1
    # a value a transcript has, but no coding in the selection: not an error, an empty report
    assert cli("excerpts", "--where", "actor_type=partenaires", "--out", tmp_path / "p.md", *p).code == 0


def test_code_and_quote_errors(cli, small):
    p = ["--project", small.root]
    # the misspelled code is reported even though the quote is wrong too
    refused(cli("code", "U1", "freins/hotell", "--coder", "z", "--quote", "les punaises", *p),
            "unknown code 'freins/hotell'", "did you mean freins/hotel")
    # a wrong quote gets the closest passage
    refused(cli("code", "U1", HOT, "--coder", "z", "--quote", "les punaises partout", *p),
            "quote not found in transcript 'U1'", "closest: «des punaises partout.»")
    refused(cli("code", "U1", HOT, "--coder", "z", "--quote", "zzzz qqqq wwww", *p), "quote not found")
    # wrong case: did you mean
    refused(cli("code", "u1", HOT, "--coder", "z", "--quote", "des punaises", *p),
            "unknown transcript 'u1' (did you mean U1?)")
    refused(cli("show", "u2", *p), "did you mean U2?")


def test_closest_passage():
    from qualcode.coding import closest_passage

    text = "Il y a des punaises de lit partout. La fenêtre ferme pas, et l'hôtel s'en fiche."
    assert closest_passage(text, "les punaises") == "des punaises"
    assert closest_passage(text, "la fenetre ferme") == "La fenêtre ferme"
    assert closest_passage(text, "xyzzy plugh") is None


def test_version(cli):
    from qualcode import __version__

    result = cli("--version")
    assert result.code == 0 and result.out.strip() == f"qualcode {__version__}"


def test_piped_tables_are_not_cut_at_80_columns(cli, small, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    out = cli("matrix", "--measure", "share", "--project", small.root).out
    assert max(map(len, out.splitlines())) > 80
    assert "Partenaires" in out and "Conditions hôtelières" in out  # headers and labels unbroken
    assert all("│" not in line or line.rstrip().endswith(("│", "┃", "┓", "┛")) for line in out.splitlines()
               if line.startswith(("│", "┃")))


def test_demo_never_deletes_work_it_did_not_make(tmp_path, capsys):
    from qualcode import Project, demo

    folder = tmp_path / "demo"
    with Project.init(folder) as project:
        project.set_attribute  # an empty project: nothing audited yet
    demo.stamp(folder)
    assert demo.foreign_work(folder) is None
    assert demo.clear(folder) is None and not folder.exists()  # the demo's own build: rebuilt

    with Project.init(folder):
        pass
    demo.stamp(folder)
    (folder / "notes.txt").write_text("mes notes", encoding="utf-8")
    kept = demo.clear(folder)
    assert kept is not None and (kept / "notes.txt").read_text(encoding="utf-8") == "mes notes"
    assert "was not deleted" in capsys.readouterr().out and not folder.exists()

    with Project.init(folder):
        pass
    kept = demo.clear(folder)  # no stamp: not made by the demo
    assert kept is not None and (kept / "qualcode.db").exists()


def test_demo_sees_codings_added_after_it(tmp_path, small):
    from qualcode import coding, demo

    demo.stamp(small.root)
    assert demo.foreign_work(small.root) is None
    coding.add(small, "U2", HOT, "you", 0, 5)
    assert "changes" in demo.foreign_work(small.root)


@pytest.mark.parametrize("args", [("--top", "1")])
def test_suggestions_top_says_how_many_it_hid(cli, small, args):
    result = cli("suggestions", *args, "--project", small.root)
    assert result.code == 0 and "0 pending suggestions" in result.out
