"""Offset exactness: every stored segment slices back to its text.

First on every committed fixture, then on randomly generated transcripts (a
fixed seed, so failures reproduce; hypothesis is not a dependency) mixing
accents in NFC and NFD form, combining marks, CRLF/CR line ends, BOMs, UTF-16,
no-break spaces, tabs and non-BMP emoji, in .txt, .md, .vtt and .docx."""
from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from qualcode.text import normalize

N_RANDOM = 108  # generated transcripts per run


def check_offsets(project, tid: str) -> list[dict]:
    """Assert the stored invariants of one transcript; return its segments."""
    text = project.transcript(tid)["text"]
    assert "\r" not in text, tid
    assert unicodedata.is_normalized("NFC", text), tid
    assert "\ufeff" not in text, tid
    segs = project.segments(tid)
    assert segs, tid
    assert [s["idx"] for s in segs] == list(range(1, len(segs) + 1))
    previous_end = 0
    for seg in segs:
        start, end = seg["start"], seg["end"]
        assert 0 <= start < end <= len(text), (tid, seg)
        assert text[start:end] == seg["text"], (tid, seg)
        assert start >= previous_end, f"{tid}: segment {seg['idx']} overlaps the one before"
        assert seg["text"] == seg["text"].strip(), (tid, seg)
        assert unicodedata.is_normalized("NFC", seg["text"])
        if seg["speaker"] is not None:
            assert unicodedata.is_normalized("NFC", seg["speaker"])
        previous_end = end
    return segs


def test_every_fixture_slices_exactly(project, fixtures):
    files = sorted(p for p in fixtures.iterdir() if p.suffix != ".csv")
    results = project.import_files(files, manifest=fixtures / "manifest.csv")
    assert len(results) == len(files) == 9
    assert [r.status for r in results] == ["imported"] * 9
    total = 0
    for tid in project.store.transcript_ids():
        total += len(check_offsets(project, tid))
    assert total == project.store._scalar("SELECT count(*) FROM segments") == 53


# -- random transcripts --------------------------------------------------------
SPEAKERS = ["E", "Léa", "Zoe\u0301", "Jean-Noël", "R1", "Maëlle", "Karim", "Ad\u00e8le"]
WORD_PIECES = [
    "punaises", "hôtel", "tickets-service", "chambre", "gérant", "équipe", "œufs", "ça",
    "e\u0301te\u0301",            # "été" in NFD
    "Ce\u0301dric",               # NFD capital word
    "garc\u0327on", "a\u0300 co\u0302te\u0301",
    "q\u0323\u0307",              # combining marks with no precomposed form
    "Å", "A\u030a",               # Å precomposed and decomposed
    "😀", "🛏️", "🪳", "👩‍⚕️", "𝔄𝔰𝔰𝔬𝔯𝔢",  # non-BMP, variation selector, ZWJ
    "l’accueil", "«\u00a0oui\u00a0»", "(rires)", "…", "12\u202f€", "voilà", "c'est",
]
JOINERS = [" ", " ", " ", "  ", "\t", "\u00a0", ", ", ". ", " ; ", " ! ", " ? ", " - "]


def _paragraph(rng: random.Random) -> str:
    words = [rng.choice(WORD_PIECES) for _ in range(rng.randint(1, 25))]
    out = "Bon"  # starts and ends with a letter: no label, nothing stripped
    for word in words:
        out += rng.choice(JOINERS) + word
    return out + " fin"


def _turns(rng: random.Random) -> list[tuple[str, list[str]]]:
    """Alternating turns; every speaker speaks at least twice (a 'Nom :' label
    seen once is, by design, not taken as a speaker)."""
    cast = rng.sample(SPEAKERS, rng.randint(2, 4))
    while True:
        order, last = [], None
        for _ in range(rng.randint(4, 10)):
            last = rng.choice([s for s in cast if s != last])
            order.append(last)
        if all(order.count(s) >= 2 for s in set(order)):
            break
    return [(speaker, [_paragraph(rng) for _ in range(rng.choice([1, 1, 1, 2, 3]))]) for speaker in order]


def _write_txt(path: Path, turns, rng) -> None:
    lines = []
    for speaker, paragraphs in turns:
        lines.append(f"{speaker}{rng.choice([' :', ':', chr(0xa0) + ':'])} {paragraphs[0]}"
                     + rng.choice(["", "  ", "\t"]))
        lines.extend(p + rng.choice(["", " "]) for p in paragraphs[1:])
        if rng.random() < 0.3:
            lines.append("")
    text = ""
    for line in lines:
        text += line + rng.choice(["\r\n", "\r\n", "\n", "\r"])
    encoding = rng.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16"])
    path.write_bytes(text.encode(encoding))


def _write_md(path: Path, turns, rng) -> None:
    out = "---\ntitle: Entretien généré\n---\n"
    for speaker, paragraphs in turns:
        out += f"**{speaker} :** {paragraphs[0]}\r\n" + "".join(p + "\r\n" for p in paragraphs[1:]) + "\r\n"
    path.write_bytes(out.encode("utf-8"))


def _write_vtt(path: Path, turns, rng) -> None:
    out, second = "WEBVTT\n\n", 0
    for speaker, paragraphs in turns:
        for paragraph in paragraphs:  # a cue per paragraph; cues of one turn merge
            second += 2
            lines = paragraph.split(" ; ")  # a cue's text over several lines
            out += f"00:00:{second:02d}.000 --> 00:00:{second + 1:02d}.500\n<v {speaker}>" + "\n".join(lines) + "\n\n"
    path.write_bytes(out.encode("utf-8"))


def _write_docx(path: Path, turns, rng) -> None:
    import docx

    document = docx.Document()
    for speaker, paragraphs in turns:
        p = document.add_paragraph()
        p.add_run(f"{speaker} :").bold = True
        p.add_run(" " + paragraphs[0])
        for paragraph in paragraphs[1:]:
            document.add_paragraph(paragraph)
    document.save(str(path))


def _expected(kind: str, turns) -> list[tuple[str, str]]:
    nfc = lambda s: unicodedata.normalize("NFC", s)  # noqa: E731
    if kind == "vtt":
        return [(nfc(sp), nfc(" ".join(" ".join(line.strip() for line in p.split(" ; ")) for p in ps)))
                for sp, ps in turns]
    return [(nfc(sp), nfc("\n".join(ps))) for sp, ps in turns]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    rng = random.Random(20220912)
    folder = tmp_path_factory.mktemp("generated")
    writers = {"txt": _write_txt, "md": _write_md, "vtt": _write_vtt, "docx": _write_docx}
    kinds = ["txt"] * 60 + ["md"] * 20 + ["vtt"] * 20 + ["docx"] * 8
    assert len(kinds) == N_RANDOM
    cases = {}
    for i, kind in enumerate(kinds):
        turns = _turns(rng)
        path = folder / f"G{i:02d}.{kind}"
        writers[kind](path, turns, rng)
        cases[path.stem] = (kind, _expected(kind, turns))
    return folder, cases


def test_random_transcripts_slice_exactly(project, generated):
    folder, cases = generated
    results = project.import_files([folder])
    assert sorted(r.transcript_id for r in results) == sorted(cases)
    for tid, (kind, expected) in cases.items():
        segs = check_offsets(project, tid)
        assert [(s["speaker"], s["text"]) for s in segs] == expected, f"{tid}.{kind}"


def test_nfd_and_crlf_input_is_stored_nfc(project, tmp_path):
    path = tmp_path / "nfd.txt"
    body = ("E : Vous e\u0302tes a\u0300 l\u2019ho\u0302tel ?\r\n"
            "Zoe\u0301 : Oui \U0001F600, de\u0301ja\u0300 !\r\n"
            "E : Et ensuite ?   \r\n"
            "Zoe\u0301 : Ensuite\u00a0? On verra.\r\n")
    path.write_bytes(body.encode("utf-8"))
    project.import_files([path])
    text = project.transcript("nfd")["text"]
    assert text == "E : Vous êtes à l’hôtel ?\nZoé : Oui 😀, déjà !\nE : Et ensuite ?\nZoé : Ensuite\u00a0? On verra."
    assert text == normalize(body).strip()
    segs = check_offsets(project, "nfd")
    assert [(s["speaker"], s["start"], s["end"]) for s in segs] == [
        ("E", 4, 25), ("Zoé", 32, 45), ("E", 50, 62), ("Zoé", 69, 88)]
    # offsets are code points: the emoji counts as one
    assert text[32:45] == "Oui 😀, déjà !"


def test_single_use_labels_stay_text(project, tmp_path):
    """Labels seen once are not speakers, and 'Nom : texte' lines without any
    known metadata key are text, not metadata (nothing is lost)."""
    path = tmp_path / "court.txt"
    path.write_text("Zoé : Bonjour, entrez.\nKarim : Merci. Alors voilà : les punaises sont revenues.\n",
                    encoding="utf-8")
    project.import_files([path])
    info = project.transcript("court")
    assert info["attributes"] == {}
    assert info["text"] == "Zoé : Bonjour, entrez.\nKarim : Merci. Alors voilà : les punaises sont revenues."
    segs = check_offsets(project, "court")
    assert [(s["speaker"], s["role"], s["text"]) for s in segs] == [
        (None, "other", "Zoé : Bonjour, entrez."),
        (None, "other", "Karim : Merci. Alors voilà : les punaises sont revenues."),
    ]
