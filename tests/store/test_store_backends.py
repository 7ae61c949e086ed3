"""The store's SQL on both backends: the same answers from SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from qualcode.errors import StoreError
from qualcode.store import SCHEMA_VERSION


@pytest.fixture
def store(any_project):
    s = any_project.store
    with s.transaction():
        s.insert_transcript({"id": "T", "source_name": "t.txt", "format": "txt", "content_hash": "h",
                             "text": "Bonjour, les punaises. 100% vrai : ça va ?"})
        s.replace_segments("T", [{"role": "R", "start": 0, "end": 22, "text": "Bonjour, les punaises."},
                                 {"role": "R", "start": 23, "end": 41, "text": "100% vrai : ça va ?"}])
        for i, cid in enumerate(["a", "a/b_c", "a/b_c/d", "a_x", "Z"]):
            s._exec("INSERT INTO codes (id, position, label) VALUES (:id, :p, :id)", {"id": cid, "p": i})
    return s


def pks(store):
    return {c["id"]: c["pk"] for c in store.codes()}


def test_schema_and_ids(store):
    assert store.schema_version() == SCHEMA_VERSION
    pk = pks(store)["a"]
    first = store.insert_coding("T", pk, "ana", 0, 7)
    store.delete_coding(first)
    again = store.insert_coding("T", pk, "ana", 0, 7)
    assert again > first  # never reused
    assert store.insert_coding("T", pk, "ana", 0, 7) is None


def test_subtree_filter_escapes_like_wildcards(store):
    p = pks(store)
    for cid in ("a", "a/b_c", "a/b_c/d", "a_x"):
        store.insert_coding("T", p[cid], "ana", 0, 5)
    assert sorted(c["code"] for c in store.codings(code="a/b_c")) == ["a/b_c", "a/b_c/d"]
    assert sorted(c["code"] for c in store.codings(code="a")) == ["a", "a/b_c", "a/b_c/d"]
    assert store.rename_code_tree("a/b_c", "a/bc") == 2
    assert sorted(pks(store)) == ["Z", "a", "a/bc", "a/bc/d", "a_x"]


def test_ordering_matches_sqlite(store):
    """Text sorts by code point on both ('Z' before 'a'; coders 'B' before 'a')."""
    p = pks(store)
    for coder in ("ana", "B", "_x", "Émile"):
        store.insert_coding("T", p["a"], coder, 0, 5)
    assert store.coders() == ["B", "_x", "ana", "Émile"]
    assert store.transcript_ids() == ["T"]


def test_percent_colon_and_expanding(store):
    p = pks(store)
    store.insert_coding("T", p["a"], "ana", 23, 27, memo="100% : sûr")
    store.insert_coding("T", p["Z"], "bob", 23, 27)
    rows = store.codings(coders=["ana", "zed"])
    assert [(r["coder"], r["memo"]) for r in rows] == [("ana", "100% : sûr")]
    assert sorted(store.coding_spans(["bob"])) == [("T", "Z", "bob", 23, 27)]
    assert sorted(store.segment_spans()) == [("T", 1, None, 0, 22), ("T", 2, None, 23, 41)]
    assert store.delete_pending(["T"], ["rules"]) == 0


def test_returning_upsert_blob_and_float(store):
    assert store.cached_parse("h", "m") is None
    store.store_parse("h", "m", b"\x00\x01binary")
    store.store_parse("h", "m", b"\x00\x02binary")
    assert store.cached_parse("h", "m") == b"\x00\x02binary"
    sid = store.insert_suggestion({"transcript": "T", "code_pk": pks(store)["a"], "start": 0, "end": 7,
                                   "score": 0.875, "method": "rules"})
    assert isinstance(sid, int)
    assert store.insert_suggestion({"transcript": "T", "code_pk": pks(store)["a"], "start": 0, "end": 7,
                                    "score": 0.5, "method": "rules"}) is None
    [s] = store.suggestions()
    assert s["score"] == pytest.approx(0.875) and s["code"] == "a"


def test_transactions_all_or_nothing(store):
    p = pks(store)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.insert_coding("T", p["a"], "ana", 0, 5)
            with store.transaction():
                store.insert_coding("T", p["a"], "ana", 0, 6)
            raise RuntimeError
    assert store.count_codings() == 0
    with store.transaction():
        store.insert_coding("T", p["a"], "ana", 0, 5)
        with pytest.raises(StoreError):
            with store.transaction():
                store.insert_coding("T", p["a"], "ana", 0, 6)
                store._exec("INSERT INTO codings (transcript_id) VALUES ('nope')")
        store.insert_coding("T", p["a"], "ana", 0, 7)
    assert sorted(c["end"] for c in store.codings()) == [5, 7]


def test_move_codings_and_audit(store):
    p = pks(store)
    store.insert_coding("T", p["a"], "ana", 0, 5)
    store.insert_coding("T", p["Z"], "ana", 0, 5)
    store.insert_coding("T", p["a"], "ana", 6, 9)
    assert store.move_codings(p["a"], p["Z"]) == (1, 1)
    store.record("ana", "coding.add", "T", None, {"x": "é"})
    [entry] = store.audit_entries(action_prefix="coding")
    assert entry["after"] == {"x": "é"} and entry["actor"] == "ana"
