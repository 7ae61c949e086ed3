"""The small Python API on `Project`: open, import, code, suggest, agree, export."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TEXT = """---
id: T1
actor_type: usagers
people: 1
interviewer: Claire
---
Claire : Et l'hôtel ?
R : Les punaises de lit partout, j'ai dormi dehors. Les tickets, douze euros, c'est rien.
"""


def test_api_end_to_end(tmp_path):
    from qualcode import Project

    (tmp_path / "t1.txt").write_text(TEXT, encoding="utf-8")
    codebook = tmp_path / "assore.yaml"
    codebook.write_text((ROOT / "codebooks" / "assore.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with Project.init(tmp_path / "p") as project:
        assert [r.status for r in project.import_files([tmp_path / "t1.txt"])] == ["imported"]
        project.load_codebook(codebook)
        a = project.apply_code("T1", "freins/usagers/conditions-hotelieres", "ana", quote="Les punaises de lit")
        assert project.transcript("T1")["text"][a["start"]:a["end"]] == "Les punaises de lit"
        project.apply_code("T1", "freins/usagers/conditions-hotelieres", "bob", segment=2)
        assert {c["coder"] for c in project.codings(code="freins/usagers")} == {"ana", "bob"}
        report = project.suggest(method="rules")
        assert report.stored["rules"] >= 1
        agreement = project.agreement(["ana", "bob"], unit="segment", level="leaf")
        hotel = next(f for f in agreement.codes if f.code == "freins/usagers/conditions-hotelieres")
        assert hotel is not None
        tables = project.matrix(measures=["interviews", "people"], level="family")
        assert tables["interviews"].loc["freins/usagers", "usagers"] == 1
        assert tables["people"].loc["freins/usagers", "Total"] == 1
    assert Project.open(tmp_path / "p").transcripts()[0]["codings"] == 2
