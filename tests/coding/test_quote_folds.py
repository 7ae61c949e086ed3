"""Quotes after characters whose case folding is longer ("İ") and quotes in NFD
(as macOS pastes them), through every path that searches quotes: `code --quote`,
codings files (import, export with occurrences) and `import --replace`."""
from __future__ import annotations

import json
import unicodedata

from qualcode import Project

TURK = ("Enquêtrice : Bonjour ?\nİbrahim : İİİİ Les punaises étaient partout.\n"
        "Enquêtrice : Et maintenant ?\nİbrahim : İİİİİİİİ Maintenant ça va mieux, merci. "
        "Maintenant ça va mieux, vraiment.\n")
BOOK = "name: T\ncodes:\n  - id: profil\n    label: Profil\n"


def setup(tmp_path, cli):
    (tmp_path / "turk.txt").write_text(TURK, encoding="utf-8")
    (tmp_path / "book.yaml").write_text(BOOK, encoding="utf-8")
    root = tmp_path / "p"
    assert cli("init", root).code == 0
    assert cli("import", tmp_path / "turk.txt", "-p", root).code == 0
    assert cli("codebook", "load", tmp_path / "book.yaml", "-p", root).code == 0
    return root


def test_code_quote_after_dotted_capital_i(tmp_path, cli):
    root = setup(tmp_path, cli)
    out = cli("code", "turk", "profil", "--coder", "a", "--quote", "Les punaises étaient partout", "--json",
              "-p", root)
    assert out.code == 0, out.err
    assert json.loads(out.out)["quote"] == "Les punaises étaient partout"


def test_code_quote_in_nfd(tmp_path, cli):
    root = setup(tmp_path, cli)
    quote = unicodedata.normalize("NFD", "Enquêtrice : Et maintenant")
    out = cli("code", "turk", "profil", "--coder", "a", "--quote", quote, "--json", "-p", root)
    assert out.code == 0, out.err
    assert json.loads(out.out)["quote"] == "Enquêtrice : Et maintenant"


def test_codings_file_round_trip_after_folds(tmp_path, cli):
    root = setup(tmp_path, cli)
    nfd = unicodedata.normalize("NFD", "Maintenant ça va mieux")
    (tmp_path / "c.yaml").write_text(
        f"coder: a\ntranscript: turk\ncodings:\n  - code: profil\n    quote: \"{nfd}\"\n    occurrence: 2\n"
        f"    memo: \"{unicodedata.normalize('NFD', 'noté')}\"\n", encoding="utf-8")
    out = cli("codings", "import", tmp_path / "c.yaml", "-p", root)
    assert out.code == 0, out.err
    with Project.open(root) as project:
        (coding,) = project.codings()
        text = project.transcript("turk")["text"]
        assert text[coding["start"]:coding["end"]] == "Maintenant ça va mieux"
        assert coding["start"] == text.rindex("Maintenant ça va mieux")
        assert coding["memo"] == "noté"  # stored in NFC like the transcripts
    assert cli("codings", "export", "--out", tmp_path / "x", "-p", root).code == 0
    exported = (tmp_path / "x" / "a" / "turk.yaml").read_text(encoding="utf-8")
    assert "occurrence: 2" in exported and "quote: Maintenant ça va mieux" in exported


def test_replace_reanchors_after_folds(tmp_path, cli):
    root = setup(tmp_path, cli)
    assert cli("code", "turk", "profil", "--coder", "a", "--quote", "va mieux, vraiment", "-p", root).code == 0
    (tmp_path / "turk.txt").write_text(TURK.replace("Bonjour ?", "Bonjour, İİ ?"), encoding="utf-8")
    out = cli("import", tmp_path / "turk.txt", "--replace", "-p", root)
    assert out.code == 0, out.err
    with Project.open(root) as project:
        (coding,) = project.codings()
        text = project.transcript("turk")["text"]
        assert text[coding["start"]:coding["end"]] == "va mieux, vraiment"


def test_no_closest_passage_scan_on_a_huge_text():
    import time

    from qualcode.coding import CLOSEST_LIMIT, closest_passage

    text = "mot " * (CLOSEST_LIMIT // 4 + 10)
    started = time.process_time()
    assert closest_passage(text, "les punaises étaient partout") is None
    assert time.process_time() - started < 1  # scanning it would take minutes
    assert closest_passage("Les punaises étaient partout.", "les punaise etaient partout") is not None
