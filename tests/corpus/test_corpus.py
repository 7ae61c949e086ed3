"""The fictional Assore demo corpus: the manifest matches the evaluation's table,
every file carries the fiction notice, the formats are those of a real team's
folder, sizes and transcription marks are realistic, the corpus imports with
its attributes, and every reference coding of both coders anchors."""
from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile
from collections import Counter, defaultdict
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import shared_dir
from ruamel.yaml import YAML

from qualcode.text import word_count

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "transcripts"
SOURCES = CORPUS / "src"
CODINGS = CORPUS / "codings"

# The brief's table (../shared/domain/assore-brief.md): interviews, people per actor type.
TABLE = {
    "pilotage": (6, 9),
    "professionnels_dispositif": (6, 8),
    "premiere_ligne": (4, 5),
    "partenaires": (4, 4),
    "usagers": (13, 13),
}
NOTICE_WORDS = ("Transcription fictive rédigée pour la démonstration de qualcode", "aucune personne réelle")
USER_ATTRIBUTES = ("hotel_type", "time_in_assore", "sex", "age_band")


def manifest() -> list[dict]:
    with open(CORPUS / "manifest.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


ROWS = manifest()
BY_ID = {r["id"]: r for r in ROWS}


def source(tid: str) -> tuple[str, str]:
    """(header, body) of src/<id>.txt."""
    _, header, body = (SOURCES / f"{tid}.txt").read_text(encoding="utf-8").split("---\n", 2)
    return header, body


def speaker_labels(header: str) -> list[str]:
    block = header.split("speakers:", 1)[1]
    return re.findall(r"^\s+(\w+):", block, re.M)


def yaml_entries(path: Path) -> list:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))["codings"]


# -- the manifest ------------------------------------------------------------------
def test_manifest_matches_the_table():
    interviews = Counter(r["actor_type"] for r in ROWS)
    people = Counter()
    for r in ROWS:
        people[r["actor_type"]] += int(r["people"])
    assert {k: (interviews[k], people[k]) for k in interviews} == TABLE
    assert len(ROWS) == 33 and sum(people.values()) == 39
    assert len(BY_ID) == 33
    assert all(int(r["people"]) in (1, 2, 3) for r in ROWS)


def test_the_table_is_the_briefs():
    shared = shared_dir()
    brief = shared / "domain" / "assore-brief.md" if shared else None
    if brief is None or not brief.exists():
        pytest.skip("shared/domain/assore-brief.md not found beside the repository")
    rows = {}
    for line in brief.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[1].isdigit() and cells[2].isdigit():
            rows[cells[0].split()[0]] = (int(cells[1]), int(cells[2]))
    assert rows == TABLE


def test_manifest_dates_modes_and_user_attributes():
    for r in ROWS:
        assert "2022-09-12" <= r["date"] <= "2022-10-14", r["id"]
        assert re.fullmatch(r"2022-\d\d-\d\d", r["date"])
        assert r["title"] and r["structure"] and r["interviewer"], r["id"]
        if r["actor_type"] == "usagers":
            assert r["mode"] == "hôtel", r["id"]
            for key in USER_ATTRIBUTES:
                assert r[key].strip(), (r["id"], key)
            assert r["sex"] in ("F", "H")
            assert r["hotel_type"] in ("bas_seuil", "haut_seuil")
        else:
            assert r["mode"] == "visio", r["id"]
            assert not any(r[key] for key in USER_ATTRIBUTES), r["id"]
    # both kinds of hotel, both sexes, several stays among the users
    users = [r for r in ROWS if r["actor_type"] == "usagers"]
    assert len({r["hotel_type"] for r in users}) == 2
    assert len({r["sex"] for r in users}) == 2
    assert len({r["time_in_assore"] for r in users}) >= 3
    assert len({r["age_band"] for r in users}) >= 3


def test_every_manifest_file_exists_with_its_source():
    for r in ROWS:
        path = CORPUS / r["file"]
        assert path.is_file(), r["file"]
        assert path.stem == r["id"]
        assert (SOURCES / f"{r['id']}.txt").is_file()
    listed = {r["file"] for r in ROWS}
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_file() and p.suffix in (".docx", ".odt", ".txt", ".md", ".vtt")}
    assert on_disk == listed


# -- sources -----------------------------------------------------------------------
def test_sources_notice_marks_and_word_counts():
    total = 0
    for r in ROWS:
        header, body = source(r["id"])
        notice = re.search(r"^notice:\s*\"(.+)\"\s*$", header, re.M)
        assert notice, r["id"]
        assert "fictive" in notice.group(1) and "qualcode" in notice.group(1)
        assert "aucune personne réelle" in notice.group(1)
        assert re.search(rf"^id:\s*{r['id']}\s*$", header, re.M)
        assert "[inaudible]" in body, r["id"]
        assert "(rires)" in body, r["id"]
        words = word_count(body)
        assert 1500 <= words <= 4000, (r["id"], words)
        total += words
    assert total >= 70_000, total


def test_speakers_match_the_number_of_people():
    for r in ROWS:
        header, body = source(r["id"])
        labels = speaker_labels(header)
        respondents = [lab for lab in labels if lab.startswith("R")]
        interviewers = [lab for lab in labels if lab.startswith("E")]
        assert len(respondents) == int(r["people"]), (r["id"], labels)
        assert interviewers, r["id"]
        spoken = Counter(re.findall(r"^(\w+) : ", body, re.M))
        for label in labels:
            assert spoken[label] >= 1, (r["id"], label)
        if int(r["people"]) >= 2:
            # a group interview: every respondent takes several turns
            assert all(spoken[lab] >= 3 for lab in respondents), (r["id"], spoken)


# -- rendered files ----------------------------------------------------------------
def rendered_text(path: Path) -> str:
    if path.suffix == ".docx":
        import docx

        document = docx.Document(str(path))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if path.suffix == ".odt":
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("content.xml"))
        return "\n".join("".join(el.itertext()) for el in root.iter()
                         if el.tag.endswith("}p") or el.tag.endswith("}h"))
    if path.suffix == ".vtt":
        text = path.read_text(encoding="utf-8")
        note = re.search(r"^NOTE\n(.*?)\n\n", text, re.M | re.S)
        assert note, path.name
        return note.group(1)
    data = path.read_bytes()
    if path.stem == "U04":
        return data.decode("cp1252")
    return data.decode("utf-8")


def test_every_rendered_file_has_the_notice():
    for r in ROWS:
        text = rendered_text(CORPUS / r["file"])
        for words in NOTICE_WORDS:
            assert words in text, (r["file"], words)


def test_formats_of_a_real_folder():
    kinds = Counter(Path(r["file"]).suffix for r in ROWS)
    assert kinds[".vtt"] >= 2 and kinds[".odt"] >= 1 and kinds[".md"] >= 1 and kinds[".txt"] >= 1
    assert kinds[".docx"] > len(ROWS) / 2
    # video-call exports are interviews of professionals
    assert all(r["actor_type"] != "usagers" for r in ROWS if r["file"].endswith(".vtt"))
    # U04.txt is saved in cp1252, as a Windows editor does: not valid UTF-8
    data = (CORPUS / "U04.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert "é" in text and "\r\n" in text
    # the other plain-text files are UTF-8
    for r in ROWS:
        if r["file"].endswith((".txt", ".md")) and r["id"] != "U04":
            (CORPUS / r["file"]).read_bytes().decode("utf-8")
    # some docx use bold speaker names, some "E :" prefixes
    import docx

    styles = set()
    for r in ROWS:
        if r["file"].endswith(".docx"):
            document = docx.Document(str(CORPUS / r["file"]))
            turns = [p for p in document.paragraphs if re.match(r"^(\[[\d:]+\] )?\w[\w ]* :", p.text)]
            if any(run.bold for p in turns for run in p.runs):
                styles.add("bold")
            if any(re.match(r"^(\[[\d:]+\] )?(E|R\d?) : ", p.text) for p in turns):
                styles.add("prefix")
    assert styles == {"bold", "prefix"}


# -- the corpus in a project --------------------------------------------------------
@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A project with the whole corpus (manifest), the codebook and both coders' codings."""
    from qualcode import Project
    from qualcode.codings_file import import_files

    root = tmp_path_factory.mktemp("corpus") / "demo"
    project = Project.init(root)
    project.import_files([CORPUS / r["file"] for r in ROWS], manifest=CORPUS / "manifest.csv", actor="setup")
    book = root / "assore.yaml"
    shutil.copy(ROOT / "codebooks" / "assore.yaml", book)
    project.load_codebook(book, actor="setup")
    result = import_files(project, [CODINGS])
    yield project, result
    project.close()


def test_import_lists_33_transcripts_with_attributes(cli, corpus):
    project, _ = corpus
    result = cli("transcripts", "--json", "--project", project.root)
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert sorted(r["id"] for r in rows) == sorted(BY_ID)
    for row in rows:
        m = BY_ID[row["id"]]
        attrs = row["attributes"]
        assert row["title"] == m["title"]
        assert row["actor_type"] == m["actor_type"] and row["people"] == int(m["people"])
        for key in ("structure", "date", "mode", "interviewer") + USER_ATTRIBUTES:
            if m[key]:
                assert attrs.get(key) == m[key], (row["id"], key, attrs.get(key))
        assert row["segments"] >= 20 and row["words"] >= 1500
    assert Counter(r["actor_type"] for r in rows) == {k: v[0] for k, v in TABLE.items()}
    assert sum(r["people"] for r in rows) == 39


def test_every_reference_coding_anchors(cli, corpus):
    project, result = corpus
    entries = Counter()
    for path in CODINGS.rglob("*.yaml"):
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        assert data["coder"] == path.parent.name and data["transcript"] == path.stem
        entries[data["coder"]] += len(data["codings"])
    assert set(entries) == {"coder-a", "coder-b"}
    assert result.by_coder == dict(entries)
    assert result.added == sum(entries.values()) and result.present == 0
    assert Counter(c["coder"] for c in project.store.codings()) == entries
    # the command says the same, and importing again adds nothing
    again = cli("codings", "import", CODINGS, "--project", project.root)
    assert again.code == 0, again.err
    assert f"0 codings added (none), {sum(entries.values())} already present" in " ".join(again.out.split())


def leaf_codes(project) -> set[str]:
    ids = [c["id"] for c in project.store.codes()]
    return {i for i in ids if not any(o.startswith(i + "/") for o in ids)}


def test_coder_a_covers_everything_at_a_realistic_density(corpus):
    project, _ = corpus
    codings = project.store.codings(coder="coder-a")
    per_transcript = Counter(c["transcript"] for c in codings)
    assert set(per_transcript) == set(BY_ID)
    words = {t["id"]: t["words"] for t in project.transcripts()}
    for tid, n in per_transcript.items():
        assert 40 <= words[tid] / n <= 120, (tid, words[tid], n)
    uses = Counter(c["code"] for c in codings)
    leaves = leaf_codes(project)
    assert set(uses) <= {c["id"] for c in project.store.codes()}
    used_twice = [leaf for leaf in leaves if uses[leaf] >= 2]
    assert len(used_twice) >= 0.8 * len(leaves), (len(used_twice), len(leaves))
    # codings are spans of a sentence or a few, not whole turns or single words
    lengths = sorted(c["end"] - c["start"] for c in codings)
    assert 40 <= lengths[len(lengths) // 2] <= 400


def test_coder_b_codes_ten_transcripts_across_actor_types(corpus):
    project, _ = corpus
    codings = project.store.codings(coder="coder-b")
    transcripts = {c["transcript"] for c in codings}
    assert len(transcripts) >= 10
    by_type = defaultdict(set)
    for tid in transcripts:
        by_type[BY_ID[tid]["actor_type"]].add(tid)
    assert set(by_type) == set(TABLE)
    assert all(len(v) >= 2 for v in by_type.values()), dict(by_type)
    # independent, imperfect agreement: neither a copy of coder-a nor unrelated
    a = {(c["transcript"], c["code"], c["start"], c["end"])
         for c in project.store.codings(coder="coder-a") if c["transcript"] in transcripts}
    b = {(c["transcript"], c["code"], c["start"], c["end"]) for c in codings}
    same = len(a & b) / len(b)
    assert same < 0.9, same
    a_codes = {(t, code) for t, code, _, _ in a}
    b_codes = {(t, code) for t, code, _, _ in b}
    assert len(a_codes & b_codes) / len(b_codes) > 0.3
