"""Acceptance on the real REFI-QDA samples: the NVivo Windows two-coder project
comes in whole (330 codings placed exactly, under the coder of each Coding),
ATLAS.ti's project without its files brings its codebook and reports the rest,
NVivo for Mac keeps its deep codebook; each sample survives import -> export ->
import, and the exports validate against Project.xsd."""
from __future__ import annotations

import zipfile
from collections import Counter

import pytest
from lxml import etree

from qualcode import Project
from qualcode.interop.positions import canonical

from .conftest import ATLAS, MASTODON, NVIVO_MAC, NVIVO_WIN, need, project_state


def _archive_codings(path):
    """Straight from the archive: coding GUID -> (selection text as NVivo means it, coder name)."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        users = {u.get("guid"): u.get("name") for u in root.iter("{*}User")}
        out = {}
        for source in root.iter("{*}TextSource"):
            member = source.get("plainTextPath").replace("internal://", "Sources/")
            body = archive.read(member).decode("utf-8-sig").encode("utf-16-le")
            for sel in source.iter("{*}PlainTextSelection"):
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                text = body[2 * start:2 * end].decode("utf-16-le")
                for c in sel.iter("{*}Coding"):
                    out[c.get("guid")] = (text, users[c.get("creatingUser")], users[sel.get("creatingUser")])
    return out


@pytest.fixture(scope="module")
def nvivo(tmp_path_factory):
    root = tmp_path_factory.mktemp("nvivo") / "proj"
    project = Project.init(root)
    result = project.import_qdpx(need(NVIVO_WIN), actor="tester")
    yield project, result
    project.close()


def test_nvivo_windows_330_codings_placed_exactly_under_their_coders(nvivo):
    project, result = nvivo
    assert result.read.counts["codings"] == Counter(read=330, placed=330)
    assert result.written.counts["codings"]["added"] == 330
    assert result.read.problems == []
    assert "UTF-16" in result.read.positions
    expected = _archive_codings(NVIVO_WIN)
    refi = {r["coding_guid"]: cid for cid, r in project.store.coding_refi().items()}
    texts = {t: project.store.transcript(t)["text"] for t in project.store.transcript_ids()}
    codings = {c["id"]: c for c in project.codings()}
    assert len(codings) == len(expected) == 330
    differs_from_selection_user = 0
    for guid, (text, coder, selection_user) in expected.items():
        c = codings[refi[guid]]
        assert canonical(texts[c["transcript"]][c["start"]:c["end"]]) == canonical(text), guid
        assert c["coder"] == coder
        differs_from_selection_user += coder != selection_user
    assert differs_from_selection_user == 297
    assert Counter(c["coder"] for c in codings.values()) == {"Gergo": 303, "test_user": 27}
    # transcripts keep their GUIDs and names; the codebook its GUIDs and isCodable
    assert project.store.refi_ids("source")["videos_10_selected"]["guid"] == "68bbdc14-c361-4432-b4dd-ae1dbfc12890"
    codes = {c.label: c for c in project.codes()}
    assert len(codes) >= 150 and codes["Attituderoots"].codable is False
    assert codes["1. Oltás típusa"].guid == "5067d381-1dc9-4816-81dd-ae1dbfea2ad7"
    assert set(project.store.refi_ids("user")) == {"Gergo", "floriansipos", "test_user"}


def test_nvivo_import_report_on_the_command_line(cli, tmp_path):
    root = tmp_path / "p"
    assert cli("init", root).code == 0
    result = cli("import", need(NVIVO_WIN), "--project", root)
    assert result.code == 0, result.err
    out = " ".join(result.out.split())
    assert "positions read as UTF-16 code units" in out
    assert "codings │ 330 │ 330" in out
    assert "codings added by coder: Gergo 303, test_user 27" in out
    assert "codebook:" in out and (root / "codebooks" / f"{NVIVO_WIN.stem}.yaml").exists()


def test_atlas_ti_without_its_files_brings_its_codebook_and_says_what_is_missing(cli, tmp_path):
    root = tmp_path / "p"
    cli("init", root)
    result = cli("import", need(ATLAS), "--project", root)
    assert result.code == 0, result.err
    out = " ".join(result.out.split())
    for kind, n in (("pictures", 1), ("PDF regions", 4), ("audio", 1), ("video", 2), ("links", 1),
                    ("graphs", 1), ("sets", 16)):
        assert f"{kind} │ " in out and f"│ {n} │" in out.split(f"{kind} │", 1)[1][:60], kind
    for name, n in (("Mabel.txt", 3), ("Simon.docx", 3), ("1994 Diet Coke-Diet Coke Break.docx", 1)):
        assert f"TextSource '{name}'" in out and f"missing from the archive; its {n} coding(s) not imported" in out
    assert "PictureSource 'cornflakes-n-milk.jpg'" in out and "VideoSource '1960s Coca Cola commercial.mp4'" in out
    with Project.open(root) as project:
        assert len(project.codes()) == 14
        assert project.store.transcript_ids() == [] and project.codings() == []
        assert {n["name"] for n in project.store.notes()} == {"Research Plan", "My favorite Coke ad"}
        assert project.code("coke-diet-coke").guid == "D299EFAE-5779-46DC-9827-A3D1A5D544BC"
    listed = cli("notes", "--project", root)
    assert "# Research Plan (Friedrich Markgraf)" in listed.out and "2 project note(s)" in listed.out
    assert "This is a great project by a dynamic team of researcher-developers." in listed.out


def test_nvivo_mac_and_the_qdc_keep_their_codebooks(cli, tmp_path):
    root = tmp_path / "p"
    cli("init", root)
    result = cli("import", need(NVIVO_MAC), "--project", root)
    assert result.code == 0, result.err
    with Project.open(root) as project:
        codes = project.codes()
        assert len(codes) == 262 and max(c.depth for c in codes) == 7
        assert codes[0].guid == "34653336-3766-3235-6466-363134396437"
    # a .qdc is a codebook, not a project: said so, nothing written
    result = cli("import", need(MASTODON), "--project", root)
    assert result.code == 1 and "a REFI-QDA codebook; import it with 'qualcode codebook import'" in result.err


@pytest.mark.parametrize("sample", [NVIVO_WIN, ATLAS, NVIVO_MAC], ids=["nvivo-win", "atlas", "nvivo-mac"])
def test_samples_round_trip_and_validate(sample, tmp_path, validate):
    first = Project.init(tmp_path / "one")
    first.import_qdpx(need(sample), actor="tester")
    out = tmp_path / "out.qdpx"
    first.export_qdpx(out)
    validate(out)
    second = Project.init(tmp_path / "two")
    again = second.import_qdpx(out, actor="tester")
    assert again.read.problems == []
    assert project_state(second) == project_state(first)
    assert [c.guid for c in second.codes()] == [c.guid for c in first.codes()]
    assert second.store.refi_ids("source") == first.store.refi_ids("source")
    assert ({r["coding_guid"] for r in second.store.coding_refi().values()}
            == {r["coding_guid"] for r in first.store.coding_refi().values()})
    assert [n["guid"] for n in second.store.notes()] == [n["guid"] for n in first.store.notes()]
    # exporting the re-imported project gives the same archive
    second.export_qdpx(tmp_path / "again.qdpx")
    with zipfile.ZipFile(out) as a, zipfile.ZipFile(tmp_path / "again.qdpx") as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        assert all(a.read(n) == b.read(n) for n in a.namelist() if n != "project.qde")
        assert a.read("project.qde").replace(b'name="one"', b'') == b.read("project.qde").replace(b'name="two"', b'')
    first.close()
    second.close()
