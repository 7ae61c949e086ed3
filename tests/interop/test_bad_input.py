"""Bad .qdpx input: one clear line naming the element (and GUID); a fatal problem
writes nothing, a local one detaches or skips the element and lists it."""
from __future__ import annotations

import zipfile

import pytest

from qualcode import Project

from .conftest import CODE_A, CODE_B, SOURCE, TEXT, USER_A, USER_B, coding, make_qdpx, qde, selection, units

SEL1 = "a0000000-0000-4000-8000-000000000001"
SEL2 = "a0000000-0000-4000-8000-000000000002"
COD1 = "b0000000-0000-4000-8000-000000000001"
COD2 = "b0000000-0000-4000-8000-000000000002"
COD3 = "b0000000-0000-4000-8000-000000000003"
UNKNOWN = "99999999-9999-4999-8999-999999999999"


@pytest.fixture
def root(cli, tmp_path):
    folder = tmp_path / "proj"
    assert cli("init", folder).code == 0
    return folder


def run_import(cli, root, archive, *extra):
    result = cli("import", archive, *extra, "--project", root)
    result.flat = " ".join(result.out.split())
    return result


def assert_nothing_written(root):
    with Project.open(root) as project:
        assert project.store.transcript_ids() == [] and project.codes() == []
        assert project.store.audit_entries() == []
    assert not (root / "codebooks").exists()


def fatal(result, *fragments):
    assert result.code == 1 and result.out == ""
    message = result.err.strip()
    assert message.startswith("qualcode: error: ") and "\n" not in message and "Traceback" not in message
    for fragment in fragments:
        assert fragment in message, message


def test_a_good_archive_first(cli, root, tmp_path):
    good = selection(SEL1, units(TEXT, "Bonjour 😀, vous"), coding(COD1) + coding(COD2, CODE_B, USER_B))
    result = run_import(cli, root, make_qdpx(tmp_path / "ok.qdpx", qde(good)))
    assert result.code == 0, result.err
    with Project.open(root) as project:
        [tid] = project.store.transcript_ids()
        assert tid == "Entretien 1"
        text = project.transcript(tid)["text"]
        assert text == "E : Bonjour 😀, vous allez bien ?\nR : Très bien, merci.\nE : Au revoir."
        spans = {(c["coder"], c["code"], text[c["start"]:c["end"]]) for c in project.codings()}
        assert spans == {("ana", "accueil", "Bonjour 😀, vous"), ("bob", "accueil/politesse", "Bonjour 😀, vous")}
        assert project.code("accueil/politesse").codable is False
    again = run_import(cli, root, tmp_path / "ok.qdpx")  # the same file twice adds nothing
    assert again.code == 0
    assert "nothing new: transcripts: 1 already here; codes: 2 already here; codings: 2 already here" in again.flat


def test_missing_source_file_is_listed_and_its_codings_not_imported(cli, root, tmp_path):
    sel = selection(SEL1, units(TEXT, "Bonjour"), coding(COD1))
    result = run_import(cli, root, make_qdpx(tmp_path / "m.qdpx", qde(sel), files={}))
    assert result.code == 0, result.err
    assert (f"TextSource 'Entretien 1.txt' ({SOURCE}): file internal://{SOURCE}.txt missing from the archive; "
            "its 1 coding(s) not imported") in result.flat
    with Project.open(root) as project:
        assert project.store.transcript_ids() == [] and len(project.codes()) == 2


def test_selection_past_the_end_is_detached_with_the_reason(cli, root, tmp_path):
    length = units(TEXT, TEXT[1:])[1]
    sels = (selection(SEL1, (length - 3, length + 5), coding(COD1))
            + selection(SEL2, units(TEXT, "Très bien"), coding(COD2)))
    result = run_import(cli, root, make_qdpx(tmp_path / "p.qdpx", qde(sels)))
    assert result.code == 0, result.err
    assert (f"Coding {COD1} (accueil) in TextSource 'Entretien 1.txt' ({SOURCE}): selection "
            f"[{length - 3}, {length + 5}) goes past the end of its source ({length} UTF-16 code units)") in result.flat
    listed = cli("codings", "--detached", "--json", "--project", root)
    assert '"reason": "selection [' in listed.out and "past the end" in listed.out
    with Project.open(root) as project:
        [placed] = project.codings()
        assert project.transcript(placed["transcript"])["text"][placed["start"]:placed["end"]] == "Très bien"


def test_unknown_code_is_skipped_and_unknown_user_detached(cli, root, tmp_path):
    sels = selection(SEL1, units(TEXT, "Très bien"), coding(COD1, UNKNOWN) + coding(COD2, CODE_A, UNKNOWN))
    result = run_import(cli, root, make_qdpx(tmp_path / "u.qdpx", qde(sels)))
    assert result.code == 0, result.err
    assert f"Coding {COD1} in TextSource 'Entretien 1.txt' ({SOURCE}): unknown code {UNKNOWN}; skipped" in result.flat
    assert f"Coding {COD2} (accueil) in TextSource 'Entretien 1.txt' ({SOURCE}): unknown user {UNKNOWN}" in result.flat
    with Project.open(root) as project:
        assert project.codings() == []
        [detached] = project.store.detached_codings()
        assert detached["quote"] == "Très bien" and detached["reason"] == f"unknown user {UNKNOWN}"


def test_edge_inside_a_character_is_detached(cli, root, tmp_path):
    start, _ = units(TEXT, "😀")
    sels = selection(SEL1, (start + 1, start + 5), coding(COD1))
    result = run_import(cli, root, make_qdpx(tmp_path / "s.qdpx", qde(sels)))
    assert result.code == 0 and "surrogate pair" in result.flat and COD1 in result.flat


def test_duplicate_guids(cli, root, tmp_path):
    codes = (f'<Code guid="{CODE_A}" name="Un" isCodable="true"/>'
             f'<Code guid="{CODE_A}" name="Deux" isCodable="true"/>')
    result = run_import(cli, root, make_qdpx(tmp_path / "d.qdpx", qde(codes=codes)))
    fatal(result, "d.qdpx: project.qde: line 2: Code", CODE_A, "duplicate GUID")
    assert_nothing_written(root)
    users = f'<User guid="{USER_A}" name="ana"/><User guid="{USER_A}" name="anna"/>'
    fatal(run_import(cli, root, make_qdpx(tmp_path / "du.qdpx", qde(users=users))), f"User {USER_A}: duplicate GUID")
    twin = f'<TextSource guid="{SOURCE}" name="Copie" plainTextPath="internal://{SOURCE}.txt"/>'
    fatal(run_import(cli, root, make_qdpx(tmp_path / "ds.qdpx", qde(more_sources=twin))),
          f"TextSource 'Copie' ({SOURCE}): duplicate GUID")
    assert_nothing_written(root)
    # duplicate selections and codings are local: the later one is skipped
    sels = (selection(SEL1, units(TEXT, "Bonjour"), coding(COD1))
            + selection(SEL1, units(TEXT, "merci"), coding(COD2))
            + selection(SEL2, units(TEXT, "revoir"), coding(COD1)))
    result = run_import(cli, root, make_qdpx(tmp_path / "dl.qdpx", qde(sels)))
    assert result.code == 0
    assert f"PlainTextSelection {SEL1} in TextSource 'Entretien 1.txt' ({SOURCE}): duplicate GUID" in result.flat
    assert f"Coding {COD1} in TextSource 'Entretien 1.txt' ({SOURCE}): duplicate GUID; skipped" in result.flat
    with Project.open(root) as project:
        assert len(project.codings()) == 1


def test_zip_slip_member_refused(cli, root, tmp_path):
    archive = make_qdpx(tmp_path / "z.qdpx", qde(), files={"../../evil.txt": "x", f"Sources/{SOURCE}.txt": TEXT})
    fatal(run_import(cli, root, archive), "z.qdpx: refused: archive member '../../evil.txt' points outside")
    assert_nothing_written(root)
    ref = qde(source_attrs='plainTextPath="internal://../../etc/passwd"')
    result = run_import(cli, root, make_qdpx(tmp_path / "r.qdpx", ref))
    assert result.code == 0 and "file internal://../../etc/passwd missing from the archive" in result.flat


def test_entity_bomb_refused(cli, root, tmp_path):
    bomb = qde().replace('<?xml version="1.0" encoding="utf-8"?>\n',
                         '<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa">'
                         '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n').replace('name="t"', 'name="&b;"')
    fatal(run_import(cli, root, make_qdpx(tmp_path / "bomb.qdpx", bomb)), "bomb.qdpx: project.qde: refused",
          "entities")
    assert_nothing_written(root)


def test_non_utf8_source_is_skipped(cli, root, tmp_path):
    sels = selection(SEL1, (0, 3), coding(COD1))
    result = run_import(cli, root, make_qdpx(tmp_path / "l.qdpx", qde(sels), text="Caf\xe9 cr\xe8me".encode("cp1252")))
    assert result.code == 0
    assert (f"TextSource 'Entretien 1.txt' ({SOURCE}): file internal://{SOURCE}.txt is not UTF-8 (byte 3); "
            "its 1 coding(s) not imported") in result.flat


def test_transcript_with_other_text_is_a_conflict(cli, root, tmp_path):
    other = tmp_path / "Entretien 1.txt"
    other.write_text("E : Un autre texte.\n", encoding="utf-8")
    assert cli("import", other, "--project", root).code == 0
    result = run_import(cli, root, make_qdpx(tmp_path / "c.qdpx", qde()))
    fatal(result, "c.qdpx: conflict: source 'Entretien 1.txt'", "transcript 'Entretien 1' here, but its text differs",
          "nothing written")
    with Project.open(root) as project:
        assert project.codes() == [] and project.store.transcript_ids() == ["Entretien 1"]


def test_not_a_project(cli, root, tmp_path):
    fake = tmp_path / "fake.qdpx"
    fake.write_text("<Project/>")
    fatal(run_import(cli, root, fake), "fake.qdpx: not a valid zip archive")
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("Sources/a.txt", "x")
    fatal(run_import(cli, root, empty), "empty.qdpx: not a REFI-QDA project (no project.qde)")
    book = tmp_path / "book.qdpx"
    with zipfile.ZipFile(book, "w") as archive:
        archive.writestr("project.qde", '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>')
    fatal(run_import(cli, root, book), "not a REFI-QDA project (root element is <CodeBook>)", "codebook import")
    fatal(run_import(cli, root, make_qdpx(tmp_path / "ok.qdpx", qde()), "--positions", "bytes"),
          "--positions must be utf16 or codepoints")
    assert_nothing_written(root)


def test_positions_in_code_points_detected_or_chosen(cli, tmp_path):
    text = "😀😀 Premier mot. 😀 Second mot. 😀😀 Dernier mot."
    words = ["Premier mot", "Second mot", "Dernier mot"]
    sels = "".join(selection(f"a0000000-0000-4000-8000-00000000000{n}", (text.index(w), text.index(w) + len(w)),
                             coding(f"b0000000-0000-4000-8000-00000000000{n}"))
                   for n, w in enumerate(words, start=1))
    archive = make_qdpx(tmp_path / "cp.qdpx", qde(sels, origin="OtherTool 1.0"), text=text)
    found = {}
    for flag in (None, "utf16", "codepoints"):
        root = tmp_path / f"p-{flag}"
        cli("init", root)
        result = run_import(cli, root, archive, *(["--positions", flag] if flag else []))
        assert result.code == 0, result.err
        assert ("code points (3 of 3 selections fall on word boundaries as codepoints (vs 1)" in result.flat
                if flag is None else "chosen with --positions" in result.flat)
        with Project.open(root) as project:
            stored = project.transcript("Entretien 1")["text"]
            found[flag] = sorted(stored[c["start"]:c["end"]] for c in project.codings())
    assert found[None] == found["codepoints"] == sorted(words)
    assert found["utf16"] != sorted(words)  # read in the wrong unit: other places (or detached)
