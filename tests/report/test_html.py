"""The HTML report as files: every page written, self-contained (no network
address anywhere), n per column, stripes' data at the stored offsets, weak codes
flagged, and every outgoing text through the pseudonymisation hook."""
from __future__ import annotations

import json
import re
from html import unescape

from tests.exports.conftest import PUN, small  # noqa: F401  (the small project)


def read(folder, name):
    return (folder / name).read_text(encoding="utf-8")


def test_report_command_writes_a_self_contained_site(cli, small, tmp_path):
    out = tmp_path / "site"
    result = cli("report", "--html", out, "--threshold", "0.7", "-p", small.root)
    assert result.code == 0, result.err
    assert "wrote 8 pages" in result.out
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names == ["agreement.html", "excerpts.html", "index.html", "matrix.html", "report.css", "report.js",
                     "transcripts/G1.html", "transcripts/U1.html", "transcripts/U2.html", "transcripts/X1.html"]
    for name in names:
        text = read(out, name)
        assert not re.search(r"(src|href)=\"(https?:)?//", text) and "http://" not in text and "https://" not in text
    matrix = read(out, "matrix.html")
    assert "Usagers (n = 2)" in matrix and "Total (n = 4)" in matrix and "Pilotage (n = 1)" in matrix
    index = read(out, "index.html")
    assert 'href="transcripts/U1.html"' in index and "Punaises de lit" in index
    agreement = read(out, "agreement.html")
    assert 'class="flag"' in agreement and "κ de Cohen" in agreement and "Accord positif" in agreement
    excerpts = read(out, "excerpts.html")
    assert f'id="{PUN}"' in excerpts and "« Il y a des punaises partout. »" in excerpts
    assert "R, entretien U1, usager, hôtel à bas seuil" in excerpts


def test_transcript_page_carries_text_and_codings_at_stored_offsets(small, tmp_path):
    from qualcode.htmlreport import build

    site = build(small, tmp_path / "s")
    page = read(site.folder, "transcripts/U1.html")
    text = small.transcript("U1")["text"]
    pieces = re.findall(r'<span class="p" data-s="(\d+)" data-e="(\d+)">(.*?)</span>', page, re.S)
    assert pieces and all(unescape(t) == text[int(s):int(e)] for s, e, t in pieces)
    data = json.loads(re.search(r'<script id="codings" type="application/json">(.*?)</script>', page, re.S).group(1))
    stored = {(c["code"], c["coder"], c["start"], c["end"]) for c in small.codings(transcript="U1")}
    assert {(c["code"], c["coder"], c["start"], c["end"]) for c in data["codings"]} == stored
    assert page.count('class="stripes"') == 2  # coders a and b side by side


class Upper:
    """A stand-in pseudonymiser: every outgoing text in capitals."""

    def frame(self, frame, quote="quote"):
        frame = frame.copy()
        for column in ("quote", "speaker", "memo"):
            frame[column] = frame[column].map(lambda v: v.upper() if isinstance(v, str) else v)
        return frame

    def string(self, value):
        return value.upper() if isinstance(value, str) else value

    def pieces(self, transcript_id, cuts):
        text = self.text
        return [text[transcript_id][a:b].upper() for a, b in zip(cuts, cuts[1:])]


def test_every_outgoing_text_goes_through_the_hook(small, tmp_path):
    from qualcode.htmlreport import build

    hook = Upper()
    hook.text = {t: small.transcript(t)["text"] for t in ("U1", "U2", "G1", "X1")}
    site = build(small, tmp_path / "p", hook=hook)
    u1 = read(site.folder, "transcripts/U1.html")
    assert "IL Y A DES PUNAISES PARTOUT." in u1 and "Il y a des punaises" not in u1
    excerpts = read(site.folder, "excerpts.html")
    assert "« IL Y A DES PUNAISES PARTOUT. »" in excerpts and "Il y a des punaises" not in excerpts
    assert "Textes pseudonymisés" in read(site.folder, "index.html")


def test_report_refuses_unknown_coders_and_pseudonymising_without_names(cli, small, tmp_path):
    result = cli("report", "--html", tmp_path / "x", "--coder", "zed", "-p", small.root)
    assert result.code == 1 and "no codings by zed" in result.err and not (tmp_path / "x").exists()
    result = cli("report", "--html", tmp_path / "y", "--pseudonymise", "-p", small.root)
    assert result.code == 1 and "nothing to pseudonymise" in result.err
