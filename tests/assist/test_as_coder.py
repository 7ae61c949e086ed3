"""The model as a coder: `agreement --coders ana model` reads the pending and
accepted suggestions of the model as a coder's codings and computes exactly the
figures it computes for a person who coded the same spans (the hand-checked
project of tests/agreement/test_project.py, with bob's codings turned into
suggestions)."""
from __future__ import annotations

import json

import pytest

from qualcode.agreement import project as ag
from qualcode.errors import QualcodeError
from tests.agreement.test_project import CODINGS, proj  # noqa: F401 - the fixture


def _as_suggestions(project, coder: str, method: str):
    pks = {r["id"]: r["pk"] for r in project.store.codes()}
    ids = []
    with project.store.transaction():
        for tid, code, who, start, end in CODINGS:
            if who == coder:
                ids.append(project.store.insert_suggestion({"transcript": tid, "code_pk": pks[code], "start": start,
                                                            "end": end, "score": 0.5, "method": method}))
        # a rejected suggestion is not the model's claim any more
        rejected = project.store.insert_suggestion({"transcript": "T2", "code_pk": pks["freins/hotel"], "start": 79,
                                                    "end": 99, "score": 0.9, "method": method})
        project.store.set_suggestion_status(rejected, "rejected", "ana")
    return ids


def _figures(report):
    return [(f.code, f.counts, f.kappa.value, f.alpha.value) for f in report.codes] + \
        [(None, report.overall.counts, report.overall.kappa.value, report.overall.alpha.value)]


@pytest.mark.parametrize("unit", ["character", "segment"])
def test_model_agreement_equals_the_same_codings_by_a_person(proj, unit):  # noqa: F811
    from qualcode.assist import suggest

    ids = _as_suggestions(proj, "bob", "model")
    suggest.accept(proj, [ids[0]], "ana")  # accepted ones still count as the model's codings
    person = ag.compute(ag.load(proj, ["ana", "bob"]), unit=unit)
    machine = ag.compute(ag.load(proj, ["ana", "model"]), unit=unit)
    assert machine.coders == ["ana", "model"] and machine.transcripts == person.transcripts
    assert _figures(machine) == _figures(person)


def test_cli_and_unknown_coder(proj, cli):  # noqa: F811
    r = cli("agreement", "--coders", "ana", "rules", "--project", proj.root)
    assert r.code != 0 and "rules" in r.err
    _as_suggestions(proj, "bob", "rules")
    r = cli("agreement", "--coders", "ana", "rules", "--level", "leaf", "--json", "--project", proj.root)
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["coders"] == ["ana", "rules"]
    hotel = next(c for c in data["codes"] if c["code"] == "freins/hotel")
    assert hotel["codings"]["rules"] == 2


def test_a_person_named_model_stays_a_person(proj):  # noqa: F811
    from qualcode import coding

    coding.add(proj, "T1", "freins/hotel", "model", 29, 49)
    _as_suggestions(proj, "bob", "model")
    corpus = ag.load(proj, ["ana", "model"])
    assert [c for c in corpus.codings if c["coder"] == "model"] == [
        {"transcript": "T1", "code": "freins/hotel", "coder": "model", "start": 29, "end": 49}]
    with pytest.raises(QualcodeError):
        ag.load(proj, ["ana", "nobody"])
