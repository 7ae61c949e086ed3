"""Frames of codings: the coding→segment mapping on hand-made spans, then the
codings and excerpts frames of the small project (see conftest.py)."""
from __future__ import annotations

import pandas as pd
import pytest

from qualcode.errors import QualcodeError
from qualcode.exports.frames import coding_units, excerpts_frame, matrix_inputs, matrix_units
from .conftest import EQU, HOT, PUN, SAN, TRANSCRIPTS

# T1 turns [10, 20) [25, 40) [40, 50); T2 turns [0, 5) [5, 9), listed out of order
SEGMENTS = pd.DataFrame([("T2", 2, 5, 9), ("T1", 3, 40, 50), ("T1", 1, 10, 20), ("T2", 1, 0, 5), ("T1", 2, 25, 40)],
                        columns=["transcript", "segment", "start", "end"])


def mapped(codings: list[tuple]) -> list[tuple]:
    frame = pd.DataFrame(codings, columns=["transcript", "start", "end"], index=[f"c{i}" for i in range(len(codings))])
    out = coding_units(frame, SEGMENTS)
    return list(zip(out.index, out["segment"]))


def test_a_coding_maps_to_every_turn_it_overlaps_in_text_order():
    assert mapped([("T1", 15, 45)]) == [("c0", 1), ("c0", 2), ("c0", 3)]
    assert mapped([("T1", 30, 31), ("T2", 3, 7)]) == [("c0", 2), ("c1", 1), ("c1", 2)]


def test_spans_are_half_open():
    # [20, 25) touches the end of turn 1 and the start of turn 2 without overlapping either
    assert mapped([("T1", 20, 25)]) == [("c0", 0)]
    assert mapped([("T1", 19, 26)]) == [("c0", 1), ("c0", 2)]
    assert mapped([("T1", 40, 41)]) == [("c0", 3)]


def test_codings_outside_turns_or_transcripts_without_segments_get_segment_0():
    assert mapped([("T1", 0, 10), ("T9", 0, 4), ("T1", 50, 60)]) == [("c0", 0), ("c1", 0), ("c2", 0)]


def test_other_columns_are_kept_and_empty_inputs_work():
    frame = pd.DataFrame({"transcript": ["T1"], "start": [12], "end": [30], "code": ["x"], "coder": ["a"]})
    out = coding_units(frame, SEGMENTS)
    assert out[["code", "coder", "segment"]].values.tolist() == [["x", "a", 1], ["x", "a", 2]]
    empty = coding_units(frame.iloc[:0], SEGMENTS)
    assert len(empty) == 0 and "segment" in empty.columns
    assert coding_units(frame, SEGMENTS.iloc[:0])["segment"].tolist() == [0]


def test_codings_frame(small):
    frame = small.codings_frame()
    assert list(frame.columns[:11]) == ["id", "transcript", "code", "label", "coder", "start", "end", "quote",
                                        "memo", "origin", "created_at"]
    assert {"actor_type", "hotel_type", "people", "structure"} <= set(frame.columns)
    assert len(frame) == 11
    for row in frame.itertuples():
        assert row.quote == small.transcript(row.transcript)["text"][row.start:row.end]
    u1 = frame[(frame["transcript"] == "U1") & (frame["code"] == SAN)].iloc[0]
    assert u1["quote"].startswith("Et l'équipe ?") and u1["quote"].endswith("je me soigne mieux.")
    assert u1["label"] == "Santé" and u1["hotel_type"] == "bas_seuil" and u1["actor_type"] == "usagers"
    assert set(small.codings_frame(coders="b")["coder"]) == {"b"} and len(small.codings_frame(coders=["b"])) == 4
    # a code includes its descendants
    assert sorted(small.codings_frame(code="freins/hotel")["code"]) == [HOT, HOT, PUN, PUN, PUN]
    with pytest.raises(QualcodeError, match="unknown code|no code"):
        small.codings_frame(code="nope")
    with pytest.raises(QualcodeError, match="no codings by zed"):
        small.codings_frame(coders=["zed"])


def test_excerpts_frame_rows_order_speaker_and_segment(small):
    frame = small.excerpts_frame()
    assert list(frame.columns[:7]) == ["code", "label", "quote", "transcript", "speaker", "segment", "actor_type"]
    assert list(frame.columns[-5:]) == ["coder", "memo", "start", "end", "id"]
    # codebook order (freins/hotel, punaises, equipe, sante), then transcript and offset
    assert frame["code"].tolist() == [HOT, HOT, PUN, PUN, PUN, EQU, EQU, EQU, SAN, SAN, SAN]
    assert frame["transcript"].tolist()[:5] == ["U1", "U2", "U1", "U1", "U2"]
    sante = frame[(frame["code"] == SAN) & (frame["coder"] == "a")].set_index("transcript")
    assert sante.loc["U1", "speaker"] == "Claire" and sante.loc["U1", "segment"] == 3  # where it starts
    assert sante.loc["G1", "speaker"] == "R2" and sante.loc["G1", "memo"] == "reprise des soins"
    assert sante.loc["G1", "people"] == "3"


def test_excerpts_frame_filters(small):
    users = excerpts_frame(small.store, where=["actor_type=usagers"])
    assert set(users["transcript"]) == {"U1", "U2"} and len(users) == 7
    both = excerpts_frame(small.store, where={"actor_type": ["usagers", "pilotage"], "hotel_type": "bas_seuil"})
    assert set(both["transcript"]) == {"U1"}
    assert len(excerpts_frame(small.store, coder="b", code="freins/hotel")) == 2
    assert len(excerpts_frame(small.store, code=[EQU, SAN])) == 6
    with pytest.raises(QualcodeError, match="no transcript has attribute 'sexe'"):
        excerpts_frame(small.store, where=["sexe=F"])
    with pytest.raises(QualcodeError, match="attribute=value"):
        excerpts_frame(small.store, where=["usagers"])


def test_matrix_units_map_a_coding_spanning_two_turns_to_both(small):
    units = matrix_units(small.store)
    sante = units[(units["transcript"] == "U1") & (units["code"] == SAN)]
    assert sante["segment"].tolist() == [3, 4]
    assert len(units) == 12  # eleven codings, one of them on two turns


def test_matrix_inputs_keep_the_interviews_the_chosen_coders_coded(small):
    _, transcripts, coders = matrix_inputs(small.store)
    assert coders is None and sorted(transcripts.index) == sorted(TRANSCRIPTS)
    _, transcripts, coders = matrix_inputs(small.store, coders="b")
    assert coders == ["b"] and sorted(transcripts.index) == ["G1", "U1", "U2"]
    _, transcripts, coders = matrix_inputs(small.store, agreement=True)
    assert coders == ["a", "b"] and sorted(transcripts.index) == ["G1", "U1", "U2"]
    with pytest.raises(QualcodeError, match="two coders"):
        matrix_inputs(small.store, coders=["a"], agreement=True)
