"""`qualcode init --server`: the project file names the server, never a password."""
from __future__ import annotations

import pytest


def test_password_in_url_refused_and_nothing_written(cli, tmp_path):
    for url in ("postgresql://ana:secret@db.example.org/assore",
                "postgresql://db.example.org/assore?password=secret"):
        result = cli("init", tmp_path / "p", "--server", url)
        assert result.code == 1 and "must not contain a password" in result.err
        assert "secret" not in result.err
        assert not (tmp_path / "p" / "qualcode.toml").exists()


def test_not_a_postgresql_url_or_no_database(cli, tmp_path):
    assert "not a PostgreSQL URL" in cli("init", tmp_path / "p", "--server", "mysql://h/db").err
    assert "name the database" in cli("init", tmp_path / "p", "--server", "postgresql://h").err


def test_init_on_server_then_commands_work_from_the_folder(cli, tmp_path, pg_url, monkeypatch):
    monkeypatch.setenv("QUALCODE_DATABASE_URL", pg_url)
    folder = tmp_path / "team"
    result = cli("init", folder)
    assert result.code == 0, result.err
    text = (folder / "qualcode.toml").read_text()
    assert pg_url in text and not (folder / "qualcode.db").exists()
    (tmp_path / "T1.txt").write_text("E : Bonjour ?\nR : Les punaises, partout.\n", encoding="utf-8")
    assert cli("import", tmp_path / "T1.txt", cwd=folder).code == 0
    result = cli("transcripts", "--json", cwd=folder)
    assert result.code == 0 and '"T1"' in result.out
    # a second folder on the same database joins the project (as a coder would)
    again = cli("init", tmp_path / "other", "--server", pg_url)
    assert again.code == 0 and "Joined" in again.out
    assert '"T1"' in cli("transcripts", "--json", cwd=tmp_path / "other").out


def test_init_on_a_database_holding_something_else(cli, tmp_path, pg_url, pg_cluster):
    pg_cluster.psql_admin("CREATE TABLE invoices (n int)", database=pg_url.split("/")[3].split("?")[0])
    result = cli("init", tmp_path / "p", "--server", pg_url)
    assert result.code == 1 and "not empty" in result.err
    assert not (tmp_path / "p" / "qualcode.toml").exists()


def test_unreachable_server_is_one_line(cli, tmp_path):
    result = cli("init", tmp_path / "p", "--server", "postgresql://nobody@/x?host=/nonexistent-dir&port=1")
    assert result.code == 1
    assert len(result.err.strip().splitlines()) == 1 and "cannot open the database" in result.err
    assert not (tmp_path / "p" / "qualcode.toml").exists()
