"""The assist commands end to end: suggest, suggestions, review accept/reject,
the interactive review loop, suggest evaluate."""
from __future__ import annotations

import csv
import json

from qualcode import coding
from tests.assist.conftest import span_of


def test_suggest_and_list(cli, assist_project):
    root = assist_project.root
    r = cli("suggest", "--method", "rules", "--project", root)
    assert r.code == 0 and "rules:" in r.out and "2 parsed" in r.out
    r = cli("suggestions", "--json", "--project", root)
    rows = json.loads(r.out)
    assert rows and set(rows[0]) >= {"id", "transcript", "start", "end", "quote", "code", "score", "method"}
    text = assist_project.transcript(rows[0]["transcript"])["text"]
    assert all(row["quote"] == assist_project.transcript(row["transcript"])["text"][row["start"]:row["end"]] for row in rows)
    assert text
    r = cli("suggestions", "--json", "--code", "freins/usagers", "--project", root)
    assert all(row["code"].startswith("freins/usagers") for row in json.loads(r.out))


def test_review_accept_reject_all_above(cli, assist_project):
    root = assist_project.root
    cli("suggest", "--method", "rules", "--project", root)
    rows = json.loads(cli("suggestions", "--json", "--project", root).out)
    r = cli("review", "accept", str(rows[0]["id"]), "--coder", "ana", "--project", root)
    assert r.code == 0 and "accepted 1" in r.out
    r = cli("review", "reject", str(rows[1]["id"]), "--coder", "ana", "--project", root)
    assert r.code == 0 and "rejected 1" in r.out
    top = max(row["score"] for row in rows[2:])
    expected = sum(1 for row in rows[2:] if row["score"] >= top)
    r = cli("review", "accept", "--all-above", str(top), "--coder", "ana", "--project", root)
    assert f"accepted {expected}" in r.out
    codings = assist_project.store.codings(coder="ana")
    assert len(codings) == 1 + expected and all(c["origin"] == "suggestion" for c in codings)
    r = cli("review", "accept", str(rows[1]["id"]), "--coder", "ana", "--project", root)
    assert r.code == 1 and "already rejected" in r.err


def test_interactive_review_loop(assist_project):
    from qualcode.assist import suggest
    from qualcode.assist.review import review_loop
    from rich.console import Console

    suggest.suggest(assist_project, method="rules")
    answers = iter(["a", "r", "s", "c", "q"])
    counts = review_loop(assist_project, "bob", ask=lambda: next(answers),
                         ask_code=lambda: "benefices", out=Console(file=open("/dev/null", "w")))
    assert counts == {"accepted": 2, "rejected": 1, "skipped": 1}
    made = assist_project.store.codings(coder="bob")
    assert len(made) == 2 and "benefices" in {c["code"] for c in made}


def test_evaluate_command_json_and_csv(cli, assist_project, tmp_path):
    start, end = span_of(assist_project, "H1", "Les punaises de lit, j'en avais partout")
    coding.add(assist_project, "H1", "freins/usagers/conditions-hotelieres", "gold", start, end)
    start, end = span_of(assist_project, "H2", "Il y a des cafards et des punaises")
    coding.add(assist_project, "H2", "freins/usagers/conditions-hotelieres", "gold", start, end)
    out = tmp_path / "eval.csv"
    r = cli("suggest", "evaluate", "--coder", "gold", "--method", "rules", "--folds", "2", "--json",
            "--out", out, "--project", assist_project.root)
    assert r.code == 0, r.err
    result = json.loads(r.out[: r.out.rindex("]") + 1])[0]
    hotel = result["leaf"]["per_label"]["freins/usagers/conditions-hotelieres"]
    assert hotel["tp"] == 2 and hotel["recall"] == 1.0
    rows = list(csv.DictReader(open(out, encoding="utf-8-sig")))
    assert any(r["code"] == "freins/usagers/conditions-hotelieres" and float(r["recall"]) == 1.0 for r in rows)
    r = cli("suggest", "evaluate", "--project", assist_project.root)
    assert r.code == 1 and "--coder" in r.err
