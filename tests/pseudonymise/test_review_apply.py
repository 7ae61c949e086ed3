"""Scan, decisions (audited), consistent replacement, the hook on span edges,
settings, the key, forget and re-import on a small fictional project."""
from __future__ import annotations

import json

from tests.pseudonymise.conftest import leaks

ACCEPT = ["Élodie", "Karim", "Sandrine", "Mohamed", "hôtel Bellevue", "12 rue des Lilas, 75019 Paris",
          "06 12 34 56 78", "elodie.martin@example.org", "quarante-sept ans", "Stalingrad", "Paris", "Aurore"]


def forms(run, **filters):
    args = [f"--{k}={v}" for k, v in filters.items()]
    return {r["surface"]: r for r in json.loads(run("pseudonymise", "review", "--json", *args).out)}


def accept_all(run):
    run("pseudonymise", "accept", *ACCEPT)
    run("pseudonymise", "merge", "Momo", "--into", "Mohamed")


def test_scan_proposes_every_kind_and_respects_the_allow_list(fx):
    folder, run = fx
    found = forms(run)
    kinds = {f["surface"]: f["kind"] for f in found.values()}
    assert kinds["Élodie"] == "person" and found["Élodie"]["occurrences"] >= 6  # "elodie" too, one form
    assert kinds["Sandrine"] == "person"  # the interviewer (attribute), named in her own turn
    assert kinds["12 rue des Lilas, 75019 Paris"] == "contact" and kinds["06 12 34 56 78"] == "contact"
    assert kinds["elodie.martin@example.org"] == "contact"  # the e-mail wins over the name inside it
    assert kinds["hôtel Bellevue"] == "place" and kinds["quarante-sept ans"] == "date"
    assert kinds["Paris"] == "person" and found["Paris"]["occurrences"] == 2  # "Monsieur Paris", not the city
    assert kinds["Aurore"] == "person" and found["Aurore"]["occurrences"] == 1  # "Madame Aurore" only
    assert not {"Assore", "Bonjour", "Enquêtrice"} & set(found)
    again = run("pseudonymise", "scan", "--json")
    assert json.loads(again.out)["parsed"] == 0  # NER from the cache


def test_decisions_are_audited_and_replacements_consistent(fx, cli):
    folder, run = fx
    accept_all(run)
    found = forms(run, status="accepted")
    assert found["Momo"]["replacement"] == found["Mohamed"]["replacement"]  # merged variants
    persons = {found[n]["replacement"] for n in ("Élodie", "Karim", "Sandrine", "Mohamed")}
    assert len(persons) == 4 and all(p.startswith("[Prénom ") for p in persons)
    assert found["hôtel Bellevue"]["replacement"] == "[hôtel A]"
    assert found["06 12 34 56 78"]["replacement"] == "[téléphone]"
    run("pseudonymise", "rename", "Karim", "[Prénom X]")
    log = json.loads(run("log", "--json").out)
    actions = [e["action"] for e in log]
    assert actions.count("pseudonym.accept") >= len(ACCEPT) and "pseudonym.rename" in actions
    karim = [e for e in log if e["action"] == "pseudonym.rename"][0]
    assert karim["before"]["pseudonym"] != "[Prénom X]" and karim["after"]["pseudonym"] == "[Prénom X]"
    show1 = run("show", "F1", "--json", "--pseudonymise").out
    show2 = run("show", "F2", "--json", "--pseudonymise").out
    assert "[Prénom X] passe me voir" in show1 and "Oui, [Prénom X] et " in show2  # same pseudonym everywhere
    elodie = found["Élodie"]["replacement"]
    assert f"Madame {elodie}" in show1 and f"[Prénom X] et {elodie}" in show2  # "elodie" in lower case too
    assert "Monsieur " + found["Paris"]["replacement"] in show2 and "je suis allé à Paris" in show2
    assert "à Aurore" not in show2 and "Madame " + found["Aurore"]["replacement"] in show2
    assert "Aurore, c'est eux" in show2  # the association stays
    assert "Sandrine" not in show1 and "Bellevue" not in show1 + show2
    run("pseudonymise", "reject", "Stalingrad")
    assert "à Stalingrad" in run("show", "F2", "--json", "--pseudonymise").out  # rejected: stays
    assert forms(run)["Stalingrad"]["status"] == "rejected"


def test_a_span_starting_inside_a_name_comes_out_whole(fx):
    folder, run = fx
    accept_all(run)
    rows = json.loads(run("codings", "--json", "--coder", "ana", "--pseudonymise").out)
    quotes = [r["quote"] for r in rows]
    karim = forms(run, status="accepted")["Karim"]["replacement"]
    assert f"{karim} passe" in quotes  # coded "arim passe"
    assert any(q.startswith("le [téléphone], ou [courriel]") for q in quotes)
    plain = [r["quote"] for r in json.loads(run("codings", "--json", "--coder", "ana", "--no-pseudonymise").out)]
    assert "arim passe" in plain  # stored offsets untouched
    hits = json.loads(run("search", "passe me voir", "--json", "--pseudonymise").out)
    assert hits[0]["left"].endswith(f"{karim} ") and "Karim" not in json.dumps(hits, ensure_ascii=False)


def test_occurrence_decisions_and_common_words(fx):
    folder, run = fx
    run("pseudonymise", "names", "add", "Claire")
    run("pseudonymise", "scan")
    accept_all(run)
    occ = json.loads(run("pseudonymise", "occurrences", "Karim", "--json").out)
    assert len(occ) == 3
    run("pseudonymise", "occurrences", "--reject", str(occ[0]["id"]))
    text = json.loads(run("show", "F1", "--json", "--pseudonymise").out)
    turns = " ".join(s["text"] for s in text["segments"])
    assert "Karim passe me voir" in turns  # that one occurrence stays, by decision
    assert "pas très claire dans ma tête" in turns  # the adjective is not the name Claire


def test_style_names_keeps_gender(fx):
    from qualcode.pseudonymise.replace import _first_names

    folder, run = fx
    run("pseudonymise", "accept", "Élodie", "--style", "names")
    name = forms(run, status="accepted")["Élodie"]["replacement"]
    assert name in _first_names()[1] and name not in ("Élodie", "Elodie")  # "Madame Élodie": a woman's name


def test_setting_always_and_the_refused_opt_out(fx):
    folder, run = fx
    assert "nothing to pseudonymise" in run("excerpts", "--format", "csv", "--pseudonymise", ok=False).err
    accept_all(run)
    run("config", "set", "exports.pseudonymise", "always")
    assert run("config", "get", "exports.pseudonymise").out.strip() == "exports.pseudonymise = always"
    out = folder / "x.csv"
    run("excerpts", "--out", out)
    assert not leaks([out]) and "[Prénom" in out.read_text(encoding="utf-8-sig")
    refused = run("excerpts", "--out", out, "--no-pseudonymise", ok=False)
    assert refused.code == 1 and "supervisor" in refused.err
    assert run("config", "set", "exports.pseudonymise", "sometimes", ok=False).code == 1


def test_key_export_and_forget(fx):
    folder, run = fx
    accept_all(run)
    key = folder / "cle.csv"
    run("pseudonymise", "key", "--out", key)
    table = key.read_text(encoding="utf-8-sig")
    assert "Momo | Mohamed" in table or "Mohamed | Momo" in table
    before = run("show", "F1", "--json", "--pseudonymise").out
    assert run("pseudonymise", "forget", ok=False).code == 1  # needs --yes
    run("pseudonymise", "forget", "--yes")
    assert run("show", "F1", "--json", "--pseudonymise").out == before  # outputs stay valid
    assert "forgotten" in run("pseudonymise", "key", "--out", folder / "again.csv", ok=False).err
    from qualcode import Project

    with Project.open(folder) as proj:
        assert all(f["surface"] == "" for f in proj.store.pseudonym_forms())
        assert all(c["text"] == "" for c in proj.store.pseudonym_candidates())
        decisions = [e for e in proj.store.audit_entries(action_prefix="pseudonym.accept")]
        assert decisions and all(e["before"] is None and e["after"] is None for e in decisions)


def test_reimport_replace_reanchors_and_lists_the_unplaced(fx, tmp_path):
    folder, run = fx
    accept_all(run)
    occ = json.loads(run("pseudonymise", "occurrences", "Karim", "--transcript", "F1", "--json").out)
    run("pseudonymise", "occurrences", "--reject", str(occ[0]["id"]))  # "Karim passe me voir"
    momo = json.loads(run("pseudonymise", "occurrences", "Momo", "--json").out)
    run("pseudonymise", "occurrences", "--accept", str(momo[0]["id"]))
    source = tmp_path / "F1.txt"
    text = source.read_text(encoding="utf-8")
    text = ("Enquêtrice : Une question d'abord.\n" + text).replace("Avec Momo, mon éduc, très bien. ", "")
    source.write_text(text, encoding="utf-8")
    result = run("import", source, "--replace", "--manifest", tmp_path / "manifest.csv")
    assert "pseudonym decision not placed: «Momo»" in result.out
    unplaced = json.loads(run("pseudonymise", "unplaced", "--json").out)
    assert [u["text"] for u in unplaced] == ["Momo"]
    shown = " ".join(s["text"] for s in json.loads(run("show", "F1", "--json", "--pseudonymise").out)["segments"])
    assert "Karim passe me voir" in shown  # the rejected occurrence moved with its text
    assert "Élodie" not in shown and "Sandrine" not in shown


def test_qdpx_export_carries_pseudonymised_texts_and_moved_positions(fx, tmp_path, cli):
    folder, run = fx
    accept_all(run)
    out = tmp_path / "partage.qdpx"
    run("export", "qdpx", out, "--pseudonymise")
    assert not leaks([out])
    other = tmp_path / "other"
    assert cli("init", other).code == 0
    assert cli("import", out, "--project", other).code == 0, "the pseudonymised .qdpx reads back"
    quotes = {r["quote"] for r in json.loads(cli("codings", "--json", "--project", other).out)}
    karim = forms(run, status="accepted")["Karim"]["replacement"]
    assert f"{karim} passe" in quotes and f"{karim} passe me voir" in quotes  # positions follow the new text
    assert any(q.startswith("le [téléphone], ou [courriel]") for q in quotes)
