"""A team project on the test cluster: the owner imported two transcripts and a
codebook, added coders ana and bob and supervisor sam (role names made unique
per test, roles being cluster-wide), and each coder coded as themselves."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.coding.conftest import make_inputs
from tests.conftest import new_project  # noqa: F401  (re-exported for team tests)


@dataclass
class Team:
    cluster: object
    database: str
    folder: Path
    ana: str
    bob: str
    sam: str
    owner: str

    def open_as(self, role: str, monkeypatch):
        """The project opened as `role` (libpq's PGUSER, as a member would)."""
        from qualcode import Project

        monkeypatch.setenv("PGUSER", role)
        return Project.open(self.folder)

    def connect(self, role: str):
        """A raw psycopg connection as `role`, autocommit: each statement on its own."""
        import psycopg

        return psycopg.connect(host=str(self.cluster.socket), port=self.cluster.port, user=role,
                               dbname=self.database, autocommit=True)


_teams = iter(range(1, 10**6))


@pytest.fixture
def team(pg_cluster, tmp_path, monkeypatch):
    from qualcode import Project, coding
    from qualcode.team import members
    from qualcode.team.cluster import SUPERUSER

    n = next(_teams)
    database = f"team{n}"
    pg_cluster.create_database(database)
    t = Team(pg_cluster, database, tmp_path / "proj", f"ana{n}", f"bob{n}", f"sam{n}", SUPERUSER)
    monkeypatch.setenv("PGUSER", SUPERUSER)
    files = make_inputs(tmp_path / "in")
    with Project.init(t.folder, server=pg_cluster.url(database, user=None)) as owner:
        owner.import_files([files["T1"], files["T2"]], actor="setup")
        owner.load_codebook(files["book"], actor="setup")
        members.add(owner, t.ana, "coder")
        members.add(owner, t.bob, "coder")
        members.add(owner, t.sam, "supervisor")
    for who, code, span in ((t.ana, "freins/hotel/punaises", (50, 62)), (t.bob, "freins/visites", (130, 150)),
                            (t.bob, "freins/hotel/punaises", (50, 62))):
        with t.open_as(who, monkeypatch) as proj:
            coding.add(proj, "T1", code, who, *span, memo=f"memo de {who}")
    monkeypatch.setenv("PGUSER", SUPERUSER)
    return t
