"""push and pull: a project copied to the server and back is the same project
(rows, ids, spans, memos, audit log); a blind coder's pull holds their work only."""
from __future__ import annotations

import pytest

from tests.coding.conftest import fill


def comparable(store) -> dict:
    """The snapshot without what is each database's own (schema version, team)."""
    snap = store.snapshot()
    snap.pop("team_members", None)
    snap["meta"] = [r for r in snap["meta"] if r["key"] != "schema_version" and not r["key"].startswith("team.")]
    return snap


def test_push_then_pull_round_trip(project, tmp_path, pg_cluster, cli):
    from qualcode import coding

    fill(project, tmp_path / "in")
    coding.add(project, "T1", "freins/hotel/punaises", "ana", 50, 62, memo="mémo d'ana : 100 %")
    doomed = coding.add(project, "T1", "freins/visites", "bob", 130, 150)
    coding.remove(project, doomed["id"], actor="bob")
    coding.add(project, "T2", "benefices/sante", "bob", 60, 80)
    project.set_attribute("T1", "hotel_type", "bas_seuil", actor="sam")
    before = comparable(project.store)
    url = pg_cluster.create_database("pushed")
    result = cli("push", url, "--project", project.root)
    assert result.code == 0, result.err
    assert "2 codings" in result.out
    joined = cli("init", tmp_path / "joined", "--server", url)
    assert joined.code == 0 and "Joined the qualcode project" in joined.out
    result = cli("pull", tmp_path / "back", "--project", tmp_path / "joined")
    assert result.code == 0, result.err
    from qualcode import Project

    with Project.open(url_folder := tmp_path / "joined") as server, Project.open(tmp_path / "back") as back:
        assert comparable(server.store) == before
        assert comparable(back.store) == before
        assert server.store.dialect == "postgresql" and back.store.dialect == "sqlite"
        # ids go on after the copied ones on both sides, never reusing the removed coding's id
        for proj in (server, back):
            new = coding.add(proj, "T2", "freins/visites", "cleo", 0, 5)
            assert new["id"] > doomed["id"]
    assert url_folder.joinpath("qualcode.toml").is_file()


def test_push_needs_an_empty_database_and_a_local_project(project, pg_cluster, tmp_path, cli):
    url = pg_cluster.create_database("busy")
    pg_cluster.psql_admin("CREATE TABLE other (x int)", database="busy")
    result = cli("push", url, "--project", project.root)
    assert result.code == 1 and "not empty" in result.err


def test_blind_coders_pull_only_their_own_work(team, monkeypatch, tmp_path):
    from qualcode.team import members, transfer

    with team.open_as(team.sam, monkeypatch) as sam:
        members.set_blind(sam, True)
    with team.open_as(team.ana, monkeypatch) as ana:
        copy, counts = transfer.pull(ana, tmp_path / "ana-copy")
    with copy:
        assert {c["coder"] for c in copy.codings()} == {team.ana}
        assert {e["actor"] for e in copy.store.audit_entries()} == {team.ana}
        assert len(copy.store.transcript_ids()) == 2 and len(copy.codes()) > 3


def test_pull_code_offline_then_merge_back(team, monkeypatch, tmp_path, cli):
    """A coder pulls a copy, codes on the train, merges back into the server project."""
    from qualcode import coding
    from qualcode.team import members, transfer

    with team.open_as(team.sam, monkeypatch) as sam:
        members.set_blind(sam, True)
    with team.open_as(team.ana, monkeypatch) as ana:
        copy, _ = transfer.pull(ana, tmp_path / "offline")
    with copy:
        coding.add(copy, "T2", "benefices/sante", team.ana, 60, 80, memo="dans le train")
    monkeypatch.setenv("PGUSER", team.ana)
    result = cli("merge", tmp_path / "offline", "--project", team.folder, "--by", team.ana)
    assert result.code == 0, result.err
    again = cli("merge", tmp_path / "offline", "--project", team.folder, "--by", team.ana)
    assert again.code == 0
    with team.open_as(team.sam, monkeypatch) as sam:
        mine = [c for c in sam.codings() if c["coder"] == team.ana]
        assert sorted((c["transcript"], c["start"], c["memo"]) for c in mine) == [
            ("T1", 50, f"memo de {team.ana}"), ("T2", 60, "dans le train")]
        assert len([c for c in sam.codings() if c["coder"] == team.bob]) == 2  # bob's work untouched
        merged = sam.store.audit_entries(action_prefix="coding.merge")
        assert [(e["actor"], e["role"]) for e in merged] == [(team.ana, team.ana)]
    # and the other way: a local project merges the server project's work
    monkeypatch.setenv("PGUSER", team.owner)
    with team.open_as(team.owner, monkeypatch) as owner:
        local, _ = transfer.pull(owner, tmp_path / "local")
    local.close()
    result = cli("merge", team.folder, "--project", tmp_path / "local", "--by", "lead")
    assert result.code == 0 and "already here" in " ".join(result.out.split()), result.err
