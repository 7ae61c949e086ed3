"""The store on SQLite: old projects migrate, ids are never reused, transactions
are all or nothing, database failures are one-line `StoreError`s."""
from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from qualcode.errors import QualcodeError, StoreError
from qualcode.store import SCHEMA_VERSION, Store
from tests.conftest import FIXTURES


def old_project(path):
    """A database as qualcode wrote it before the SQLAlchemy store (schema 4)."""
    con = sqlite3.connect(str(path))
    con.executescript((FIXTURES / "schema_v4.sql").read_text())
    con.executescript("""
        INSERT INTO transcripts VALUES ('T1', 't', 'a.txt', 'txt', 'utf-8', 'h', 'Bonjour tout le monde',
                                        '', '2025-01-01', '2025-01-01');
        INSERT INTO codes (pk, id, position, label) VALUES (1, 'a', 0, 'A'), (2, 'b', 1, 'B');
        INSERT INTO codings (id, transcript_id, code_pk, coder, start, "end", created_at, updated_at)
            VALUES (1, 'T1', 1, 'ana', 0, 7, 'x', 'x'), (2, 'T1', 2, 'ana', 8, 12, 'x', 'x'),
                   (3, 'T1', 2, 'bob', 8, 12, 'x', 'x');
        DELETE FROM codings WHERE id = 3;
        INSERT INTO finished VALUES ('T1', 'ana', 'x');
        INSERT INTO audit (at, actor, action) VALUES ('x', 'ana', 'coding.add');
    """)
    con.commit()
    con.close()


def test_old_project_migrates_and_keeps_rows(tmp_path):
    db = tmp_path / "qualcode.db"
    old_project(db)
    store = Store(db)
    assert store.schema_version() == SCHEMA_VERSION
    assert [(c["id"], c["code"], c["coder"]) for c in store.codings()] == [(1, "a", "ana"), (2, "b", "ana")]
    assert store.finished_marks() == [{"transcript_id": "T1", "coder": "ana", "finished_at": "x"}]
    assert [r["action"] for r in store.audit_entries()] == ["coding.add"]
    ddl = store._scalar("SELECT sql FROM sqlite_master WHERE name = 'codings'")
    assert "AUTOINCREMENT" in ddl
    indexes = {r["name"] for r in store._all("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"codings_by_code", "codings_by_transcript", "audit_by_time"} <= indexes
    assert store._all("PRAGMA foreign_key_check") == []
    assert store._scalar("PRAGMA foreign_keys") == 1
    # the highest id ever used (3, deleted before the migration) is lost; ids go on from 3
    new = store.insert_coding("T1", 1, "bob", 0, 7)
    assert new == 3
    store.close()


def test_coding_ids_are_never_reused(tmp_path):
    store = Store(tmp_path / "q.db", create=True)
    with store.transaction():
        store.insert_transcript({"id": "T", "source_name": "t.txt", "format": "txt",
                                 "content_hash": "h", "text": "abcdefghij"})
        pk = store._exec("INSERT INTO codes (id, position, label) VALUES ('c', 0, 'C') RETURNING pk").scalar()
        first = store.insert_coding("T", pk, "ana", 0, 5)
        second = store.insert_coding("T", pk, "ana", 5, 9)
    store.delete_coding(second)
    third = store.insert_coding("T", pk, "ana", 5, 9)
    assert first < second < third
    assert store.insert_coding("T", pk, "ana", 5, 9) is None  # the same coding twice: no new row
    store.close()


def test_nested_transactions_are_savepoints(tmp_path):
    store = Store(tmp_path / "q.db", create=True)
    with store.transaction():
        store.set_meta("outer", "1")
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.set_meta("inner", "1")
                raise RuntimeError
        assert store.get_meta("inner") is None
        store.set_meta("after", "1")
    assert (store.get_meta("outer"), store.get_meta("after")) == ("1", "1")
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.set_meta("lost", "1")
            raise RuntimeError
    assert store.get_meta("lost") is None
    store.close()


def test_outermost_transaction_takes_the_write_lock_at_once(tmp_path):
    """A second writer waits for the first even before the first has written."""
    path = tmp_path / "q.db"
    first, second = Store(path, create=True), Store(path)
    order = []

    def other():
        with second.transaction():
            order.append("second")
            second.set_meta("k", "second")

    with first.transaction():
        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.3)  # the other writer is blocked on BEGIN IMMEDIATE
        order.append("first")
        first.set_meta("k", "first")
    thread.join(10)
    assert order == ["first", "second"]
    assert first.get_meta("k") == "second"
    first.close(), second.close()


def test_reads_outside_a_transaction_do_not_block_writers(tmp_path):
    path = tmp_path / "q.db"
    reader, writer = Store(path, create=True), Store(path)
    assert reader.get_meta("x") is None
    assert not reader.conn.in_transaction()
    with writer.transaction():  # would wait 60 s if the read had kept a lock
        writer.set_meta("x", "1")
    assert reader.get_meta("x") == "1"  # and the reader sees the new value
    reader.close(), writer.close()


def test_expanding_lists_and_empty_lists(tmp_path):
    store = Store(tmp_path / "q.db", create=True)
    store._many("INSERT INTO meta (key, value) VALUES (:k, :v)", [{"k": f"k{i}", "v": str(i)} for i in range(5)])
    rows = store._all("SELECT key FROM meta WHERE key IN :keys ORDER BY key", {"keys": ["k1", "k3", "zz"]})
    assert [r["key"] for r in rows] == ["k1", "k3"]
    assert store._all("SELECT key FROM meta WHERE key IN :keys", {"keys": []}) == []
    store.close()


def test_database_errors_are_one_line_store_errors(tmp_path):
    store = Store(tmp_path / "q.db", create=True)
    with pytest.raises(StoreError) as caught:
        store._exec("INSERT INTO codings (transcript_id) VALUES ('nope')")
    assert "q.db: database error:" in str(caught.value) and "\n" not in str(caught.value)
    assert isinstance(caught.value, QualcodeError)
    store.close()


def test_a_file_that_is_not_a_database(tmp_path):
    bad = tmp_path / "qualcode.db"
    bad.write_bytes(b"not sqlite at all " * 100)
    with pytest.raises(QualcodeError, match="not a usable qualcode database"):
        Store(bad)


def test_a_newer_schema_is_refused(tmp_path):
    store = Store(tmp_path / "q.db", create=True)
    store._exec("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    store.close()
    with pytest.raises(QualcodeError, match="newer than this qualcode"):
        Store(tmp_path / "q.db")
