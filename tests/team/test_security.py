"""The server enforces the team's rules: tests connect directly with psycopg as a
coder's role and try what a coder must not do; each attempt is refused by the
server (an error, or no row reached), whatever the client says."""
from __future__ import annotations

import psycopg
import pytest

from qualcode.errors import QualcodeError


def blind(team, monkeypatch, on: bool):
    from qualcode.team import members

    with team.open_as(team.sam, monkeypatch) as proj:  # a supervisor switches it
        members.set_blind(proj, on)


def rows(conn, sql, params=None):
    return conn.execute(sql, params).fetchall()


def test_blind_coder_reads_only_own_codings_and_log(team, monkeypatch):
    blind(team, monkeypatch, True)
    with team.connect(team.ana) as ana:
        assert {r[0] for r in rows(ana, "SELECT coder FROM codings")} == {team.ana}
        assert rows(ana, "SELECT memo FROM codings") == [(f"memo de {team.ana}",)]
        assert {r[0] for r in rows(ana, "SELECT role FROM audit")} == {team.ana}
        assert rows(ana, "SELECT count(*) FROM audit WHERE after LIKE '%%' || %s || '%%'", (team.bob,)) == [(0,)]
        assert rows(ana, "SELECT count(*) FROM detached_codings WHERE coder <> %s", (team.ana,)) == [(0,)]
    with team.connect(team.sam) as sam:  # supervisors read everything
        assert {r[0] for r in rows(sam, "SELECT coder FROM codings")} == {team.ana, team.bob}


def test_blind_coder_cannot_change_or_delete_others_codings(team, monkeypatch):
    blind(team, monkeypatch, True)
    with team.connect(team.ana) as ana:
        assert ana.execute("UPDATE codings SET start = 0 WHERE coder = %s", (team.bob,)).rowcount == 0
        assert ana.execute("DELETE FROM codings WHERE coder = %s", (team.bob,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            ana.execute("""INSERT INTO codings (transcript_id, code_pk, coder, start, "end", created_at,
                           updated_at) SELECT 'T1', pk, %s, 0, 5, 'x', 'x' FROM codes LIMIT 1""", (team.bob,))
        # moving one's own coding onto someone else's name is refused too
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            ana.execute("UPDATE codings SET coder = %s WHERE coder = %s", (team.bob, team.ana))
    with team.connect(team.sam) as sam:
        assert rows(sam, "SELECT count(*) FROM codings WHERE coder = %s", (team.bob,)) == [(2,)]


def test_unblinded_coder_reads_but_still_cannot_change_others(team, monkeypatch):
    blind(team, monkeypatch, False)
    with team.connect(team.ana) as ana:
        assert {r[0] for r in rows(ana, "SELECT coder FROM codings")} == {team.ana, team.bob}
        assert ana.execute("UPDATE codings SET memo = 'x' WHERE coder = %s", (team.bob,)).rowcount == 0
        assert ana.execute("DELETE FROM codings WHERE coder = %s", (team.bob,)).rowcount == 0


def test_audit_log_is_append_only_for_everyone_in_the_team(team):
    for role in (team.ana, team.sam):
        with team.connect(role) as conn:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("UPDATE audit SET actor = 'nobody'")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("DELETE FROM audit")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("TRUNCATE audit")


def test_audit_records_the_real_role_not_a_typed_name(team):
    with team.connect(team.ana) as ana:
        ana.execute("INSERT INTO audit (at, actor, action, role) VALUES ('x', %s, 'forged', %s)",
                    (team.bob, team.bob))
    with team.connect(team.sam) as sam:
        assert rows(sam, "SELECT actor, role FROM audit WHERE action = 'forged'") == [(team.ana, team.ana)]


def test_coders_cannot_create_roles_or_manage_the_team(team):
    with team.connect(team.ana) as ana:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            ana.execute("CREATE ROLE intruder LOGIN")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            ana.execute("INSERT INTO team_members (role, kind, added_by, added_at) VALUES ('x', 'supervisor', 'x', 'x')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            ana.execute("UPDATE team_members SET kind = 'supervisor'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            ana.execute("UPDATE meta SET value = 'off' WHERE key = 'team.blind'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            ana.execute("UPDATE codes SET label = 'x'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            ana.execute("DELETE FROM transcripts")


def test_a_coder_cannot_act_for_someone_else(team, monkeypatch, cli):
    result = cli("code", "T1", "freins/visites", "--coder", team.bob, "--segment", "2", "--project", team.folder)
    assert result.code == 0, result.err  # the owner (not a member) may, e.g. to load reference codings
    monkeypatch.setenv("PGUSER", team.ana)
    result = cli("code", "T1", "freins/visites", "--coder", team.bob, "--segment", "4", "--project", team.folder)
    assert result.code == 1 and f"you are '{team.ana}'" in result.err and len(result.err.splitlines()) == 1
    result = cli("team", "blind", "off", "--project", team.folder)
    assert result.code == 1 and "only a supervisor" in result.err
    result = cli("team", "add-coder", "mallory", "--project", team.folder)
    assert result.code == 1 and "owner" in result.err
    with team.open_as(team.ana, monkeypatch) as proj:
        bobs = [c["id"] for c in proj.codings(coder=team.bob)]
        from qualcode import coding

        with pytest.raises(QualcodeError):
            coding.remove(proj, bobs[0], actor=team.ana)
