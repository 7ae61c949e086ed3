"""Project commands: init, finding the project (walking up, --project),
`transcripts`, `show` and `attributes`."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from qualcode.codebook.model import CodeSpec
from qualcode.text import word_count

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "importers"


def one_line_error(result, *needles):
    assert result.code != 0
    assert "Traceback" not in result.err + result.out
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def dump(db: Path) -> list[str]:
    con = sqlite3.connect(str(db))
    try:
        return list(con.iterdump())
    finally:
        con.close()


@pytest.fixture
def proj(cli, tmp_path):
    """A project made with `qualcode init`, holding U21 (docx) and P22 (vtt + manifest)."""
    root = tmp_path / "etude"
    assert cli("init", root).code == 0
    result = cli("import", FIXTURES / "U21-gras.docx", FIXTURES / "P22-visio.vtt",
                 "--manifest", FIXTURES / "manifest.csv", "--project", root)
    assert result.code == 0, result.err
    return root


# -- init -------------------------------------------------------------------
def test_init_creates_a_project(cli, tmp_path):
    root = tmp_path / "nouvelle" / "etude"
    result = cli("init", root)
    assert result.code == 0, result.err
    assert result.out.strip() == f"Created qualcode project in {root}"
    db = root / "qualcode.db"
    assert db.is_file()
    con = sqlite3.connect(str(db))
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert int(con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]) >= 1
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"transcripts", "segments", "attributes", "codes", "codings", "audit"} <= tables
        assert con.execute("SELECT count(*) FROM transcripts").fetchone()[0] == 0
    finally:
        con.close()


def test_init_in_the_current_folder(cli, tmp_path):
    result = cli("init", cwd=tmp_path)
    assert result.code == 0, result.err
    assert (tmp_path / "qualcode.db").is_file()


def test_init_twice_is_refused(cli, tmp_path):
    root = tmp_path / "etude"
    assert cli("init", root).code == 0
    before = dump(root / "qualcode.db")
    one_line_error(cli("init", root), str(root), "already a qualcode project")
    assert dump(root / "qualcode.db") == before


# -- finding the project ------------------------------------------------------
def test_project_found_by_walking_up(cli, proj):
    deep = proj / "entretiens" / "2022" / "septembre"
    deep.mkdir(parents=True)
    source = deep / "court.txt"
    source.write_text("E : Bonjour.\nR : Bonjour.\nE : Merci.\nR : Au revoir.\n", encoding="utf-8")
    result = cli("import", "court.txt", cwd=deep)  # a path relative to the sub-folder
    assert result.code == 0, result.err
    assert "court: imported 4 segments from court.txt" in result.out
    listed = json.loads(cli("transcripts", "--json", cwd=deep).out)
    assert [t["id"] for t in listed] == ["P22", "U21", "court"]
    assert not (deep / "qualcode.db").exists()


def test_project_option_from_elsewhere(cli, proj, tmp_path):
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    for option in ("--project", "-p"):
        result = cli("transcripts", "--json", option, proj, cwd=elsewhere)
        assert result.code == 0, result.err
        assert [t["id"] for t in json.loads(result.out)] == ["P22", "U21"]


def test_project_option_must_name_the_project_folder(cli, proj):
    sub = proj / "sous-dossier"
    sub.mkdir()
    one_line_error(cli("transcripts", "--project", sub), "not a qualcode project", str(sub))


# -- transcripts -----------------------------------------------------------------
def test_transcripts_json_fields(cli, proj):
    from qualcode import Project

    rows = {r["id"]: r for r in json.loads(cli("transcripts", "--json", "--project", proj).out)}
    assert set(rows) == {"U21", "P22"}
    for row in rows.values():
        assert {"id", "title", "actor_type", "people", "segments", "words", "characters", "codings",
                "attributes"} <= set(row)
    with Project.open(proj) as project:
        u21_text = project.transcript("U21")["text"]
        p22_text = project.transcript("P22")["text"]
    u21 = rows["U21"]
    assert u21["title"] == "Entretien avec une usagère, hôtel Les Lilas"
    assert u21["actor_type"] == "usagers"
    assert u21["people"] == 1  # a number, not a string
    assert u21["segments"] == 8
    assert u21["characters"] == len(u21_text)
    assert u21["words"] == word_count(u21_text) and 100 < u21["words"] < len(u21_text) / 3
    assert u21["codings"] == 0
    assert u21["attributes"] == {
        "actor_type": "usagers", "structure": "Hôtel Les Lilas (19e)", "people": "1",
        "date": "2022-09-14", "mode": "en hôtel", "interviewer": "Claire",
        "type_d_hotel": "diffus", "anciennete_dans_assore": "2 ans",
    }
    p22 = rows["P22"]
    assert (p22["actor_type"], p22["people"], p22["segments"]) == ("professionnels_dispositif", 2, 4)
    assert p22["characters"] == len(p22_text)
    assert p22["attributes"]["interviewer"] == "Samir"


def test_transcripts_counts_codings(cli, proj):
    from qualcode import Project

    with Project.open(proj) as project:
        store = project.store
        with store.transaction():
            pk = store.insert_code(CodeSpec(id="punaises", label="Punaises"), 0)
            store.insert_coding("U21", pk, "ana", 0, 10)
            store.insert_coding("U21", pk, "bob", 5, 20)
    rows = {r["id"]: r for r in json.loads(cli("transcripts", "--json", "--project", proj).out)}
    assert rows["U21"]["codings"] == 2 and rows["P22"]["codings"] == 0


def test_transcripts_table(cli, proj, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # a wide terminal: no folded cells
    result = cli("transcripts", "--project", proj)
    assert result.code == 0, result.err
    assert "2 transcripts" in result.out
    for needle in ("U21", "P22", "usagers", "professionnels_dispositif"):
        assert needle in result.out


def test_transcripts_on_an_empty_project(cli, tmp_path):
    cli("init", tmp_path)
    assert json.loads(cli("transcripts", "--json", "--project", tmp_path).out) == []


# -- show ----------------------------------------------------------------------
def test_show_prints_turns_with_speakers(cli, proj):
    result = cli("show", "U21", "--project", proj)
    assert result.code == 0, result.err
    out = result.out
    assert out.splitlines()[0] == "U21 — Entretien avec une usagère, hôtel Les Lilas"
    assert "actor_type: usagers" in out and "date: 2022-09-14" in out
    for speaker in ("Claire", "Nadia"):
        assert speaker in out
    assert "Bonjour Madame Nadia, merci de me recevoir dans votre chambre." in out
    assert "[inaudible] et puis la gérante a dit qu’il fallait attendre" in out
    # turns in order
    assert out.index("Bonjour Madame Nadia") < out.index("Et les punaises de lit ?") < out.index("Merci à vous")


def test_show_with_offsets_and_times(cli, proj):
    out = cli("show", "P22", "--offsets", "--project", proj).out
    assert "Samir" in out and "Léa" in out and "Karim" in out
    assert "00:00:07.200" in out
    assert "[89:215)" in out


def test_show_json(cli, proj):
    data = json.loads(cli("show", "P22", "--json", "--project", proj).out)
    assert data["id"] == "P22" and data["title"] == "Visio avec l'équipe mobile"
    assert [(s["speaker"], s["role"]) for s in data["segments"]] == [
        ("Samir", "interviewer"), ("Léa", "respondent"), ("Samir", "interviewer"), ("Karim", "respondent")]


def test_show_unknown_transcript(cli, proj):
    one_line_error(cli("show", "U99", "--project", proj), "unknown transcript 'U99'", "U21")


# -- attributes ----------------------------------------------------------------
def test_attributes_list(cli, proj, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    data = json.loads(cli("attributes", "--json", "--project", proj).out)
    assert data["U21"]["type_d_hotel"] == "diffus"
    assert data["P22"]["mode"] == "visio"
    table = cli("attributes", "--project", proj).out
    assert "type_d_hotel" in table and "diffus" in table


def test_attributes_set_and_unset_with_audit(cli, proj, monkeypatch):
    from qualcode import Project

    monkeypatch.setenv("COLUMNS", "250")

    result = cli("attributes", "set", "U21", "Tranche d'âge", "25-34 ans", "--by", "claire", "--project", proj)
    assert result.code == 0, result.err
    # a canonical key through its French name, a date normalised
    assert cli("attributes", "set", "U21", "Nombre de personnes", "2", "--project", proj).code == 0
    assert cli("attributes", "set", "U21", "date", "01/10/2022", "--project", proj).code == 0
    shown = cli("attributes", "set", "U21", "hotel", "[bas seuil]", "--project", proj)
    assert shown.out.strip() == "U21: hotel = [bas seuil]"
    data = json.loads(cli("attributes", "--json", "--project", proj).out)["U21"]
    assert data["tranche_d_age"] == "25-34 ans"
    assert data["people"] == "2" and data["date"] == "2022-10-01"
    assert data["hotel"] == "[bas seuil]"
    assert "[bas seuil]" in cli("attributes", "--project", proj).out
    assert json.loads(cli("transcripts", "--json", "--project", proj).out)[1]["people"] == 2

    result = cli("attributes", "unset", "U21", "tranche_d_age", "--by", "claire", "--project", proj)
    assert result.code == 0 and "tranche_d_age removed" in result.out
    data = json.loads(cli("attributes", "--json", "--project", proj).out)["U21"]
    assert "tranche_d_age" not in data

    with Project.open(proj) as project:
        audit = [a for a in project.store.audit_entries() if a["action"].startswith("attribute.")]
    assert [(a["action"], a["actor"], a["target"], a["before"], a["after"]) for a in audit] == [
        ("attribute.set", "claire", "transcript:U21", {"tranche_d_age": None}, {"tranche_d_age": "25-34 ans"}),
        ("attribute.set", "tester", "transcript:U21", {"people": "1"}, {"people": "2"}),
        ("attribute.set", "tester", "transcript:U21", {"date": "2022-09-14"}, {"date": "2022-10-01"}),
        ("attribute.set", "tester", "transcript:U21", {"hotel": None}, {"hotel": "[bas seuil]"}),
        ("attribute.unset", "claire", "transcript:U21", {"tranche_d_age": "25-34 ans"}, None),
    ]


@pytest.mark.parametrize("args, needles", [
    (["set", "U21", "people", "deux"], ["people", "deux"]),
    (["set", "U21", "Nombre de personnes", "0"], ["people", "'0'"]),
    (["set", "U21", "date", "le 3 octobre"], ["date", "le 3 octobre"]),
    (["set", "U99", "mode", "visio"], ["unknown transcript 'U99'"]),
    (["unset", "U21", "absent"], ["U21", "no attribute 'absent'"]),
])
def test_attributes_bad_changes_are_refused(cli, proj, args, needles):
    db = proj / "qualcode.db"
    before = dump(db)
    one_line_error(cli("attributes", *args, "--project", proj), *needles)
    assert dump(db) == before
