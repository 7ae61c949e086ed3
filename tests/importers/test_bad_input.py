"""Bad input through the CLI: each case gets a non-zero exit, ONE line on stderr
naming the file (or saying it is not a project), no traceback, and leaves the
database exactly as it was (every table dumped before and after)."""
from __future__ import annotations

import io
import random
import shutil
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
GOOD_TXT = "E : Bonjour, vous êtes à l’hôtel depuis quand ?\nR : Depuis le printemps.\nE : Merci.\nR : De rien.\n"


@pytest.fixture
def populated(project, import_ok, fixtures):
    """A project holding two transcripts already, so a partial write would show."""
    import_ok(fixtures / "U22-horodatage.txt", fixtures / "P21-prefixes.docx")
    return project


def assert_refused(result, *needles):
    assert result.code != 0, result.out
    assert "Traceback" not in result.err and "Traceback" not in result.out
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("qualcode: error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def refused_cleanly(cli, project, dump, *args, needles=(), cwd=None):
    """Run `qualcode import ARGS --project P` and check it changed nothing."""
    before = dump(project.store.path)
    started = time.perf_counter()
    result = cli("import", *args, "--project", project.root, cwd=cwd)
    elapsed = time.perf_counter() - started
    line = assert_refused(result, *needles)
    assert dump(project.store.path) == before
    return line, elapsed


# -- builders of bad files -----------------------------------------------------
def _docx_with_document_xml(tmp_path: Path, fixtures: Path, name: str, xml: bytes) -> Path:
    path = tmp_path / name
    src = zipfile.ZipFile(fixtures / "U21-gras.docx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, xml if info.filename == "word/document.xml" else src.read(info))
    return path


def _zip_bomb(tmp_path: Path, fixtures: Path, megabytes: int = 300) -> Path:
    """A valid docx whose word/document.xml inflates to `megabytes` of zeros,
    streamed in 1 MB chunks so building it stays fast and light."""
    path = tmp_path / "bombe.docx"
    src = zipfile.ZipFile(fixtures / "U21-gras.docx")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info.filename, src.read(info))
        with z.open("word/document.xml", "w") as member:
            chunk = bytes(1 << 20)
            for _ in range(megabytes):
                member.write(chunk)
    return path


def _lying_zip_bomb(tmp_path: Path, fixtures: Path, megabytes: int = 100) -> Path:
    """A docx whose word/document.xml declares 4,096 bytes but inflates to
    `megabytes`: size checks alone do not catch it."""
    buffer = io.BytesIO()
    src = zipfile.ZipFile(fixtures / "U21-gras.docx")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info.filename, src.read(info))
        with z.open("word/document.xml", "w") as member:
            chunk = b"<w:t>" + b"a" * ((1 << 20) - 5)
            for _ in range(megabytes):
                member.write(chunk)
    data = bytearray(buffer.getvalue())
    name = b"word/document.xml"
    # uncompressed size: offset 22 in the local header, 24 in the central directory
    for signature, name_len_at, header_len, size_at in ((b"PK\x03\x04", 26, 30, 22), (b"PK\x01\x02", 28, 46, 24)):
        pos = data.find(signature)
        while pos != -1:
            name_len = struct.unpack_from("<H", data, pos + name_len_at)[0]
            if bytes(data[pos + header_len:pos + header_len + name_len]) == name:
                struct.pack_into("<I", data, pos + size_at, 4096)
            pos = data.find(signature, pos + 4)
    path = tmp_path / "menteur.docx"
    path.write_bytes(bytes(data))
    assert zipfile.ZipFile(path).getinfo("word/document.xml").file_size == 4096
    return path


def _billion_laughs_xml(root_open: str, root_close: str, body: str) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)]
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f"<!DOCTYPE {root_open.split()[0][1:]} [\n" + "\n".join(entities) + "\n]>\n"
            + root_open + body + root_close).encode("utf-8")


# -- one test per bad input ----------------------------------------------------
def test_empty_file(cli, populated, dump, tmp_path):
    path = tmp_path / "vide.txt"
    path.write_bytes(b"")
    refused_cleanly(cli, populated, dump, path, needles=(str(path), "empty file"))


def test_blank_text_file(cli, populated, dump, tmp_path):
    path = tmp_path / "blanc.md"
    path.write_text("\n   \n\t\n", encoding="utf-8")
    refused_cleanly(cli, populated, dump, path, needles=(str(path), "no text"))


def test_binary_file_named_txt(cli, populated, dump, tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    refused_cleanly(cli, populated, dump, path, needles=(str(path), "binary"))


def test_truncated_docx(cli, populated, dump, tmp_path, fixtures):
    data = (fixtures / "P21-prefixes.docx").read_bytes()
    path = tmp_path / "coupé.docx"
    path.write_bytes(data[: len(data) // 2])
    refused_cleanly(cli, populated, dump, path, needles=(str(path), "not a valid docx"))


def test_corrupted_docx(cli, populated, dump, tmp_path):
    path = tmp_path / "abîmé.docx"
    path.write_bytes(random.Random(7).randbytes(20_000))
    refused_cleanly(cli, populated, dump, path, needles=(str(path), "not a valid docx"))


def test_zip_that_is_not_a_docx(cli, populated, dump, tmp_path, fixtures):
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("notes.txt", "pas un document Word")
    refused_cleanly(cli, populated, dump, path, needles=(str(path), "not a valid docx"))


def test_docx_with_broken_xml(cli, populated, dump, tmp_path, fixtures):
    path = _docx_with_document_xml(tmp_path, fixtures, "xml-cassé.docx",
                                   f'<w:document xmlns:w="{W_NS}"><w:body><w:p>'.encode())
    refused_cleanly(cli, populated, dump, path, needles=(str(path), "not a valid docx"))


def test_docx_zip_bomb_is_refused_quickly(cli, populated, dump, tmp_path, fixtures):
    path = _zip_bomb(tmp_path, fixtures)
    assert path.stat().st_size < 2_000_000  # 300 MB of zeros inside
    line, elapsed = refused_cleanly(cli, populated, dump, path, needles=(str(path), "zip bomb"))
    assert elapsed < 2.0


def test_docx_lying_about_its_size_is_refused_without_inflating(cli, populated, dump, tmp_path, fixtures):
    path = _lying_zip_bomb(tmp_path, fixtures)
    tracemalloc.start()
    try:
        line, elapsed = refused_cleanly(cli, populated, dump, path,
                                        needles=(str(path), "not a valid docx", "word/document.xml"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 30_000_000  # nowhere near the 100 MB the member holds


def test_docx_billion_laughs(cli, populated, dump, tmp_path, fixtures):
    body = ("<w:body><w:p><w:r><w:t>E : Bonjour &lol9; fin</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>R : Oui &lol9;.</w:t></w:r></w:p>"
            "<w:p><w:r><w:t>E : Merci.</w:t></w:r></w:p><w:p><w:r><w:t>R : De rien.</w:t></w:r></w:p></w:body>")
    xml = _billion_laughs_xml(f'<w:document xmlns:w="{W_NS}">', "</w:document>", body)
    path = _docx_with_document_xml(tmp_path, fixtures, "rires.docx", xml)
    before = dump(populated.store.path)
    started = time.perf_counter()
    result = cli("import", path, "--project", populated.root)
    assert time.perf_counter() - started < 3.0
    assert "Traceback" not in result.err + result.out
    if result.code != 0:  # refused (libxml2 stops the amplification) ...
        assert_refused(result, str(path))
        assert dump(populated.store.path) == before
    else:  # ... or imported without expanding the entities
        text = populated.transcript("rires")["text"]
        assert "lollol" not in text and len(text) < 1000


def test_odt_billion_laughs(cli, populated, dump, tmp_path, fixtures):
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    body = ("<office:body><office:text><text:p>E : Bonjour &lol9;</text:p><text:p>R : Oui.</text:p>"
            "<text:p>E : Merci.</text:p><text:p>R : De rien.</text:p></office:text></office:body>")
    xml = _billion_laughs_xml(f"<office:document-content {ns}>", "</office:document-content>", body)
    path = tmp_path / "rires.odt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", xml, compress_type=zipfile.ZIP_DEFLATED)
    before = dump(populated.store.path)
    started = time.perf_counter()
    result = cli("import", path, "--project", populated.root)
    assert time.perf_counter() - started < 3.0
    assert "Traceback" not in result.err + result.out
    if result.code != 0:
        assert_refused(result, str(path))
        assert dump(populated.store.path) == before
    else:
        text = populated.transcript("rires")["text"]
        assert "lollol" not in text and len(text) < 1000


def test_cp1252_text_is_decoded(cli, populated, tmp_path):
    path = tmp_path / "windows.txt"
    path.write_bytes("E : Vous êtes à l’hôtel ?\r\nR : Oui, « provisoirement »… 12 € par semaine.\r\n"
                     "E : Et la chambre ?\r\nR : Ça va, sauf les punaises.\r\n".encode("cp1252"))
    result = cli("import", path, "--project", populated.root)
    assert result.code == 0, result.err
    info = populated.transcript("windows")
    assert info["encoding"] == "cp1252"
    assert [s["text"] for s in populated.segments("windows")] == [
        "Vous êtes à l’hôtel ?", "Oui, « provisoirement »… 12 € par semaine.",
        "Et la chambre ?", "Ça va, sauf les punaises."]


def test_undecodable_text_is_refused(cli, populated, dump, tmp_path):
    path = tmp_path / "illisible.txt"
    # not UTF-8, and as cp1252/latin-1 it is mostly control characters
    path.write_bytes(b"E : " + bytes(range(0x80, 0xA0)) * 40 + b"\nR : ok\n")
    refused_cleanly(cli, populated, dump, path, needles=(str(path), "not UTF-8"))


@pytest.mark.parametrize("name", ["entretien.rtf", "entretien.pdf", "entretien.doc", "sans-extension"])
def test_unknown_extension(cli, populated, dump, tmp_path, name):
    path = tmp_path / name
    path.write_text(GOOD_TXT, encoding="utf-8")
    refused_cleanly(cli, populated, dump, path, needles=(str(path), "unknown file type"))


def test_missing_file(cli, populated, dump, tmp_path):
    path = tmp_path / "absent.docx"
    refused_cleanly(cli, populated, dump, path, needles=(str(path), "no such file"))


def test_manifest_naming_a_missing_file(cli, populated, dump, tmp_path):
    (tmp_path / "A01.txt").write_text(GOOD_TXT, encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("id,file,actor_type\nA01,A01.txt,usagers\nA02,A02.docx,usagers\n", encoding="utf-8")
    line, _ = refused_cleanly(cli, populated, dump, "--manifest", manifest,
                              needles=(f"{manifest}:3", "A02.docx", "not found"))


def test_manifest_without_file_column(cli, populated, dump, tmp_path):
    manifest = tmp_path / "attributs.csv"
    manifest.write_text("id;type d'acteur\nA01;usagers\n", encoding="utf-8")
    refused_cleanly(cli, populated, dump, "--manifest", manifest, needles=(f"{manifest}:1", "file"))


def test_manifest_with_a_bad_value(cli, populated, dump, tmp_path):
    (tmp_path / "A01.txt").write_text(GOOD_TXT, encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("id,file,people\nA01,A01.txt,deux\n", encoding="utf-8")
    refused_cleanly(cli, populated, dump, "--manifest", manifest,
                    needles=(f"{manifest}:2", "people", "deux"))


def test_duplicate_ids_in_one_batch(cli, populated, dump, tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.md"
    for path in (first, second):
        path.write_text("---\nid: X01\n---\n" + GOOD_TXT, encoding="utf-8")
    refused_cleanly(cli, populated, dump, first, second,
                    needles=(str(second), "duplicate transcript id 'X01'", str(first)))


def test_changed_file_without_replace(cli, populated, dump, tmp_path, fixtures):
    path = tmp_path / "U22-horodatage.txt"
    shutil.copy(fixtures / "U22-horodatage.txt", path)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("[00:04:30] [Mamadou] Au revoir.\n")
    refused_cleanly(cli, populated, dump, path, needles=(str(path), "U22", "--replace"))


def test_malformed_vtt_timing(cli, populated, dump, tmp_path):
    path = tmp_path / "visio.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Samir>Bonjour.\n\n"
                    "00:00:04.000 --> 00:0x:05\n<v Léa>Bonjour.\n", encoding="utf-8")
    refused_cleanly(cli, populated, dump, path, needles=(f"{path}:6", "timing"))


def test_vtt_without_header(cli, populated, dump, tmp_path):
    path = tmp_path / "visio.vtt"
    path.write_text("00:00:01.000 --> 00:00:03.000\n<v Samir>Bonjour.\n", encoding="utf-8")
    refused_cleanly(cli, populated, dump, path, needles=(f"{path}:1", "WEBVTT"))


def test_bad_yaml_front_matter(cli, populated, dump, tmp_path):
    path = tmp_path / "entete.md"
    path.write_text("---\nid: Y01\ntitle: Entretien\ndate: [2022-09-12\npeople: 1\n---\n" + GOOD_TXT,
                    encoding="utf-8")
    line, _ = refused_cleanly(cli, populated, dump, path, needles=(str(path), "front matter"))
    # the error points into the front matter (lines 2-5), with its line number
    assert any(f"{path}:{n}:" in line for n in (4, 5)), line


def test_unclosed_front_matter(cli, populated, dump, tmp_path):
    path = tmp_path / "entete.txt"
    path.write_text("---\nid: Y01\n" + GOOD_TXT, encoding="utf-8")
    refused_cleanly(cli, populated, dump, path, needles=(f"{path}:1", "never closed"))


@pytest.mark.parametrize("header, needle", [
    ("date: 31/02/2022", "31/02/2022"),
    ("people: zéro", "people"),
])
def test_bad_metadata_value(cli, populated, dump, tmp_path, header, needle):
    path = tmp_path / "meta.txt"
    path.write_text(f"---\nid: Y02\n{header}\n---\n" + GOOD_TXT, encoding="utf-8")
    refused_cleanly(cli, populated, dump, path, needles=(str(path), needle))


def test_bad_attr_option(cli, populated, dump, tmp_path):
    path = tmp_path / "ok.txt"
    path.write_text(GOOD_TXT, encoding="utf-8")
    refused_cleanly(cli, populated, dump, path, "--attr", "people=beaucoup", needles=("people", "beaucoup"))
    refused_cleanly(cli, populated, dump, path, "--attr", "sans-egal", needles=("--attr", "key=value"))


def test_last_file_of_a_batch_bad_writes_nothing(cli, populated, dump, tmp_path, fixtures):
    good1, good2, bad = tmp_path / "ok1.txt", tmp_path / "ok2.txt", tmp_path / "zz-bad.docx"
    good1.write_text(GOOD_TXT, encoding="utf-8")
    good2.write_text(GOOD_TXT.replace("printemps", "mois de mai"), encoding="utf-8")
    bad.write_bytes(b"PK\x03\x04 pas vraiment un zip")
    shutil.copy(fixtures / "D21-notes.md", tmp_path / "D21-notes.md")
    line, _ = refused_cleanly(cli, populated, dump, good1, good2, tmp_path / "D21-notes.md", bad,
                              needles=(str(bad),))
    assert populated.store.transcript_ids() == ["P21", "U22"]
    # a whole folder with one bad file: the same
    refused_cleanly(cli, populated, dump, tmp_path, needles=(str(bad),))
    assert populated.store.transcript_ids() == ["P21", "U22"]


def test_batch_whose_write_fails_rolls_back(cli, populated, dump, tmp_path, fixtures):
    """The write stage is one transaction too: a new file written, then a changed
    one refused, leaves nothing behind."""
    new = tmp_path / "nouveau.txt"
    new.write_text(GOOD_TXT, encoding="utf-8")
    changed = tmp_path / "U22-horodatage.txt"
    changed.write_text((fixtures / "U22-horodatage.txt").read_text(encoding="utf-8") + "Fin.\n",
                       encoding="utf-8")
    refused_cleanly(cli, populated, dump, new, changed, needles=(str(changed), "--replace"))
    assert populated.store.transcript("nouveau") is None


def test_outside_a_project(cli, tmp_path):
    empty = tmp_path / "ailleurs"
    empty.mkdir()
    source = tmp_path / "ok.txt"
    source.write_text(GOOD_TXT, encoding="utf-8")
    result = cli("import", source, cwd=empty)
    assert_refused(result, "not a qualcode project")
    assert list(empty.iterdir()) == []  # no database created on the way
    for command in (["transcripts"], ["show", "X"], ["attributes"]):
        assert_refused(cli(*command, cwd=empty), "not a qualcode project")


def test_project_option_naming_a_non_project(cli, tmp_path):
    source = tmp_path / "ok.txt"
    source.write_text(GOOD_TXT, encoding="utf-8")
    assert_refused(cli("import", source, "--project", tmp_path), "not a qualcode project", str(tmp_path))
    assert not (tmp_path / "qualcode.db").exists()


@pytest.mark.parametrize("name", ["U21-gras.docx", "D22-gras.odt"])
def test_bad_value_in_a_metadata_table_names_the_file(cli, populated, dump, tmp_path, fixtures, name):
    path = tmp_path / name
    data = zipfile.ZipFile(fixtures / name)
    member = "word/document.xml" if name.endswith(".docx") else "content.xml"
    old = "14/09/2022" if name.endswith(".docx") else "05.10.2022"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in data.infolist():
            content = data.read(info)
            if info.filename == member:
                assert old.encode() in content
                content = content.replace(old.encode(), b"31/02/2022")
            z.writestr(info, content)
    refused_cleanly(cli, populated, dump, path, needles=(str(path), "metadata table", "31/02/2022"))
