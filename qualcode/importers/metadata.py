"""Interview metadata: the canonical keys, their French and English synonyms,
and the places metadata comes from (front matter, key/value tables, 'Clé : valeur'
lines, a manifest CSV, the command line)."""
from __future__ import annotations

import csv
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

from qualcode.errors import QualcodeError

MAX_VALUE = 2000  # characters in one attribute value or title
CANONICAL = ("id", "title", "actor_type", "structure", "people", "date", "mode", "interviewer")

_SYNONYMS = {
    "id": ["id", "identifiant", "code", "code entretien", "n entretien", "numero", "reference", "ref"],
    "title": ["title", "titre", "intitule"],
    "actor_type": ["actor type", "actor_type", "type d acteur", "type acteur", "type_acteur",
                   "categorie", "categorie d acteur", "type de personne", "acteur"],
    "structure": ["structure", "organisation", "organization", "institution", "service", "employeur"],
    "people": ["people", "personnes", "nombre de personnes", "nb personnes", "nb de personnes",
               "participants", "nombre de participants", "nb participants", "respondents"],
    "date": ["date", "date de l entretien", "date entretien", "interview date"],
    "mode": ["mode", "modalite", "modalites", "mode d entretien", "format"],
    "interviewer": ["interviewer", "intervieweur", "intervieweuse", "enqueteur", "enquetrice",
                    "enqueteur rice", "enqueteur enquetrice", "conduit par", "evaluateur", "evaluatrice"],
}
_LOOKUP = {syn: key for key, syns in _SYNONYMS.items() for syn in syns}


def fold_key(key: str) -> str:
    text = unicodedata.normalize("NFKD", str(key))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def canonical_key(key: str) -> str | None:
    return _LOOKUP.get(fold_key(key))


def attribute_key(key: str) -> str:
    """Canonical key, or a snake_case form of a free attribute's name."""
    return canonical_key(key) or fold_key(key).replace(" ", "_")


def normalize_value(key: str, value, where: str) -> str:
    """Check and normalise values of typed keys: people is a positive integer,
    dates become ISO (YYYY-MM-DD)."""
    if isinstance(value, (date, datetime)):
        value = value.strftime("%Y-%m-%d")
    text = unicodedata.normalize("NFC", str(value).strip())
    if len(text) > MAX_VALUE:
        raise QualcodeError(f"{where}: the value of '{key}' has {len(text)} characters (limit {MAX_VALUE})")
    if key == "people" and text:
        if not text.isdigit() or int(text) < 1:
            raise QualcodeError(f"{where}: 'people' must be a whole number ≥ 1, not '{text}'")
    if key == "date" and text:
        text = _iso_date(text, where)
    return text


def _iso_date(text: str, where: str) -> str:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).strftime("%Y-%m-%d")
        except ValueError:
            pass
    raise QualcodeError(f"{where}: date '{text}' is not YYYY-MM-DD or DD/MM/YYYY")


def normalize_metadata(data: dict, path: Path) -> dict[str, str]:
    out = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        if isinstance(value, dict):
            continue
        name = attribute_key(key)
        out[name] = normalize_value(name, value, str(path))
    return out


def table_metadata(rows: list[list[str]], where: str = "metadata table") -> dict[str, str]:
    """A two-column table whose first column holds at least one known key."""
    if not rows or any(len(r) != 2 for r in rows):
        return {}
    if not any(canonical_key(r[0]) for r in rows):
        return {}
    return {attribute_key(k): normalize_value(attribute_key(k), v, where)
            for k, v in rows if k.strip()}


def parse_attr_options(options: list[str]) -> dict[str, str]:
    """--attr key=value pairs from the command line."""
    out = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key.strip():
            raise QualcodeError(f"--attr '{option}': expected key=value")
        name = attribute_key(key)
        out[name] = normalize_value(name, value, f"--attr {option}")
    return out


def read_manifest(path: Path) -> dict[str, dict]:
    """Rows of a manifest CSV keyed by file name (as written and as basename).
    Each row must name an existing file, relative to the manifest's folder."""
    from qualcode.importers.decode import decode_bytes

    try:
        text, _ = decode_bytes(path.read_bytes(), path)
    except OSError as exc:
        raise QualcodeError(f"{path}: cannot read manifest ({exc.strerror})") from None
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    fields = [attribute_key(f) if f else "" for f in (reader.fieldnames or [])]
    file_col = next((f for f in reader.fieldnames or [] if fold_key(f) in ("file", "fichier", "filename", "path")), None)
    if file_col is None:
        raise QualcodeError(f"{path}:1: manifest needs a 'file' column (found: {', '.join(fields)})")
    rows: dict[str, dict] = {}
    for line_no, row in enumerate(reader, start=2):
        name = (row.get(file_col) or "").strip()
        if not name:
            raise QualcodeError(f"{path}:{line_no}: empty 'file' cell")
        target = (path.parent / name).resolve()
        if not target.is_file():
            raise QualcodeError(f"{path}:{line_no}: file '{name}' not found")
        attrs = {}
        for key, value in row.items():
            if key is None or key == file_col or value is None or not str(value).strip():
                continue
            attr = attribute_key(key)
            attrs[attr] = normalize_value(attr, value, f"{path}:{line_no}")
        rows[str(target)] = {"line": line_no, "attrs": attrs}
    return rows
