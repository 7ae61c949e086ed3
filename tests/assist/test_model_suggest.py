"""The model in `suggest`: codebook text as training (a code nobody coded still
gets suggestions), cold start without codings, per-code thresholds and kappa
kept with the model, --only-reliable, --blind (held-out models), evaluate's
cold-start score, learning curve and whole-turn figures."""
from __future__ import annotations

import pytest

from qualcode import coding
from qualcode.assist import suggest
from qualcode.assist.evaluate import evaluate

HOTEL = "freins/usagers/conditions-hotelieres"
TICKETS = "fonctionnement/tickets-service"
PAPERS = "profil/situation-administrative"

TURNS = {
    HOTEL: "Les punaises de lit partout dans la chambre, je me grattais toute la nuit, et l'humidité sur les murs.",
    TICKETS: "Les tickets-service, douze euros par semaine, je fais les courses à la supérette avec le carnet.",
    None: "Bon, il fait beau aujourd'hui, on a regardé le match à la télé avec les autres hier soir.",
}
PAPERS_TURN = ("Je suis arrivé du Soudan par la Libye, j'ai jamais eu de papiers ici, pas de titre de séjour, "
               "la demande d'asile elle a été refusée, je suis sans-papiers.")


def _transcript(i: int, papers: bool = False) -> str:
    lines = [f"---\nid: M{i}\ninterviewer: Claire\n---"]
    for code, text in TURNS.items():
        lines.append("Claire : Et alors, comment ça se passe pour vous ?")
        lines.append(f"R : {text} Voilà ce que je peux dire là-dessus, entretien numéro {i}.")
    if papers:
        lines.append("Claire : Et votre situation ?")
        lines.append(f"R : {PAPERS_TURN}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def model_project(tmp_path_factory):
    from pathlib import Path

    from qualcode import Project

    root = tmp_path_factory.mktemp("model")
    for i in range(1, 7):
        (root / f"M{i}.txt").write_text(_transcript(i, papers=i == 6), encoding="utf-8")
    project = Project.init(root / "proj")
    project.import_files(sorted(root.glob("M*.txt")))
    codebook = root / "assore.yaml"
    codebook.write_text((Path(__file__).resolve().parents[2] / "codebooks" / "assore.yaml").read_text(encoding="utf-8"),
                        encoding="utf-8")
    project.load_codebook(codebook)
    for i in range(1, 6):  # ana codes M1..M5; M6 is left for suggestions
        text = project.transcript(f"M{i}")["text"]
        for code, turn in TURNS.items():
            if code:
                start = text.index(turn)
                coding.add(project, f"M{i}", code, "ana", start, start + len(turn))
    yield project
    project.close()


def _pending(project, tid, method="model"):
    return [s for s in project.store.suggestions(transcript=tid) if s["method"] == method]


def test_model_learns_codings_and_codebook_text(model_project):
    report = suggest.suggest(model_project, ["M6"], method="model", train_coder="ana")
    assert not report.cold and report.training_units > 0
    found = {s["code"]: s for s in _pending(model_project, "M6")}
    text = model_project.transcript("M6")["text"]
    assert "punaises" in text[found[HOTEL]["start"]:found[HOTEL]["end"]]
    assert "tickets" in text[found[TICKETS]["start"]:found[TICKETS]["end"]]
    assert found[HOTEL]["explanation"].startswith("traits : ")


def test_code_with_a_definition_and_no_codings_gets_suggested(model_project):
    # nobody coded PAPERS: its definition, include criteria and keywords taught the model
    suggest.suggest(model_project, ["M6"], method="model", train_coder="ana")
    text = model_project.transcript("M6")["text"]
    start = text.index("Je suis arrivé du Soudan")
    codes = {s["code"] for s in _pending(model_project, "M6") if s["start"] <= start < s["end"]}
    assert PAPERS in codes, codes


def test_cold_start_suggests_from_the_codebook_alone(model_project):
    report = suggest.suggest(model_project, ["M6"], method="model")
    assert report.cold and report.training_units == 0 and report.stored.get("model", 0) > 0
    text = model_project.transcript("M6")["text"]
    by_unit = {}
    for s in _pending(model_project, "M6"):
        by_unit[text[s["start"]:s["end"]][:30]] = s["code"]
    hotel_unit = [c for q, c in by_unit.items() if q.startswith("Les punaises")]
    assert hotel_unit and hotel_unit[0].startswith("freins/usagers"), by_unit


def test_thresholds_and_kappa_are_kept_with_the_model(model_project):
    corpus = suggest.Corpus(model_project, [f"M{i}" for i in range(1, 7)], codebook=True)
    model = suggest.train(model_project, corpus, "ana")
    assert model.info["cv_folds"] == 3
    assert model.stats[HOTEL]["kappa"] == pytest.approx(1.0)
    assert model.threshold_of(HOTEL) is not None and model.threshold_of("nope") is None
    again = suggest.train(model_project, corpus, "ana")  # cached: same arrays
    assert (again.thresholds == model.thresholds).all() and again.stats == model.stats


def test_only_reliable_keeps_codes_with_enough_kappa(model_project):
    report = suggest.suggest(model_project, ["M6"], method="both", train_coder="ana", only_reliable=0.8)
    assert HOTEL in report.reliable["model"] and PAPERS not in report.reliable["model"]
    assert all(s["code"] in report.reliable[s["method"]] for s in model_project.store.suggestions(transcript="M6"))
    everything = suggest.suggest(model_project, ["M6"], method="both", train_coder="ana")
    assert sum(everything.stored.values()) > sum(report.stored.values())


def test_blind_suggestions_come_from_held_out_models_and_ignore_codings(model_project):
    suggest.suggest(model_project, ["M1"], method="model", train_coder="ana")
    normal = {s["code"] for s in _pending(model_project, "M1")}
    assert HOTEL not in normal  # ana coded it there already
    suggest.suggest(model_project, ["M1", "M6"], method="model", train_coder="ana", blind=True)
    blind = {s["code"] for s in _pending(model_project, "M1")}
    assert HOTEL in blind and TICKETS in blind


def test_evaluate_reports_cold_start_curve_and_turns(model_project):
    r = evaluate(model_project, "ana", folds=5)
    assert r["transcripts"] == 5 and r["leaf"]["micro"]["precision"] == r["precision_at_threshold"]
    assert r["leaf"]["per_label"][HOTEL]["f1"] == pytest.approx(1.0)
    assert {"leaf", "family", "units"} <= set(r["turns"]) and r["turns"]["units"] < r["units"]
    assert r["cold"]["family"]["macro"]["f1"] is not None
    assert [p["transcripts"] for p in r["curve"]] == [2, "all"]
    assert r["thresholds"]["leaf_min"] >= 0.15
