"""A small fictional project with names, places and contacts: two transcripts
(tests/fixtures/pseudonymise), the Assore codebook, two coders' codings."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT

HERE = FIXTURES / "pseudonymise"


@pytest.fixture
def fx(tmp_path, cli):
    """(project folder, run) — `run(*args)` runs qualcode on it and asserts exit 0."""
    from qualcode import Project

    folder = tmp_path / "fx"
    for name in ("F1.txt", "F2.txt", "manifest.csv"):
        shutil.copy(HERE / name, tmp_path / name)

    def run(*args, ok=True):
        result = cli(*args, "--project", folder)
        if ok:
            assert result.code == 0, result.err
        return result

    assert cli("init", folder).code == 0
    run("import", tmp_path / "F1.txt", tmp_path / "F2.txt", "--manifest", tmp_path / "manifest.csv")
    run("codebook", "load", ROOT / "codebooks" / "assore.yaml")
    with Project.open(folder) as proj:
        for coder, quote, code in (("ana", "Karim passe me voir", "fonctionnement"),
                                   ("ana", "arim passe", "profil"),  # starts inside a name
                                   ("ana", "le 06 12 34 56 78, ou elodie.martin@example.org", "profil"),
                                   ("bob", "Karim passe me voir", "profil"),
                                   ("ana", "Oui, Karim et elodie, on était ensemble à Stalingrad", "profil"),
                                   ("bob", "Madame Aurore aussi m'a aidé", "fonctionnement")):
            tid = "F1" if quote in (HERE / "F1.txt").read_text(encoding="utf-8") else "F2"
            proj.apply_code(tid, code, coder, quote=quote, memo="vu avec Karim" if coder == "bob" else "")
    run("pseudonymise", "scan")
    return folder, run


SECRETS = ("Élodie", "elodie", "Karim", "Sandrine", "Momo", "Mohamed", "Bellevue", "Lilas", "06 12 34 56 78",
           "example.org", "quarante-sept", "Stalingrad")


def file_text(path: Path) -> str:
    """A file's text, and for .docx/.xlsx/.qdpx the text of every XML or text part inside."""
    if path.suffix in (".docx", ".xlsx", ".qdpx"):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                             if n.endswith((".xml", ".rels", ".qde", ".txt")))
    return path.read_text(encoding="utf-8-sig")


def leaks(paths, secrets=SECRETS) -> dict[str, list[str]]:
    """{file: [secrets found in it]} over files (folders searched recursively)."""
    found = {}
    for path in paths:
        for file in sorted(Path(path).rglob("*")) if Path(path).is_dir() else [Path(path)]:
            if file.is_file():
                text = file_text(file)
                hits = [s for s in secrets if s in text]
                if hits:
                    found[str(file)] = hits
    return found
