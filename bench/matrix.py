"""Speed of the theme matrix by actor type with roll-up (every code, segments
measure), on the demo and on a synthetic project 100× the demo (3,300 transcripts:
the demo's attributes, segments and codings copied onto each copy).

Prints: the demo's matrix time (from its database); the synthetic matrix from
DataFrames (coding→segment mapping + matrix, and the matrix alone; target < 2 s);
the full path from a SQLite project holding the synthetic corpus (read codings,
segments, attributes and codes, map, compute), and its ratio to the floor of
reading the codings table from SQLite into pandas.
"""
from __future__ import annotations

import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _demo import demo_project  # noqa: E402

COPIES = 100


def best(fn, runs: int = 3):
    """Median wall time of `runs` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def from_store(store):
    """The command's path: frames read from the database, then the matrix."""
    from qualcode.exports import frames
    from qualcode.exports.matrix import theme_matrix
    from qualcode.exports.report import ACTOR_ORDER

    units, transcripts, _ = frames.matrix_inputs(store)
    return theme_matrix(units, transcripts, frames.codes_frame(store), column_order=ACTOR_ORDER)


def copy_id(tid: str, k: int) -> str:
    return tid if k == 0 else f"{tid}-{k:02d}"


def replicate(frame, column: str = "transcript"):
    import pandas as pd

    return pd.concat([frame.assign(**{column: frame[column].map(lambda t, k=k: copy_id(t, k))})
                      for k in range(COPIES)], ignore_index=True)


def build_database(demo, folder: Path, copies: int = COPIES) -> Path:
    """A copy of the demo database with 99 more copies of each transcript, written
    through the store's methods in one transaction."""
    from qualcode.store import Store

    shutil.copy(Path(demo.root) / "qualcode.db", folder / "qualcode.db")
    store = Store(folder / "qualcode.db")
    pks = {c["id"]: c["pk"] for c in store.codes()}
    attributes = store.all_attributes()
    codings = store.codings()
    with store.transaction():
        for tid in store.transcript_ids():
            row = store.transcript(tid)
            segments = store.segments(tid)
            own = [c for c in codings if c["transcript"] == tid]
            for k in range(1, copies):
                new = copy_id(tid, k)
                store.insert_transcript({**row, "id": new, "content_hash": f"{row['content_hash']}-{k}"})
                for key, value in attributes.get(tid, {}).items():
                    store.set_attribute(new, key, value)
                store.replace_segments(new, segments)
                for c in own:
                    store.insert_coding(new, pks[c["code"]], c["coder"], c["start"], c["end"], memo=c["memo"],
                                        origin=c["origin"])
    store.conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return store.path


def main():
    import pandas as pd

    from qualcode.exports import frames
    from qualcode.exports.matrix import theme_matrix
    from qualcode.exports.report import ACTOR_ORDER
    from qualcode.store import Store

    demo = demo_project()
    demo_time, demo_matrix = best(lambda: from_store(demo.store), runs=5)
    codings = frames.load_codings(demo.store)[["transcript", "code", "coder", "start", "end"]]
    segments, transcripts = frames.segments_frame(demo.store), frames.transcripts_frame(demo.store)
    codes = frames.codes_frame(demo.store)

    big_codings, big_segments = replicate(codings), replicate(segments)
    big_transcripts = pd.concat([transcripts.rename(index=lambda t, k=k: copy_id(t, k)) for k in range(COPIES)])

    def in_memory():
        units = frames.coding_units(big_codings, big_segments)[["transcript", "segment", "code", "coder"]]
        return theme_matrix(units, big_transcripts, codes, column_order=ACTOR_ORDER)

    units = frames.coding_units(big_codings, big_segments)[["transcript", "segment", "code", "coder"]]
    mapping_and_matrix, big_matrix = best(in_memory)
    matrix_only, _ = best(lambda: theme_matrix(units, big_transcripts, codes, column_order=ACTOR_ORDER))
    expected = demo_matrix.drop(columns="label") * COPIES
    assert big_matrix.drop(columns="label").equals(expected), "the 100× matrix is not 100 × the demo's"

    print(f"demo: {len(transcripts)} transcripts, {len(codings):,} codings, {len(segments):,} segments, "
          f"{len(codes)} codes")
    print(f"demo matrix from its database (read + map + matrix):   {demo_time * 1000:7.1f} ms")
    print(f"synthetic ×{COPIES}: {len(big_transcripts):,} transcripts, {len(big_codings):,} codings, "
          f"{len(big_segments):,} segments")
    print(f"  from DataFrames, map codings to segments + matrix: {mapping_and_matrix:7.2f} s  (target < 2 s)")
    print(f"  from DataFrames, matrix alone (roll-up included):  {matrix_only:7.2f} s")
    demo.close()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path = build_database(demo, Path(tmp))
        built = time.perf_counter() - started
        store = Store(path)
        raw = sqlite3.connect(str(path))  # the floor: the driver alone, no store
        floor, _ = best(lambda: pd.read_sql_query("SELECT * FROM codings", raw))
        raw.close()
        full, db_matrix = best(lambda: from_store(store))
        assert db_matrix.drop(columns="label").equals(expected), "database path differs from DataFrame path"
        store.close()
        size = path.stat().st_size / 1e6
    print(f"  SQLite project ({size:.0f} MB, built in {built:.1f} s through the store):")
    print(f"    floor, codings table into pandas (read_sql):     {floor:7.2f} s")
    print(f"    full path from the database:                     {full:7.2f} s  = {full / floor:.1f}× the floor")


if __name__ == "__main__":
    main()
