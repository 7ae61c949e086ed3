"""The exchange on both backends (SQLite and PostgreSQL): importing a .qdpx,
exporting it back the same, and merging a coder's project, through the
Project/Store API only; the coder's project merged in is on SQLite (a laptop)."""
from __future__ import annotations

import zipfile

from conftest import new_project

from qualcode import coding

from .conftest import CODE_B, TEXT, USER_B, make_qdpx, qde, selection, units
from .conftest import coding as coding_el

SEL = "a0000000-0000-4000-8000-0000000000f1"
COD = "b0000000-0000-4000-8000-0000000000f1"


def test_import_export_merge_on_each_backend(backend, tmp_path, request):
    archive = make_qdpx(tmp_path / "in.qdpx", qde(selection(SEL, units(TEXT, "Très bien, merci"),
                                                            coding_el(COD, CODE_B, USER_B))))
    first = new_project(backend, tmp_path / "one", request)
    result = first.import_qdpx(archive, actor="tester")
    assert result.read.counts["codings"]["placed"] == 1
    [c] = first.codings()
    assert (c["coder"], c["code"]) == ("bob", "accueil/politesse")
    assert first.transcript(c["transcript"])["text"][c["start"]:c["end"]] == "Très bien, merci"
    assert first.code("accueil/politesse").codable is False

    out_a, out_b = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    first.export_qdpx(out_a)
    first.export_qdpx(out_b)
    assert out_a.read_bytes() == out_b.read_bytes()
    with zipfile.ZipFile(out_a) as z:
        assert COD in z.read("project.qde").decode("utf-8")

    # a coder's laptop project (SQLite), made from the export, codes one more passage; merged back
    from qualcode import Project

    second = Project.init(tmp_path / "two")
    second.import_qdpx(out_a, actor="tester")
    text = second.transcript(c["transcript"])["text"]
    start = text.index("Au revoir")
    coding.add(second, c["transcript"], "accueil", "carla", start, start + len("Au revoir"))
    merged = first.merge(second.root, actor="lead")
    assert merged.written.counts["codings"] == {"added": 1, "already here": 1}
    assert sorted(x["coder"] for x in first.codings()) == ["bob", "carla"]
    again = first.merge(second.root, actor="lead")
    assert again.written.counts["codings"] == {"already here": 2}
    first.close()
    second.close()
