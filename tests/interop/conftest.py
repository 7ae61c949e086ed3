"""Shared by the REFI-QDA exchange tests: the real samples, small hand-built
.qdpx archives, the Project.xsd validator and the demo corpus as a project."""
from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, shared_dir

SHARED = shared_dir()
INTEROP = (SHARED / "interop" / "refi-qda") if SHARED else Path("/nonexistent")
NVIVO_WIN = INTEROP / "nvivo-win-12.6_two-coders_oltas_teszt.qdpx"
NVIVO_MAC = INTEROP / "nvivo-mac-15.0_codebook-depth7_nvivo_project.qdpx"
ATLAS = INTEROP / "atlasti-8.4_refi-standard-project_TestProject.qdpx"
MASTODON = INTEROP / "mastodonmoodboard_example_codebook.qdc"
PROJECT_XSD = INTEROP / "schema" / "Project.xsd"

# GUIDs of the hand-built archives
USER_A = "11111111-1111-4111-8111-111111111111"
USER_B = "22222222-2222-4222-8222-222222222222"
CODE_A = "c0000000-0000-4000-8000-00000000000a"
CODE_B = "c0000000-0000-4000-8000-00000000000b"
SOURCE = "50000000-0000-4000-8000-000000000001"
# the source text: BOM, CRLF, a blank line, trailing spaces, an emoji (2 UTF-16 units)
TEXT = "\ufeffE : Bonjour 😀, vous allez bien ?  \r\n\r\nR : Très bien, merci.\r\nE : Au revoir.\r\n"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"REFI-QDA sample {path.name} not found (shared/interop/refi-qda absent)")
    return path


def units(text: str, fragment: str) -> tuple[int, int]:
    """UTF-16 [start, end) of `fragment` in `text` without its BOM, as NVivo writes them."""
    body = text[1:] if text.startswith("\ufeff") else text
    i = body.index(fragment)
    return len(body[:i].encode("utf-16-le")) // 2, len(body[:i + len(fragment)].encode("utf-16-le")) // 2


def selection(guid: str, span: tuple[int, int], codings: str, user: str = USER_A) -> str:
    return (f'<PlainTextSelection guid="{guid}" startPosition="{span[0]}" endPosition="{span[1]}" '
            f'creatingUser="{user}">{codings}</PlainTextSelection>')


def coding(guid: str, code: str = CODE_A, user: str = USER_A) -> str:
    return f'<Coding guid="{guid}" creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding>'


def qde(selections: str = "", *, users: str | None = None, codes: str | None = None,
        source_attrs: str = f'plainTextPath="internal://{SOURCE}.txt"', extra: str = "",
        more_sources: str = "", origin: str = "NVivo for Windows 12.6") -> str:
    users = users if users is not None else (f'<User guid="{USER_A}" name="ana"/>'
                                             f'<User guid="{USER_B}" name="bob"/>')
    codes = codes if codes is not None else (
        f'<Code guid="{CODE_A}" name="Accueil" isCodable="true">'
        f'<Code guid="{CODE_B}" name="Politesse" isCodable="false"/></Code>')
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="{origin}">'
            f"<Users>{users}</Users><CodeBook><Codes>{codes}</Codes></CodeBook>"
            f'<Sources><TextSource guid="{SOURCE}" name="Entretien 1.txt" {source_attrs}>{selections}'
            f"</TextSource>{more_sources}</Sources>{extra}</Project>")


def make_qdpx(path: Path, project_qde: str, files: dict | None = None, *, text: str | bytes = TEXT) -> Path:
    """A .qdpx holding `project_qde` and sources/<SOURCE>.txt (unless `files` says otherwise)."""
    files = {f"Sources/{SOURCE}.txt": text} if files is None else files
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", project_qde)
        for name, data in files.items():
            archive.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.fixture(scope="session")
def project_xsd():
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(str(need(PROJECT_XSD)))


@pytest.fixture(scope="session")
def validate(project_xsd):
    """validate(qdpx): the archive's project.qde against Project.xsd (raises if invalid)."""

    def run(path: Path) -> None:
        with zipfile.ZipFile(path) as archive:
            project_xsd.validate(archive.read("project.qde").decode("utf-8"))

    return run


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The fictional demo corpus as a project: 33 transcripts with attributes, the
    codebook, both coders' reference codings, and a memo of each kind."""
    from qualcode import Project, coding
    from qualcode.codings_file import import_files

    corpus = ROOT / "transcripts"
    with open(corpus / "manifest.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    root = tmp_path_factory.mktemp("interop") / "demo"
    project = Project.init(root)
    project.import_files([corpus / r["file"] for r in rows], manifest=corpus / "manifest.csv", actor="setup")
    book = root / "assore.yaml"
    shutil.copy(ROOT / "codebooks" / "assore.yaml", book)
    project.load_codebook(book, actor="setup")
    import_files(project, [corpus / "codings"])
    first = project.codings()[0]
    coding.set_memo(project, "coding", str(first["id"]), "À revoir ensemble.", actor="setup")
    coding.set_memo(project, "code", first["code"], "Code discuté en réunion.", actor="setup")
    coding.set_memo(project, "transcript", first["transcript"], "Entretien difficile à\ntranscrire.", actor="setup")
    yield project
    project.close()


def project_state(project) -> dict:
    """What a round trip must keep: transcripts (text, title, attributes, memo),
    codes (with GUIDs and isCodable), codings (span, coder, memo), code memos."""
    store = project.store
    return {
        "transcripts": {t: (store.transcript(t)["text"], store.transcript(t)["title"], store.attributes(t),
                            store.transcript(t)["memo"]) for t in store.transcript_ids()},
        "codes": [(c.id, c.label, c.description, c.include, c.exclude, c.example, c.color, c.codable,
                   c.keywords, c.family) for c in project.codes()],
        "code memos": {r["id"]: r["memo"] for r in store.codes() if r["memo"]},
        "codings": sorted((c["transcript"], c["code"], c["coder"], c["start"], c["end"], c["memo"])
                          for c in project.codings()),
    }
