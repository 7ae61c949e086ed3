"""GUIDs and isCodable survive the codebook path through the command line:
codebook import (.qdpx/.qdc) -> YAML -> store -> codebook export --format qdc,
and YAML -> store -> .qdpx; 'codable' is validated in the YAML codebook."""
from __future__ import annotations

import json

from lxml import etree

from qualcode.codebook import yamlfile

from .conftest import NVIVO_WIN, need


def test_guids_and_is_codable_survive_import_yaml_store_export(cli, tmp_path):
    root = tmp_path / "p"
    cli("init", root)
    assert cli("codebook", "import", need(NVIVO_WIN), "--project", root).code == 0
    written = yamlfile.read(root / "codebooks" / f"{NVIVO_WIN.stem}.yaml")
    by_label = {c.label: c for c in written.codes}
    assert by_label["Attituderoots"].codable is False
    assert by_label["1. Oltás típusa"].guid == "5067d381-1dc9-4816-81dd-ae1dbfea2ad7"
    assert "codable: false" in (root / "codebooks" / f"{NVIVO_WIN.stem}.yaml").read_text(encoding="utf-8")
    shown = json.loads(cli("codebook", "show", "--json", "--project", root).out)
    assert {r["label"]: r["codable"] for r in shown}["Attituderoots"] is False
    assert all(r["guid"] for r in shown)

    out = tmp_path / "back.qdc"
    assert cli("codebook", "export", "--format", "qdc", "--out", out, "--project", root).code == 0
    exported = {el.get("name"): el for el in etree.parse(str(out)).getroot().iter("{*}Code")}
    original = {el.get("name"): el for el in etree.parse(_qde(NVIVO_WIN)).getroot().iter("{*}Code")}
    assert {n: e.get("guid") for n, e in exported.items()} == {n: e.get("guid") for n, e in original.items()}
    assert exported["Attituderoots"].get("isCodable") == "false"
    assert sum(e.get("isCodable") == "false" for e in exported.values()) == 1

    # reloading the YAML keeps both; a YAML export writes them back
    assert cli("codebook", "load", root / "codebooks" / f"{NVIVO_WIN.stem}.yaml", "--project", root).code == 0
    again = tmp_path / "again.yaml"
    assert cli("codebook", "export", "--format", "yaml", "--out", again, "--project", root).code == 0
    assert [(c.id, c.guid, c.codable) for c in yamlfile.read(again).codes] == [
        (c.id, c.guid, c.codable) for c in written.codes]


def test_codable_is_validated_and_synced(cli, tmp_path):
    book = tmp_path / "b.yaml"
    book.write_text("codes:\n  - id: a\n    label: A\n    codable: nope\n", encoding="utf-8")
    bad = cli("codebook", "validate", book)
    assert bad.code == 1 and f"{book}:4:14: 'codable' of 'a' must be true or false" in bad.err
    root = tmp_path / "p"
    cli("init", root)
    book.write_text("codes:\n  - id: a\n    label: A\n    codable: false\n", encoding="utf-8")
    assert cli("codebook", "load", book, "--project", root).code == 0
    book.write_text("codes:\n  - id: a\n    label: A\n", encoding="utf-8")
    result = cli("codebook", "load", book, "--project", root)
    assert "1 updated" in " ".join(result.out.split())
    log = cli("log", "--json", "--project", root)
    assert '"codable": false' in log.out and '"codable": true' in log.out


def _qde(path):
    import io
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return io.BytesIO(archive.read("project.qde"))
