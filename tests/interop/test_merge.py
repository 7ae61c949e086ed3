"""Merging coders' work: two projects coded apart and merged give the agreement
of one project coded by both; a .qdpx or a codings export merges the same way;
codebook differences are shown and need --yes; conflicts stop with nothing
written; merging twice adds nothing; merges are audited with their provenance.
`codebook diff A B` tells codes added, removed, renamed, moved and redefined."""
from __future__ import annotations

import shutil

import pytest

from qualcode import Project, coding
from qualcode.cli.agreement import report_dict

from tests.exports.conftest import CODEBOOK, CODINGS, TRANSCRIPTS, span


def _project(root, folder, coders):
    """A project made from the same files and codebook, coded by `coders` only."""
    files = []
    folder.mkdir(parents=True, exist_ok=True)
    for tid, text in TRANSCRIPTS.items():
        files.append(folder / f"{tid}.txt")
        files[-1].write_text(text, encoding="utf-8")
    (folder / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    project = Project.init(root)
    project.import_files(files, actor="setup")
    shutil.copy(folder / "book.yaml", root / "book.yaml")
    project.load_codebook(root / "book.yaml", actor="setup")
    for tid, code, coder, first, last, memo in CODINGS:
        if coder in coders:
            start, end = span(project.transcript(tid)["text"], first, last)
            coding.add(project, tid, code, coder, start, end, memo=memo)
    return project


@pytest.fixture
def apart(tmp_path):
    """Coder a's project, coder b's project, and one where both coded."""
    a = _project(tmp_path / "a", tmp_path / "in", {"a"})
    b = _project(tmp_path / "b", tmp_path / "in", {"b"})
    both = _project(tmp_path / "both", tmp_path / "in", {"a", "b"})
    yield a, b, both
    for p in (a, b, both):
        p.close()


def _codings(project):
    return sorted((c["transcript"], c["code"], c["coder"], c["start"], c["end"], c["memo"])
                  for c in project.codings())


def _agreements(project):
    return [report_dict(project.agreement(["a", "b"], unit=unit)) for unit in ("character", "segment")]


def test_two_projects_coded_apart_merged_agree_as_one(apart, cli):
    a, b, both = apart
    result = cli("merge", b.root, "--project", a.root, "--by", "lead")
    assert result.code == 0, result.err
    flat = " ".join(result.out.split())
    assert "codings added by coder: b 4" in flat
    assert _codings(a) == _codings(both)
    assert _agreements(a) == _agreements(both)
    agreement = cli("agreement", "--coders", "a", "b", "--project", a.root)
    assert agreement.code == 0 and "kappa" in agreement.out.lower()
    # merging again adds nothing
    again = cli("merge", b.root, "--project", a.root, "--by", "lead")
    assert again.code == 0 and "codings: 4 already here" in " ".join(again.out.split())
    assert _codings(a) == _codings(both)
    # audited, with where it came from
    entries = a.store.audit_entries(action_prefix="coding.merge")
    assert len(entries) == 4 and all(e["actor"] == "lead" for e in entries)
    assert {e["after"]["from"] for e in entries} == {str(b.root)}
    assert {e["after"]["coder"] for e in entries} == {"b"}
    summary = a.store.audit_entries(action_prefix="project.merge")
    assert len(summary) == 2 and summary[0]["after"]["kind"] == "project"


def test_merge_through_qdpx_and_codings_export(apart, tmp_path, cli):
    a, b, both = apart
    out = tmp_path / "b.qdpx"
    assert cli("export", "qdpx", out, "--project", b.root).code == 0
    result = cli("merge", out, "--project", a.root)
    assert result.code == 0, result.err
    assert _codings(a) == _codings(both) and _agreements(a) == _agreements(both)
    assert cli("merge", out, "--project", a.root).code == 0
    assert _codings(a) == _codings(both)

    fresh = _project(tmp_path / "c", tmp_path / "in", {"a"})
    exported = tmp_path / "codings"
    assert cli("codings", "export", "--out", exported, "--coder", "b", "--project", b.root).code == 0
    result = cli("merge", exported, "--project", fresh.root)
    assert result.code == 0, result.err
    assert _codings(fresh) == _codings(both)
    assert cli("merge", exported, "--project", fresh.root).code == 0
    assert _codings(fresh) == _codings(both)
    fresh.close()


def test_codebook_differences_need_yes(apart, cli):
    a, b, _ = apart
    from qualcode.codebook import operations
    from qualcode.codebook.model import CodeSpec

    operations.add(b, CodeSpec(id="freins/hotel/bruit", label="Bruit"), actor="b")
    operations.rename(b, "freins/equipe", label="Équipe surchargée", actor="b")
    before = _codings(a)
    result = cli("merge", b.root, "--project", a.root)
    assert result.code == 1
    flat = " ".join(result.out.split())
    assert "+ freins/hotel/bruit «Bruit»: only there" in flat
    assert "~ freins/equipe «Équipe débordée» here, freins/equipe «Équipe surchargée» there (renamed, same id)" in flat
    assert "nothing written" in flat and "--yes" in flat
    assert _codings(a) == before and a.store.code("freins/hotel/bruit") is None
    result = cli("merge", b.root, "--yes", "--project", a.root)
    assert result.code == 0, result.err
    assert a.code("freins/hotel/bruit").label == "Bruit"
    assert a.code("freins/equipe").label == "Équipe débordée"  # kept as here
    assert "id: freins/hotel/bruit" in (a.root / "book.yaml").read_text(encoding="utf-8")
    assert len(a.codings(coder="b")) == 4


def test_conflicts_stop_with_nothing_written(apart, tmp_path, cli):
    a, b, _ = apart
    b.store._exec("UPDATE transcripts SET text = text || ' (corrigé)', content_hash = 'x' WHERE id = 'U2'")
    before = _codings(a)
    result = cli("merge", b.root, "--yes", "--project", a.root)
    assert result.code == 1 and "conflict: source" in result.err and "transcript 'U2' here, but its text differs" in result.err
    assert _codings(a) == before and a.store.audit_entries(action_prefix="project.merge") == []
    b.store._exec("UPDATE transcripts SET text = substr(text, 1, length(text) - 11) WHERE id = 'U2'")
    # the same code id meaning another thing (another GUID, another label)
    a.store.set_code_guid(a.store.code("freins/equipe")["pk"], "aaaaaaaa-0000-4000-8000-000000000001")
    b.store.set_code_guid(b.store.code("freins/equipe")["pk"], "bbbbbbbb-0000-4000-8000-000000000001")
    from qualcode.codebook import operations

    operations.rename(b, "freins/equipe", label="Équipe de nuit", actor="b")
    result = cli("merge", b.root, "--yes", "--project", a.root)
    assert result.code == 1 and "code 'freins/equipe' means «Équipe débordée» here" in result.err
    assert _codings(a) == before


def test_merge_refuses_itself_and_unknown_input(apart, tmp_path, cli):
    a, _, _ = apart
    assert "this is the project itself" in cli("merge", a.root, "--project", a.root).err
    assert "no such project folder" in cli("merge", tmp_path / "nope.txt", "--project", a.root).err


def test_codebook_diff(tmp_path, cli):
    a = tmp_path / "a.yaml"
    a.write_text(CODEBOOK, encoding="utf-8")
    b = tmp_path / "b.yaml"
    b.write_text(CODEBOOK.replace("label: Équipe débordée", "label: Équipe surchargée")
                 .replace("description: Soins et santé.", "description: Soins.")
                 .replace("  - id: freins/hotel/punaises\n    label: Punaises de lit\n    description: Punaises et nuisibles.\n", "")
                 + "  - id: benefices/logement\n    label: Logement\n", encoding="utf-8")
    result = cli("codebook", "diff", a, b)
    assert result.code == 1
    flat = " ".join(result.out.split())
    assert "+ benefices/logement «Logement»: only b.yaml" in flat
    assert "- freins/hotel/punaises «Punaises de lit»: only a.yaml" in flat
    assert "~ freins/equipe «Équipe débordée» a.yaml, freins/equipe «Équipe surchargée» b.yaml (renamed, same id)" in flat
    assert "* benefices/sante: description differ (redefined)" in flat
    assert "1 added, 1 removed, 1 renamed, 0 moved, 1 redefined" in flat
    same = cli("codebook", "diff", a, a)
    assert same.code == 0 and "same codebook" in same.out


def test_codebook_diff_by_guid_sees_renames_and_moves(tmp_path, cli):
    g1, g2 = "11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002"
    a = tmp_path / "a.yaml"
    a.write_text(f"codes:\n  - id: x\n    label: X\n  - id: y\n    label: Y\n    guid: {g1}\n"
                 f"  - id: x/z\n    label: Z\n    guid: {g2}\n", encoding="utf-8")
    b = tmp_path / "b.qdc"
    from qualcode.codebook.model import CodeSpec
    from qualcode.codebook.qdc import write_qdc

    write_qdc([CodeSpec(id="x", label="X"), CodeSpec(id="x/why", label="Why", guid=g1),
               CodeSpec(id="z", label="Z", guid=g2)], b)
    flat = " ".join(cli("codebook", "diff", a, b).out.split())
    assert "~ y «Y» a.yaml, x/why «Why» b.qdc (renamed, same GUID)" in flat
    assert "> y a.yaml, x/why b.qdc (moved)" in flat and "> x/z a.yaml, z b.qdc (moved)" in flat
    assert "0 added, 0 removed" in flat
    project = tmp_path / "p"
    cli("init", project)
    cli("codebook", "load", a, "--project", project)
    assert " ".join(cli("codebook", "diff", project, a).out.split()).endswith("same codebook")
