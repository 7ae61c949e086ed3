"""The codebook YAML file: the real Assore codebook validates and is complete,
and every validation error is reported with its exact file:line:column."""
from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from qualcode.codebook import yamlfile

ROOT = Path(__file__).resolve().parents[2]
ASSORE = ROOT / "codebooks" / "assore.yaml"
FAMILIES = ["freins/ecosystemiques", "freins/internes", "freins/usagers", "benefices", "recommandations"]


def raw_codes() -> list[dict]:
    """The entries of assore.yaml read with a plain YAML parser (not qualcode's)."""
    return list(YAML(typ="safe").load(ASSORE.read_text(encoding="utf-8"))["codes"])


def leaf_ids(ids) -> set[str]:
    ids = set(ids)
    return {i for i in ids if not any(o.startswith(i + "/") for o in ids)}


# -- the real codebook ----------------------------------------------------------
def test_validate_assore_passes_with_counts(cli):
    codes = raw_codes()
    ids = [str(c["id"]) for c in codes]
    result = cli("codebook", "validate", ASSORE)
    assert result.code == 0, result.err
    assert result.err == ""
    assert f"valid, {len(ids)} codes, {len(leaf_ids(ids))} leaves" in " ".join(result.out.split())
    assert len(ids) >= 45


def test_five_required_families_with_40_leaves():
    codes = {str(c["id"]): c for c in raw_codes()}
    assert "freins" in codes
    for family in FAMILIES:
        assert family in codes, family
        assert codes[family].get("family") is True, f"{family} is not marked family: true"
    for family in ("freins/ecosystemiques", "freins/internes", "freins/usagers"):
        assert family.rsplit("/", 1)[0] == "freins"
    leaves = leaf_ids(codes)
    under = [c for c in leaves if any(c.startswith(f + "/") for f in FAMILIES)]
    assert len(under) >= 40, len(under)
    # every family has leaves of its own
    for family in FAMILIES:
        assert any(c.startswith(family + "/") for c in under), family


def test_every_code_is_complete():
    codes = raw_codes()
    leaves = leaf_ids(str(c["id"]) for c in codes)
    problems = []
    for c in codes:
        cid = str(c["id"])
        needed = ["label", "description"]
        if cid in leaves:
            needed += ["include", "exclude", "example"]
        for key in needed:
            if not str(c.get(key) or "").strip():
                problems.append(f"{cid}: no {key}")
        if cid in leaves:
            keywords = c.get("keywords")
            if not isinstance(keywords, list) or len(keywords) < 3 or not all(
                    isinstance(k, str) and k.strip() for k in keywords):
                problems.append(f"{cid}: keywords {keywords!r}")
    assert problems == []


def test_read_gives_specs_in_file_order_with_lines():
    book = yamlfile.read(ASSORE)
    lines = ASSORE.read_text(encoding="utf-8").splitlines()
    assert [c.id for c in book.codes] == [str(c["id"]) for c in raw_codes()]
    for spec in book.codes:
        # `line` is the line of the "- id:" item
        assert lines[spec.line - 1].strip() == f"- id: {spec.id}", spec.id


# -- one test per validation error ------------------------------------------------
HEADER = "# test codebook\nname: T\nversion: 1\ncodes:\n"


def where(text: str, line_has: str, token: str, nth: int = 1) -> tuple[int, int]:
    """(line, column), 1-based, of `token` on the nth line containing `line_has`."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line_has in line:
            seen += 1
            if seen == nth:
                return number, line.index(token) + 1
    raise AssertionError(f"{line_has!r} not in text")


def value_at(text: str, key: str) -> tuple[int, int]:
    """(line, column) of the value of the first `key:` in the text."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith(f"{key}:"):
            start = line.index(f"{key}:") + len(key) + 1
            return number, start + len(line[start:]) - len(line[start:].lstrip()) + 1
    raise AssertionError(f"{key!r} not in text")


def validate_errors(cli, tmp_path, body: str) -> tuple[Path, str, list[str]]:
    path = tmp_path / "livre.yaml"
    text = HEADER + body
    path.write_text(text, encoding="utf-8")
    result = cli("codebook", "validate", path)
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    errors = [line for line in result.err.splitlines() if line.startswith(f"{path}:")]
    assert errors, result.err
    return path, text, errors


def test_bad_yaml_unclosed_quote(cli, tmp_path):
    body = '  - id: a\n    label: "Conditions hôtelières\n  - id: b\n    label: B\n'
    path, text, errors = validate_errors(cli, tmp_path, body)
    # the scanner fails at the end of the file, and says where the quote started
    last_line = len(text.splitlines()) + 1
    line, col = where(text, '"Conditions', '"')
    assert errors == [(f"{path}:{last_line}:1: bad YAML: found unexpected end of stream "
                       f"(while scanning a quoted scalar at line {line}, column {col})")]


def test_bad_yaml_tab(cli, tmp_path):
    body = "  - id: a\n\tlabel: A\n"
    path, text, errors = validate_errors(cli, tmp_path, body)
    line = text.splitlines().index("\tlabel: A") + 1
    assert len(errors) == 1
    assert errors[0].startswith(f"{path}:{line}:1: bad YAML: ")
    assert "'\\t'" in errors[0]


def test_bad_yaml_duplicate_key(cli, tmp_path):
    body = "  - id: a\n    label: A\n    label: B\n"
    path, text, errors = validate_errors(cli, tmp_path, body)
    line, col = where(text, "label: B", "label")
    assert len(errors) == 1
    assert errors[0].startswith(f"{path}:{line}:{col}: bad YAML: found duplicate key")


def test_duplicate_id(cli, tmp_path):
    body = "  - id: a\n    label: A\n  - id: b\n    label: B\n  - id: a\n    label: A bis\n"
    path, text, errors = validate_errors(cli, tmp_path, body)
    line, col = where(text, "- id: a", "a", nth=2)
    first, _ = where(text, "- id: a", "a")
    assert (line, col) == (9, 9)
    assert errors == [f"{path}:{line}:{col}: duplicate id 'a' (first at line {first})"]


def test_unknown_parent(cli, tmp_path):
    body = "  - id: a\n    label: A\n  - id: x/y\n    label: Orpheline\n"
    path, text, errors = validate_errors(cli, tmp_path, body)
    line, col = where(text, "- id: x/y", "x/y")
    assert errors == [f"{path}:{line}:{col}: unknown parent 'x'"]


def test_parent_declared_after_child(cli, tmp_path):
    body = "  - id: b/c\n    label: Enfant\n  - id: b\n    label: Parent\n"
    path, text, errors = validate_errors(cli, tmp_path, body)
    line, col = where(text, "- id: b/c", "b/c")
    assert errors == [f"{path}:{line}:{col}: parent 'b' must come before its child"]


def test_missing_label(cli, tmp_path):
    body = "  - id: a\n    label: A\n  - id: d\n    description: pas de libellé\n"
    path, text, errors = validate_errors(cli, tmp_path, body)
    line, col = where(text, "- id: d", "id")
    assert errors == [f"{path}:{line}:{col}: code 'd' has no label"]


def test_empty_label(cli, tmp_path):
    body = "  - id: a\n    label: '  '\n"
    path, text, errors = validate_errors(cli, tmp_path, body)
    line, col = where(text, "- id: a", "id")
    assert errors == [f"{path}:{line}:{col}: code 'a' has no label"]


@pytest.mark.parametrize("bad", ["Freins", "freins_usagers", "a//b", "-a", "é"])
def test_bad_id(cli, tmp_path, bad):
    body = f"  - id: a\n    label: A\n  - id: {bad}\n    label: Mauvais\n"
    path, text, errors = validate_errors(cli, tmp_path, body)
    line, col = where(text, f"- id: {bad}", bad)
    assert errors == [f"{path}:{line}:{col}: bad id '{bad}': use lower-case slugs (a-z, 0-9, -) joined by '/'"]


def test_unknown_field(cli, tmp_path):
    body = "  - id: a\n    label: A\n    colour: '#ff0000'\n"
    path, text, errors = validate_errors(cli, tmp_path, body)
    line, col = where(text, "colour:", "colour")
    assert errors == [f"{path}:{line}:{col}: unknown field 'colour' in code 'a'"]


@pytest.mark.parametrize("value", ["punaise, cafard", "[punaise, '']", "[punaise, 3]", "{a: b}"])
def test_bad_keywords(cli, tmp_path, value):
    body = f"  - id: a\n    label: A\n    keywords: {value}\n"
    path, text, errors = validate_errors(cli, tmp_path, body)
    line, col = value_at(text, "keywords")
    assert errors == [f"{path}:{line}:{col}: 'keywords' of 'a' must be a list of words or phrases"]


@pytest.mark.parametrize("value", ["red", "'#12345'", "'#1234567'", "'#gg0000'"])
def test_bad_color(cli, tmp_path, value):
    body = f"  - id: a\n    label: A\n    color: {value}\n"
    path, text, errors = validate_errors(cli, tmp_path, body)
    line, col = value_at(text, "color")
    shown = value.strip("'")
    assert errors == [f"{path}:{line}:{col}: color of 'a' must be #rrggbb, not '{shown}'"]


@pytest.mark.parametrize("value", ["oui", "1", "'true'"])
def test_bad_family(cli, tmp_path, value):
    body = f"  - id: a\n    label: A\n    family: {value}\n"
    path, text, errors = validate_errors(cli, tmp_path, body)
    line, col = value_at(text, "family")
    assert errors == [f"{path}:{line}:{col}: 'family' of 'a' must be true or false"]


def test_text_field_must_be_text(cli, tmp_path):
    body = "  - id: a\n    label: A\n    description: [une, liste]\n"
    path, text, errors = validate_errors(cli, tmp_path, body)
    line, col = value_at(text, "description")
    assert errors == [f"{path}:{line}:{col}: 'description' of 'a' must be text"]


def test_not_a_codebook(cli, tmp_path):
    path = tmp_path / "liste.yaml"
    path.write_text("- id: a\n  label: A\n", encoding="utf-8")
    result = cli("codebook", "validate", path)
    assert result.code == 1
    assert result.err.splitlines()[0] == f"{path}:1:1: a codebook is a mapping with a 'codes' list"


def test_several_errors_all_reported(cli, tmp_path):
    body = (
        "  - id: a\n    label: A\n"              # fine
        "  - id: a\n    label: Encore A\n"       # duplicate
        "  - id: x/y\n    label: Orpheline\n"    # unknown parent
        "  - id: b/c\n    label: Trop tôt\n"     # parent after child
        "  - id: b\n    label: B\n"              # fine
        "  - id: d\n"                            # missing label
        "  - id: Bad_Id\n    label: Mauvais\n"   # bad id
        "  - id: e\n    label: E\n    colour: rouge\n"       # unknown field
        "  - id: f\n    label: F\n    keywords: punaise\n"   # bad keywords
        "  - id: g\n    label: G\n    color: '#12345'\n"     # bad colour
        "  - id: h\n    label: H\n    family: peut-être\n"   # bad family
    )
    path, text, errors = validate_errors(cli, tmp_path, body)
    expected = [
        ("- id: a", "a", 2, "duplicate id 'a'"),
        ("- id: x/y", "x/y", 1, "unknown parent 'x'"),
        ("- id: b/c", "b/c", 1, "parent 'b' must come before its child"),
        ("- id: d", "id", 1, "code 'd' has no label"),
        ("- id: Bad_Id", "Bad_Id", 1, "bad id 'Bad_Id'"),
        ("colour:", "colour", 1, "unknown field 'colour' in code 'e'"),
        ("keywords: punaise", "punaise", 1, "'keywords' of 'f'"),
        ("color: '", "'", 1, "color of 'g'"),
        ("family: peut", "peut", 1, "'family' of 'h'"),
    ]
    assert len(errors) == len(expected), errors
    # every error on its own stderr line, in file order, with its exact position
    for error, (line_has, token, nth, message) in zip(errors, expected):
        line, col = where(text, line_has, token, nth)
        assert error.startswith(f"{path}:{line}:{col}: {message}"), (error, line, col)
    # the library raises with the same list
    with pytest.raises(yamlfile.CodebookInvalid) as info:
        yamlfile.read(path)
    assert info.value.errors == errors


# -- cycles ----------------------------------------------------------------------
def test_move_under_own_descendant_is_a_cycle(cli, tmp_path):
    book = tmp_path / "livre.yaml"
    book.write_text(HEADER + "  - id: a\n    label: A\n  - id: a/child\n    label: Enfant\n"
                    "  - id: a/child/leaf\n    label: Feuille\n", encoding="utf-8")
    root = tmp_path / "proj"
    assert cli("init", root).code == 0
    assert cli("codebook", "load", book, "--project", root).code == 0
    before = book.read_text(encoding="utf-8")
    for target in ("a/child", "a/child/leaf", "a"):
        result = cli("codebook", "move", "a", target, "--project", root)
        assert result.code == 1, target
        assert len(result.err.splitlines()) == 1
        assert "cycle" in result.err
    shown = cli("codebook", "show", "--json", "--project", root)
    import json

    assert [c["id"] for c in json.loads(shown.out)] == ["a", "a/child", "a/child/leaf"]
    assert book.read_text(encoding="utf-8") == before
