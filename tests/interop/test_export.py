"""`export qdpx`: the demo project goes out and comes back the same; positions
are UTF-16 units over the shipped UTF-8 text; GUIDs are made once and kept;
two exports of an unchanged project are the same bytes; filters by coder and
transcript; the archive validates against Project.xsd."""
from __future__ import annotations

import zipfile

from lxml import etree

from qualcode import Project, coding

from .conftest import project_state


def _qde(path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def test_demo_round_trip(demo, tmp_path, validate, cli):
    out = tmp_path / "demo.qdpx"
    result = cli("export", "qdpx", out, "--project", demo.root)
    assert result.code == 0, result.err
    assert "33 transcripts, 75 codes, 1802 codings by 2 coder(s), 33 cases" in " ".join(result.out.split())
    validate(out)
    back = Project.init(tmp_path / "back")
    imported = back.import_qdpx(out, actor="tester")
    assert imported.read.problems == [] and imported.read.counts["codings"]["placed"] == 1802
    before, after = project_state(demo), project_state(back)
    assert after == before
    assert sum(bool(t[3]) for t in after["transcripts"].values()) == 1 and after["code memos"]
    # typed variables: people is an integer, dates are dates
    root = _qde(out)
    types = {v.get("name"): v.get("typeOfVariable") for v in root.iter("{*}Variable")}
    assert types["people"] == "Integer" and types["date"] == "Date" and types["actor_type"] == "Text"
    back.close()


def test_two_exports_of_an_unchanged_project_are_identical_and_guids_survive_renames(demo, tmp_path):
    first, second = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    demo.export_qdpx(first)
    demo.export_qdpx(second)
    assert first.read_bytes() == second.read_bytes()
    code = demo.codes()[1]
    guid = next(c.get("guid") for c in _qde(first).iter("{*}Code") if c.get("name") == code.label)
    from qualcode.codebook import operations

    operations.rename(demo, code.id, label="Nouveau nom", actor="tester")
    try:
        demo.export_qdpx(second)
        renamed = next(c for c in _qde(second).iter("{*}Code") if c.get("guid") == guid)
        assert renamed.get("name") == "Nouveau nom"
    finally:
        operations.rename(demo, code.id, label=code.label, actor="tester")


def test_positions_are_utf16_units_over_the_shipped_text(project, tmp_path, validate):
    text = "E : Salut 😀 ça va ?\nR : Oui 🎉🎉, très bien.\n"
    (tmp_path / "T1.txt").write_text(text, encoding="utf-8")
    project.import_files([tmp_path / "T1.txt"], attrs=["actor_type=usagers", "people=2"])
    book = tmp_path / "b.yaml"
    book.write_text("codes:\n  - id: humeur\n    label: Humeur\n  - id: groupe\n    label: Groupe\n    codable: false\n")
    project.load_codebook(book)
    stored = project.transcript("T1")["text"]
    start = stored.index("très bien")
    coding.add(project, "T1", "humeur", "ana", start, start + len("très bien"), memo="contente")
    out = tmp_path / "t.qdpx"
    project.export_qdpx(out)
    validate(out)
    root = _qde(out)
    sel = next(root.iter("{*}PlainTextSelection"))
    source = next(root.iter("{*}TextSource"))
    with zipfile.ZipFile(out) as archive:
        shipped = archive.read(f"sources/{source.get('guid')}.txt")
    assert shipped.decode("utf-8") == stored and not shipped.startswith(b"\xef\xbb\xbf")
    units = shipped.decode("utf-8").encode("utf-16-le")
    s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
    assert units[2 * s:2 * e].decode("utf-16-le") == "très bien"
    assert (s, e) == (start + 3, start + 3 + 9)  # three emoji before it count twice
    assert source.get("plainTextPath") == f"internal://{source.get('guid')}.txt"
    assert next(root.iter("{*}Code")).get("isCodable") == "true"
    assert [c.get("isCodable") for c in root.iter("{*}Code")] == ["true", "false"]
    note_ref = next(next(root.iter("{*}Coding")).iter("{*}NoteRef")).get("targetGUID")
    note = next(n for n in root.iter("{*}Note") if n.get("guid") == note_ref)
    assert note.findtext("{*}PlainTextContent") == "contente"
    case = next(root.iter("{*}Case"))
    assert case.get("name") == "T1" and next(case.iter("{*}SourceRef")).get("targetGUID") == source.get("guid")
    assert next(case.iter("{*}IntegerValue")).text == "2"


def test_export_filters_by_coder_and_transcript(demo, tmp_path, cli):
    out = tmp_path / "b.qdpx"
    result = cli("export", "qdpx", out, "--coder", "coder-b", "--transcript", "A02", "--transcript", "U07",
                 "--project", demo.root)
    assert result.code == 0, result.err
    root = _qde(out)
    assert [s.get("name") for s in root.iter("{*}TextSource")] == [
        demo.transcript("A02")["title"] or "A02", demo.transcript("U07")["title"] or "U07"]
    users = {u.get("guid"): u.get("name") for u in root.iter("{*}User")}
    codings = list(root.iter("{*}Coding"))
    assert codings and {users[c.get("creatingUser")] for c in codings} == {"coder-b"}
    expected = len(demo.codings(coder="coder-b", transcript="A02")) + len(demo.codings(coder="coder-b", transcript="U07"))
    assert len(codings) == expected


def test_export_refuses_bad_requests(demo, tmp_path, cli):
    bad = cli("export", "qdpx", tmp_path / "x.zip", "--project", demo.root)
    assert bad.code == 1 and "ends in .qdpx" in bad.err
    bad = cli("export", "qdpx", tmp_path / "x.qdpx", "--transcript", "NOPE", "--project", demo.root)
    assert bad.code == 1 and "unknown transcript(s): NOPE" in bad.err
    bad = cli("export", "qdpx", tmp_path / "x.qdpx", "--coder", "nobody", "--project", demo.root)
    assert bad.code == 1 and "no codings by nobody" in bad.err
    assert not (tmp_path / "x.qdpx").exists()


def test_outgoing_text_hook_keeps_positions_true(project, tmp_path, monkeypatch):
    """Every shipped source text passes through `writer.source_pieces` (where a
    pseudonymising hook goes): positions follow what it returns."""
    from qualcode.interop import writer

    (tmp_path / "T1.txt").write_text("E : Bonjour Claire.\nR : Claire 😀 va bien, merci.\n", encoding="utf-8")
    project.import_files([tmp_path / "T1.txt"])
    (tmp_path / "b.yaml").write_text("codes:\n  - id: humeur\n    label: Humeur\n", encoding="utf-8")
    project.load_codebook(tmp_path / "b.yaml")
    stored = project.transcript("T1")["text"]
    start = stored.index("va bien")
    coding.add(project, "T1", "humeur", "ana", start, start + len("va bien"))

    def pseudonymised(source, cuts):
        return [source.text[a:b].replace("Claire", "Personne-A") for a, b in zip(cuts, cuts[1:])]

    monkeypatch.setattr(writer, "source_pieces", pseudonymised)
    out = tmp_path / "p.qdpx"
    project.export_qdpx(out)
    root = _qde(out)
    guid = next(root.iter("{*}TextSource")).get("guid")
    with zipfile.ZipFile(out) as archive:
        shipped = archive.read(f"sources/{guid}.txt").decode("utf-8")
    assert "Claire" not in shipped and shipped.count("Personne-A") == 2
    sel = next(root.iter("{*}PlainTextSelection"))
    units = shipped.encode("utf-16-le")
    assert units[2 * int(sel.get("startPosition")):2 * int(sel.get("endPosition"))].decode("utf-16-le") == "va bien"
