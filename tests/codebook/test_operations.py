"""Codebook operations on a project: load/sync, add, rename, move, merge, delete
(codings follow, audit entries, YAML write-back keeping comments), `show`
roll-ups, exports, and REFI-QDA imports through the command line."""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import shared_dir

from qualcode import Project
from qualcode import coding as coding_ops
from qualcode.codebook import yamlfile

ROOT = Path(__file__).resolve().parents[2]
ASSORE = ROOT / "codebooks" / "assore.yaml"

BOOK = """\
# Livre de codes de test : ce commentaire d'en-tête doit survivre
name: Test
version: 1
codes:
  # --- famille A
  - id: a
    label: Famille A
    family: true
    description: La famille A.
  - id: a/x
    label: X
    description: Le code X.
    include: Ce qui relève de X.
    exclude: Ce qui relève de Y.
    example: « un exemple de X »
    keywords: [ixe, x]
  - id: a/x/deep
    label: X profond
    description: Sous-code de X.
  - id: a/y
    label: Y
    description: Le code Y.  # commentaire en fin de ligne

  # --- famille B : ce commentaire doit survivre
  - id: b
    label: Famille B
    family: true
    color: "#2255aa"
    description: La famille B.
  - id: b/z
    label: Z
    description: Le code Z.
    keywords: [zed]
# commentaire final
"""
COMMENTS = [line.strip() for line in BOOK.splitlines() if line.strip().startswith("#")]

T1 = """\
E : Bonjour, pouvez-vous vous présenter ?
R : Je suis hébergé à l'hôtel depuis un an. Les punaises, j'en avais partout.
E : Et l'accompagnement ?
R : Les éducs passent toutes les deux semaines. C'est trop peu, franchement.
"""
T2 = """\
E : Comment se passe le suivi ?
R : On a trop d'usagers, on ne peut plus passer chaque semaine dans les hôtels.
E : Et la santé ?
R : Les soins psychiatriques manquent, c'est le ping-pong entre la psy et l'addicto.
"""


@dataclass
class Coded:
    root: Path
    book: Path
    project: Project


def write_inputs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "T1.txt").write_text(T1, encoding="utf-8")
    (folder / "T2.txt").write_text(T2, encoding="utf-8")
    book = folder / "livre.yaml"
    book.write_text(BOOK, encoding="utf-8")
    return book


@pytest.fixture
def coded(project, tmp_path) -> Coded:
    """A project with T1, T2, the test codebook (file remembered) and 7 codings by c1 and c2."""
    book = write_inputs(tmp_path / "in")
    project.import_files([tmp_path / "in" / "T1.txt", tmp_path / "in" / "T2.txt"], actor="setup")
    project.load_codebook(book, actor="setup")
    seg1 = {s["idx"]: s for s in project.segments("T1")}
    seg2 = {s["idx"]: s for s in project.segments("T2")}
    text1 = project.transcript("T1")["text"]
    punaises = text1.index("Les punaises")
    for tid, code, coder, start, end in [
        ("T1", "a/x", "c1", seg1[2]["start"], seg1[2]["end"]),
        ("T1", "a/x", "c2", seg1[2]["start"], seg1[2]["end"]),
        ("T1", "a/x/deep", "c1", seg1[4]["start"], seg1[4]["end"]),
        ("T1", "b/z", "c1", punaises, punaises + len("Les punaises")),
        ("T2", "a/y", "c1", seg2[2]["start"], seg2[2]["end"]),
        ("T2", "a/x/deep", "c2", seg2[4]["start"], seg2[4]["end"]),
        ("T2", "b/z", "c2", seg2[2]["start"], seg2[2]["end"]),
    ]:
        coding_ops.add(project, tid, code, coder, start, end)
    return Coded(project.root, book, project)


def snapshot(project) -> dict[int, tuple]:
    return {c["id"]: (c["transcript"], c["code"], c["coder"], c["start"], c["end"])
            for c in project.store.codings()}


def ok(result):
    assert result.code == 0, result.err
    return result


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def one_line_error(result, *needles):
    assert result.code == 1, (result.out, result.err)
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def file_ids(path: Path) -> list[str]:
    return [c.id for c in yamlfile.read(path).codes]  # also proves the file still validates


def assert_comments_kept(path: Path, *, gone=()) -> str:
    text = path.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("#")]
    assert lines == [c for c in COMMENTS if c not in gone]
    return text


def last_audit(project, action: str) -> dict:
    entries = [e for e in project.store.audit_entries() if e["action"] == action]
    assert entries, f"no {action} in the audit trail"
    return entries[-1]


def assert_audit_shape(entry: dict, actor: str) -> None:
    assert entry["actor"] == actor
    at = datetime.fromisoformat(entry["at"])
    assert abs(datetime.now(timezone.utc) - at) < timedelta(minutes=5)


# -- load -----------------------------------------------------------------------
def test_load_reload_and_update(cli, tmp_path):
    book = write_inputs(tmp_path / "in")
    root = tmp_path / "proj"
    ok(cli("init", root))
    out = flat(ok(cli("codebook", "load", book, "--project", root, "--by", "ana")).out)
    assert "6 added, 0 updated, 0 removed, 0 unchanged" in flat(out)
    out = flat(ok(cli("codebook", "load", book, "--project", root, "--by", "ana")).out)
    assert "0 added, 0 updated, 0 removed, 6 unchanged" in flat(out)

    book.write_text(BOOK.replace("label: Y\n", "label: Y modifié\n"), encoding="utf-8")
    out = flat(ok(cli("codebook", "load", book, "--project", root, "--by", "bruno")).out)
    assert "0 added, 1 updated, 0 removed, 5 unchanged" in flat(out)
    with Project.open(root) as proj:
        assert proj.code("a/y").label == "Y modifié"
        updates = [e for e in proj.store.audit_entries() if e["action"] == "code.update"]
        assert len(updates) == 1
        entry = updates[0]
        assert entry["target"] == "code:a/y"
        assert entry["before"] == {"label": "Y"}
        assert entry["after"] == {"label": "Y modifié"}
        assert_audit_shape(entry, "bruno")
        adds = [e for e in proj.store.audit_entries() if e["action"] == "code.add"]
        assert [e["target"] for e in adds] == [f"code:{i}" for i in ("a", "a/x", "a/x/deep", "a/y", "b", "b/z")]
        assert adds[1]["after"]["keywords"] == ["ixe", "x"] and adds[1]["before"] is None


def test_load_refuses_removed_code_with_codings_then_force(cli, coded):
    proj = coded.project
    before = snapshot(proj)
    [a_y] = [i for i, c in before.items() if c[1] == "a/y"]
    coded.book.write_text(BOOK.replace("  - id: a/y\n    label: Y\n    description: Le code Y.  # commentaire en fin de ligne\n", ""),
                          encoding="utf-8")
    result = cli("codebook", "load", coded.book, "--project", coded.root)
    one_line_error(result, "1 code(s) removed from the file still have 1 coding(s)",
                   f"#{a_y} a/y by c1 in T2", "--force")
    assert snapshot(proj) == before
    assert proj.store.code("a/y") is not None

    out = ok(cli("codebook", "load", coded.book, "--force", "--project", coded.root, "--by", "lead")).out
    assert "0 added, 0 updated, 1 removed, 5 unchanged; 1 codings deleted" in flat(out)
    after = snapshot(proj)
    assert after == {i: c for i, c in before.items() if i != a_y}
    assert proj.store.code("a/y") is None
    removal = last_audit(proj, "coding.remove")
    assert removal["target"] == f"coding:{a_y}"
    text2 = proj.transcript("T2")["text"]
    _, _, _, start, end = before[a_y]
    assert removal["before"] == {"transcript": "T2", "code": "a/y", "coder": "c1", "start": start,
                                 "end": end, "memo": "", "quote": text2[start:end]}
    assert removal["after"] == {"reason": "codebook.load --force"}
    assert_audit_shape(removal, "lead")
    deletion = last_audit(proj, "code.delete")
    assert deletion["before"]["id"] == "a/y" and deletion["before"]["label"] == "Y"
    assert deletion["after"] is None


# -- operations with codings ------------------------------------------------------
def followed(before: dict, after: dict, mapping: dict[str, str]) -> None:
    """Every coding is still there with the same id, offsets and coder; its code is renamed."""
    assert set(after) == set(before)
    for cid, (tid, code, coder, start, end) in before.items():
        new_code = code
        for old, new in mapping.items():
            if code == old or code.startswith(old + "/"):
                new_code = new + code[len(old):]
        assert after[cid] == (tid, new_code, coder, start, end), cid


def test_rename_codings_follow(cli, coded):
    proj = coded.project
    before = snapshot(proj)
    out = ok(cli("codebook", "rename", "a/x", "x2", "--label", "X renommé", "--project", coded.root,
                 "--by", "lead")).out
    assert "renamed a/x -> a/x2" in flat(out)
    followed(before, snapshot(proj), {"a/x": "a/x2"})
    assert proj.code("a/x2").label == "X renommé"
    assert proj.code("a/x2/deep").label == "X profond"
    # written back
    assert file_ids(coded.book) == ["a", "a/x2", "a/x2/deep", "a/y", "b", "b/z"]
    text = assert_comments_kept(coded.book)
    assert "label: X renommé" in text and "# commentaire en fin de ligne" in text
    entry = last_audit(proj, "code.rename")
    assert entry["target"] == "code:a/x2"
    assert entry["before"] == {"id": "a/x", "label": "X"}
    assert entry["after"] == {"id": "a/x2", "label": "X renommé"}
    assert_audit_shape(entry, "lead")


def test_rename_label_only_and_refusals(cli, coded):
    proj = coded.project
    before = snapshot(proj)
    ok(cli("codebook", "rename", "b/z", "--label", "Zède", "--project", coded.root))
    assert snapshot(proj) == before
    assert "label: Zède" in coded.book.read_text(encoding="utf-8")
    assert last_audit(proj, "code.rename")["after"] == {"id": "b/z", "label": "Zède"}
    one_line_error(cli("codebook", "rename", "a/x", "b/x", "--project", coded.root), "codebook move")
    one_line_error(cli("codebook", "rename", "a/x", "y", "--project", coded.root), "'a/y' already exists")
    one_line_error(cli("codebook", "rename", "a/q", "q2", "--project", coded.root), "unknown code 'a/q'")
    one_line_error(cli("codebook", "rename", "a/x", "--label", "  ", "--project", coded.root), "needs a label")
    assert proj.code("a/x").label == "X"
    assert yamlfile.read(coded.book).codes[1].label == "X"
    assert snapshot(proj) == before


def test_move_codings_follow(cli, coded):
    proj = coded.project
    before = snapshot(proj)
    out = ok(cli("codebook", "move", "a/x", "b", "--project", coded.root, "--by", "lead")).out
    assert "moved a/x -> b/x" in flat(out)
    followed(before, snapshot(proj), {"a/x": "b/x"})
    assert [c.id for c in proj.codes()] == ["a", "a/y", "b", "b/z", "b/x", "b/x/deep"]
    assert file_ids(coded.book) == ["a", "a/y", "b", "b/z", "b/x", "b/x/deep"]
    text = assert_comments_kept(coded.book)
    # the comment between the families stays between them
    assert text.index("# commentaire en fin de ligne") < text.index("# --- famille B") < text.index("id: b\n")
    entry = last_audit(proj, "code.move")
    assert (entry["before"], entry["after"]) == ({"id": "a/x"}, {"id": "b/x"})
    assert_audit_shape(entry, "lead")


def test_move_to_top_level(cli, coded):
    proj = coded.project
    before = snapshot(proj)
    ok(cli("codebook", "move", "a/x/deep", "--top", "--project", coded.root))
    followed(before, snapshot(proj), {"a/x/deep": "deep"})
    assert file_ids(coded.book)[-1] == "deep"
    assert_comments_kept(coded.book)


def test_merge_moves_codings_and_children(cli, coded):
    proj = coded.project
    before = snapshot(proj)
    # the target comes later in the file than the source and its children
    out = ok(cli("codebook", "merge", "a/x", "b/z", "--project", coded.root, "--by", "lead")).out
    assert "merged a/x into b/z: 2 codings moved" in flat(out)
    followed(before, snapshot(proj), {"a/x/deep": "b/z/deep", "a/x": "b/z"})
    assert proj.store.code("a/x") is None
    assert [c.id for c in proj.codes()] == ["a", "a/y", "b", "b/z", "b/z/deep"]
    assert file_ids(coded.book) == ["a", "a/y", "b", "b/z", "b/z/deep"]
    assert_comments_kept(coded.book)
    entry = last_audit(proj, "code.merge")
    assert entry["before"]["source"]["id"] == "a/x"
    assert entry["before"]["source"]["label"] == "X"
    assert entry["before"]["children"] == ["a/x/deep"]
    assert entry["after"] == {"target": "b/z", "codings_moved": 2, "duplicates_removed": 0}
    assert_audit_shape(entry, "lead")


def test_merge_into_earlier_code_and_duplicates(cli, coded):
    proj = coded.project
    # c1 codes its a/y passage of T2 with b/z too: merging b/z into a/y makes them identical
    seg = {s["idx"]: s for s in proj.segments("T2")}[2]
    coding_ops.add(proj, "T2", "b/z", "c1", seg["start"], seg["end"])
    before = snapshot(proj)
    ok(cli("codebook", "merge", "b/z", "a/y", "--project", coded.root))
    after = snapshot(proj)
    # the two identical c1 codings on T2 became one; everything else follows
    assert len(after) == len(before) - 1
    assert sorted(after.values()) == sorted({
        (t, "a/y" if code == "b/z" else code, coder, s, e) for t, code, coder, s, e in before.values()})
    assert last_audit(proj, "code.merge")["after"]["duplicates_removed"] == 1
    assert file_ids(coded.book) == ["a", "a/x", "a/x/deep", "a/y", "b"]
    assert_comments_kept(coded.book)


def test_merge_refusals(cli, coded):
    before = snapshot(coded.project)
    one_line_error(cli("codebook", "merge", "a", "a/x", "--project", coded.root), "own descendant")
    one_line_error(cli("codebook", "merge", "a/x", "a/zz", "--project", coded.root), "unknown code 'a/zz'")
    assert snapshot(coded.project) == before
    assert coded.book.read_text(encoding="utf-8") == BOOK


def test_add_writes_back_after_its_parent(cli, coded):
    proj = coded.project
    before = snapshot(proj)
    out = ok(cli("codebook", "add", "a/w", "--label", "W", "--description", "Nouveau code.",
                 "--include", "Ce qui est W.", "--keyword", "double vé", "--keyword", "w",
                 "--color", "#112233", "--project", coded.root, "--by", "lead")).out
    assert "added a/w" in flat(out)
    assert snapshot(proj) == before
    spec = proj.code("a/w")
    assert (spec.label, spec.description, spec.include, spec.keywords, spec.color) == (
        "W", "Nouveau code.", "Ce qui est W.", ["double vé", "w"], "#112233")
    assert [c.id for c in proj.codes()] == ["a", "a/x", "a/x/deep", "a/y", "a/w", "b", "b/z"]
    assert file_ids(coded.book) == ["a", "a/x", "a/x/deep", "a/y", "a/w", "b", "b/z"]
    text = assert_comments_kept(coded.book)
    # added inside family A, before the comment that opens family B
    assert text.index("id: a/w") < text.index("# --- famille B")
    entry = last_audit(proj, "code.add")
    assert entry["target"] == "code:a/w" and entry["before"] is None
    assert entry["after"]["label"] == "W" and entry["after"]["keywords"] == ["double vé", "w"]
    assert_audit_shape(entry, "lead")
    # refusals
    one_line_error(cli("codebook", "add", "a/w", "--label", "W", "--project", coded.root), "already exists")
    one_line_error(cli("codebook", "add", "q/w", "--label", "W", "--project", coded.root), "unknown parent 'q'")
    one_line_error(cli("codebook", "add", "a/W W", "--label", "W", "--project", coded.root), "bad code id")
    # what `validate` would refuse is never written into the file
    written = coded.book.read_text(encoding="utf-8")
    one_line_error(cli("codebook", "add", "a/v", "--label", " ", "--project", coded.root), "needs a label")
    one_line_error(cli("codebook", "add", "a/v", "--label", "V", "--color", "rouge", "--project", coded.root),
                   "must be #rrggbb")
    one_line_error(cli("codebook", "add", "a/v", "--label", "V", "--keyword", "", "--project", coded.root),
                   "keywords of 'a/v'")
    assert coded.book.read_text(encoding="utf-8") == written
    assert proj.store.code("a/v") is None


def test_delete_refused_with_codings_then_force(cli, coded):
    proj = coded.project
    before = snapshot(proj)
    doomed = {i: c for i, c in before.items() if c[1] in ("a/x", "a/x/deep")}
    assert len(doomed) == 4
    one_line_error(cli("codebook", "delete", "a/x", "--project", coded.root), "has 4 coding(s)", "--force")
    assert snapshot(proj) == before
    assert coded.book.read_text(encoding="utf-8") == BOOK

    out = ok(cli("codebook", "delete", "a/x", "--force", "--project", coded.root, "--by", "lead")).out
    assert "deleted a/x and 4 codings" in flat(out)
    assert snapshot(proj) == {i: c for i, c in before.items() if i not in doomed}
    assert proj.store.code("a/x") is None and proj.store.code("a/x/deep") is None
    removals = {e["target"]: e for e in proj.store.audit_entries(action_prefix="coding.remove")}
    assert set(removals) == {f"coding:{i}" for i in doomed}
    for cid, (tid, code, coder, start, end) in doomed.items():
        entry = removals[f"coding:{cid}"]
        assert entry["before"]["code"] == code and entry["before"]["coder"] == coder
        assert entry["before"]["quote"] == proj.transcript(tid)["text"][start:end]
        assert entry["after"] == {"reason": "codebook delete a/x"}
        assert_audit_shape(entry, "lead")
    deletes = [e for e in proj.store.audit_entries(action_prefix="code.delete")]
    assert [e["target"] for e in deletes] == ["code:a/x/deep", "code:a/x"]
    assert all(e["after"] is None and e["before"]["label"] for e in deletes)
    assert file_ids(coded.book) == ["a", "a/y", "b", "b/z"]
    assert_comments_kept(coded.book)


def test_delete_without_codings_and_comment_between_codes(cli, coded):
    proj = coded.project
    before = snapshot(proj)
    # a/y has codings: first drop them, then delete the code just above the family B comment
    ok(cli("codebook", "delete", "a/y", "--force", "--project", coded.root))
    text = assert_comments_kept(coded.book, gone=())
    assert "# commentaire en fin de ligne" not in text  # it was on a/y's own line
    ok(cli("codebook", "add", "b/solo", "--label", "Solo", "--project", coded.root))
    ok(cli("codebook", "delete", "b/solo", "--project", coded.root))
    # the last code of the file carries the final comment after it
    ok(cli("codebook", "delete", "b/z", "--force", "--project", coded.root))
    assert file_ids(coded.book) == ["a", "a/x", "a/x/deep", "b"]
    text = assert_comments_kept(coded.book)
    assert text.rstrip().endswith("# commentaire final")
    assert len(snapshot(proj)) == len(before) - 3


def test_every_operation_is_audited(cli, coded):
    proj = coded.project
    steps = [
        (("add", "b/new", "--label", "Neuf"), "code.add"),
        (("rename", "b/new", "neuf"), "code.rename"),
        (("move", "b/neuf", "a"), "code.move"),
        (("merge", "a/neuf", "a/y"), "code.merge"),
        (("delete", "a/y", "--force"), "code.delete"),
    ]
    for args, action in steps:
        count = len(proj.store.audit_entries(action_prefix=action))
        ok(cli("codebook", *args, "--project", coded.root, "--by", "auditrice"))
        entries = proj.store.audit_entries(action_prefix=action)
        assert len(entries) == count + 1, action
        entry = entries[-1]
        assert_audit_shape(entry, "auditrice")
        if action == "code.add":
            assert entry["before"] is None and entry["after"]["id"] == "b/new"
        elif action == "code.delete":
            assert entry["before"]["id"] == "a/y" and entry["after"] is None
        else:
            assert entry["before"] and entry["after"], action
        # the file written back and the project agree: reloading it changes nothing
        codings_now = snapshot(proj)
        order = [c.id for c in proj.codes()]
        out = flat(ok(cli("codebook", "load", coded.book, "--project", coded.root)).out)
        assert "0 added, 0 updated, 0 removed" in out, (action, out)
        assert [c.id for c in proj.codes()] == order == file_ids(coded.book)
        assert snapshot(proj) == codings_now


# -- show -------------------------------------------------------------------------
def test_show_json_rolls_up(cli, coded):
    rows = {r["id"]: r for r in json.loads(ok(cli("codebook", "show", "--json", "--project", coded.root)).out)}
    assert list(rows) == ["a", "a/x", "a/x/deep", "a/y", "b", "b/z"]
    expected = {
        "a/x/deep": ({"c1": 1, "c2": 1}, 2, 2),
        "a/x": ({"c1": 2, "c2": 2}, 2, 2),
        "a/y": ({"c1": 1}, 1, 1),
        "a": ({"c1": 3, "c2": 2}, 0, 2),
        "b/z": ({"c1": 1, "c2": 1}, 2, 2),
        "b": ({"c1": 1, "c2": 1}, 0, 2),
    }
    for cid, (by_coder, direct, interviews) in expected.items():
        row = rows[cid]
        assert (row["codings"], row["direct_codings"], row["interviews"]) == (by_coder, direct, interviews), cid
    assert rows["a/x"]["depth"] == 2 and rows["a/x/deep"]["depth"] == 3
    assert rows["a"]["family"] is True and rows["a/x"]["family"] is False
    assert rows["a/x"]["keywords"] == ["ixe", "x"]
    assert rows["b"]["color"] == "#2255aa"
    # the tree view shows the same figures
    tree = ok(cli("codebook", "show", "--project", coded.root)).out
    assert "c1: 3, c2: 2" in flat(tree) and "2 entretiens" in flat(tree)


# -- exports ----------------------------------------------------------------------
def test_export_markdown(cli, coded):
    out = coded.root / "livre.md"
    ok(cli("codebook", "export", "--format", "md", "--out", out, "--project", coded.root))
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# Livre de codes"
    headings = [line for line in lines if line.startswith("#")][1:]
    assert headings == ["## Famille A *(famille)*", "### X", "#### X profond", "### Y",
                        "## Famille B *(famille)*", "### Z"]
    assert "`a/x/deep`" in text
    assert "- **Définition** : Le code X." in text
    assert "- **Inclure** : Ce qui relève de X." in text
    assert "- **Exclure** : Ce qui relève de Y." in text
    assert "- **Exemple** : « un exemple de X »" in text
    assert "- **Mots-clés** : ixe, x" in text


def test_export_docx_headings_follow_hierarchy(cli, coded):
    import docx

    out = coded.root / "livre.docx"
    ok(cli("codebook", "export", "--format", "docx", "--out", out, "--project", coded.root))
    document = docx.Document(str(out))
    paragraphs = document.paragraphs
    assert paragraphs[0].style.name == "Title" and paragraphs[0].text == "Livre de codes"
    headings = [(int(p.style.name.split()[-1]), p.text) for p in paragraphs
                if p.style.name.startswith("Heading")]
    assert headings == [(1, "Famille A"), (2, "X"), (3, "X profond"), (2, "Y"), (1, "Famille B"), (2, "Z")]
    body = "\n".join(p.text for p in paragraphs)
    assert "Définition : Le code X." in body
    assert "Exclure : Ce qui relève de Y." in body
    assert "[a/x/deep]" in body
    famille_b = next(p for p in paragraphs if p.text == "Famille B")
    assert str(famille_b.runs[0].font.color.rgb) == "2255AA"


def test_export_yaml_validates_and_matches(cli, coded):
    out = coded.root / "export.yaml"
    ok(cli("codebook", "export", "--format", "yaml", "--out", out, "--project", coded.root))
    assert ok(cli("codebook", "validate", out)).err == ""
    exported = yamlfile.read(out).codes
    project_codes = coded.project.codes()
    fields = ("id", "label", "description", "include", "exclude", "example", "keywords", "color", "family")
    assert [tuple(getattr(c, f) for f in fields) for c in exported] == \
        [tuple(getattr(c, f) for f in fields) for c in project_codes]


def test_export_qdc_reimports_to_the_same_tree(cli, coded, tmp_path):
    out = tmp_path / "livre.qdc"
    ok(cli("codebook", "export", "--format", "qdc", "--out", out, "--project", coded.root))
    fresh = tmp_path / "fresh"
    ok(cli("init", fresh))
    ok(cli("codebook", "import", out, "--project", fresh))
    rows = json.loads(ok(cli("codebook", "show", "--json", "--project", fresh)).out)
    assert [(r["id"], r["label"]) for r in rows] == [(c.id, c.label) for c in coded.project.codes()]


def test_export_unknown_format(cli, coded):
    one_line_error(cli("codebook", "export", "--format", "pdf", "--project", coded.root), "unknown codebook format")


# -- REFI-QDA ---------------------------------------------------------------------
def refi_dir() -> Path:
    shared = shared_dir()
    folder = shared / "interop" / "refi-qda" if shared else None
    if folder is None or not folder.is_dir():
        pytest.skip("shared/interop/refi-qda not found beside the repository (REFI-QDA samples absent)")
    return folder


@pytest.mark.parametrize("name, count, depth", [
    ("nvivo-mac-15.0_codebook-depth7_nvivo_project.qdpx", 262, 7),
    ("nvivo-win-12.6_two-coders_oltas_teszt.qdpx", 152, 4),
    ("atlasti-8.4_refi-standard-project_TestProject.qdpx", 14, 1),
    ("mastodonmoodboard_example_codebook.qdc", 44, 2),
])
def test_import_real_refi_samples(cli, tmp_path, name, count, depth):
    sample = refi_dir() / name
    if not sample.exists():
        pytest.skip(f"REFI-QDA sample {name} absent from {sample.parent}")
    root = tmp_path / "proj"
    ok(cli("init", root))
    result = ok(cli("codebook", "import", sample, "--project", root))
    assert f"{count} codes imported" in flat(result.out)
    rows = json.loads(ok(cli("codebook", "show", "--json", "--project", root)).out)
    assert len(rows) == count
    assert max(r["depth"] for r in rows) == depth
    ids = {r["id"] for r in rows}
    assert all(r["id"].rsplit("/", 1)[0] in ids for r in rows if "/" in r["id"])
    # the imported codebook file is written in the project and validates
    written = root / "codebooks" / f"{sample.stem}.yaml"
    assert len(yamlfile.read(written).codes) == count
    if name.startswith("mastodon"):
        assert "non-GUID ids" in result.err
        assert all(r["color"] for r in rows)
        assert sum(bool(r["description"]) for r in rows) >= 4


def test_refi_round_trip_of_the_assore_codebook(cli, tmp_path):
    book = tmp_path / "assore.yaml"
    shutil.copy(ASSORE, book)
    first = tmp_path / "one"
    ok(cli("init", first))
    ok(cli("codebook", "load", book, "--project", first))
    qdc = tmp_path / "assore.qdc"
    ok(cli("codebook", "export", "--format", "qdc", "--out", qdc, "--project", first))
    second = tmp_path / "two"
    ok(cli("init", second))
    ok(cli("codebook", "import", qdc, "--project", second))
    with Project.open(first) as a, Project.open(second) as b:
        fields = ("id", "label", "description", "include", "exclude", "example", "color")
        left = [tuple(getattr(c, f) for f in fields) for c in a.codes()]
        right = [tuple(getattr(c, f) for f in fields) for c in b.codes()]
        assert len(left) == len(yamlfile.read(ASSORE).codes)
        assert right == left
