"""The reviewable codings file: one YAML file per coder and transcript, each
coding anchored by its quote (and occurrence when the quote repeats) rather
than by raw offsets, so people can read, diff and fix them.

    # transcripts/codings/coder-a/U07.yaml
    coder: coder-a
    transcript: U07
    codings:
      - code: freins/usagers/conditions-hotelieres
        quote: "les punaises, j'en avais partout"
        occurrence: 2        # only when the quote appears more than once
        memo: optional note

Quotes match tolerantly (case, typographic apostrophes, white space, NFD/NFC);
memos and coder names are stored in NFC like the transcripts. The YAML is read
through `qualcode.yamlsafe` (no aliases, bounded strings and depth).
Importing is one transaction; any quote or code that cannot be placed is
reported with its file and line, and nothing is written.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from qualcode import yamlsafe
from qualcode.errors import ManyErrors, QualcodeError
from qualcode.text import find_quote, nfc


class CodingsInvalid(ManyErrors):
    """Codings that cannot be placed; `errors` lists them all."""


@dataclass
class ImportResult:
    files: int = 0
    added: int = 0
    present: int = 0
    by_coder: dict = field(default_factory=dict)


def expand(paths) -> list[Path]:
    files: list[Path] = []
    for item in paths:
        p = Path(item)
        if p.is_dir():
            files.extend(sorted(x for x in p.rglob("*.yaml") if not x.name.startswith(".")))
        elif p.is_file():
            files.append(p)
        else:
            raise QualcodeError(f"{p}: no such file or folder")
    return files


def _parse(path: Path):
    from ruamel.yaml.error import YAMLError

    try:
        data = yamlsafe.make().load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        line, problem = yamlsafe.problem(exc)
        raise CodingsInvalid([f"{path}:{line}: bad YAML: {problem}"]) from None
    except UnicodeDecodeError as exc:
        raise CodingsInvalid([f"{path}: not UTF-8 (byte {exc.start})"]) from None
    except OSError as exc:
        raise CodingsInvalid([f"{path}: cannot read ({exc.strerror})"]) from None
    if not isinstance(data, dict) or not data.get("coder") or not data.get("transcript"):
        raise CodingsInvalid([f"{path}:1: a codings file needs 'coder', 'transcript' and 'codings'"])
    for key in ("coder", "transcript"):
        value = data[key]
        if not isinstance(value, (str, int)) or isinstance(value, bool) or len(str(value)) > yamlsafe.MAX_NAME:
            line = data.lc.value(key)[0] + 1 if hasattr(data, "lc") else 1
            raise CodingsInvalid([f"{path}:{line}: '{key}' must be a name of at most "
                                  f"{yamlsafe.MAX_NAME} characters"])
    entries = data.get("codings") or []
    if not isinstance(entries, list):
        raise CodingsInvalid([f"{path}:1: 'codings' must be a list"])
    return data, entries


def _occurrence(value) -> int | None:
    """A whole number ≥ 1 (None when absent); anything else raises ValueError."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(value)
    return value


def plan(project, paths) -> tuple[list[dict], list[str], int]:
    """Resolve every coding of the files to a span; return (codings, errors, files)."""
    codings, errors = [], []
    files = expand(paths)
    known_codes = {c["id"] for c in project.store.codes()}
    texts: dict[str, str] = {}
    for path in files:
        try:
            data, entries = _parse(path)
        except CodingsInvalid as exc:  # report every bad file, not only the first
            errors.extend(exc.errors)
            continue
        tid = str(data["transcript"])
        if tid not in texts:
            row = project.store.transcript(tid)
            if row is None:
                errors.append(f"{path}:1: unknown transcript '{tid}'")
                continue
            texts[tid] = row["text"]
        for i, entry in enumerate(entries):
            line = entries.lc.item(i)[0] + 1 if hasattr(entries, "lc") else 0
            where = f"{path}:{line}"
            if not isinstance(entry, dict) or not entry.get("code") or not entry.get("quote"):
                errors.append(f"{where}: each coding needs 'code' and 'quote'")
                continue
            if not all(isinstance(entry.get(k), (str, int, float, type(None))) for k in ("code", "quote", "memo")):
                errors.append(f"{where}: 'code', 'quote' and 'memo' must be text")
                continue
            code = str(entry["code"])
            if code not in known_codes:
                errors.append(f"{where}: unknown code '{code[:80]}'")
                continue
            try:
                occurrence = _occurrence(entry.get("occurrence"))
            except ValueError:
                errors.append(f"{where}: 'occurrence' must be a whole number ≥ 1, not {entry['occurrence']!r:.40}")
                continue
            quote = str(entry["quote"])
            spans = find_quote(texts[tid], quote)
            if not spans:
                errors.append(f"{where}: quote not found in {tid}: «{quote[:70]}»")
                continue
            if occurrence is None and len(spans) > 1:
                errors.append(f"{where}: quote occurs {len(spans)} times in {tid}; add 'occurrence: K'")
                continue
            k = occurrence or 1
            if not 1 <= k <= len(spans):
                errors.append(f"{where}: quote occurs {len(spans)} time(s) in {tid}, not {k}")
                continue
            start, end = spans[k - 1]
            codings.append({"transcript": tid, "code": code, "coder": nfc(str(data["coder"])),
                            "start": start, "end": end, "memo": nfc(str(entry.get("memo") or "")),
                            "where": where})
    return codings, errors, len(files)


def import_files(project, paths, *, actor: str | None = None) -> ImportResult:
    from qualcode import coding as coding_ops

    codings, errors, nfiles = plan(project, paths)
    if errors:
        raise CodingsInvalid(errors)
    result = ImportResult(files=nfiles)
    store = project.store
    texts: dict[str, str] = {}  # read once per transcript, not once per coding
    with store.transaction():
        for c in codings:
            if c["transcript"] not in texts:
                texts[c["transcript"]] = store.transcript(c["transcript"])["text"]
            text = texts[c["transcript"]]
            existing = coding_ops.find(project, c["transcript"], c["code"], c["coder"], c["start"], c["end"],
                                       text=text)
            if existing:
                result.present += 1
                continue
            coding_ops.add(project, c["transcript"], c["code"], c["coder"], c["start"], c["end"],
                           memo=c["memo"], origin="import", provenance={"file": c["where"]}, text=text)
            result.added += 1
            result.by_coder[c["coder"]] = result.by_coder.get(c["coder"], 0) + 1
    return result


def export(project, out_dir: Path, *, coders=None, transcripts=None, pseudonymiser=None) -> list[Path]:
    """Write one file per coder and transcript; returns the files written. With a
    `pseudonymiser` (qualcode.pseudonymise.apply), quotes and memos are pseudonymised."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from qualcode.exports.files import atomic_write_many

    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    groups: dict[tuple[str, str], list[dict]] = {}
    for c in project.store.codings(coders=coders, transcripts=transcripts):
        groups.setdefault((c["coder"], c["transcript"]), []).append(c)
    written = []  # (target, write function): all files or none
    texts: dict[str, str] = {}
    for (coder, tid), rows in sorted(groups.items()):
        text = texts.setdefault(tid, project.store.transcript(tid)["text"])
        doc = CommentedMap(coder=coder, transcript=tid)
        seq = CommentedSeq()
        for c in rows:
            quote = text[c["start"]:c["end"]]
            entry = CommentedMap(code=c["code"], quote=quote)
            spans = find_quote(text, quote)
            if len(spans) > 1 and (c["start"], c["end"]) in spans:
                entry["occurrence"] = spans.index((c["start"], c["end"])) + 1
            if c["memo"]:
                entry["memo"] = c["memo"]
            if pseudonymiser is not None:
                entry["quote"] = pseudonymiser.span(tid, c["start"], c["end"])
                if c["memo"]:
                    entry["memo"] = pseudonymiser.string(c["memo"])
            seq.append(entry)
        doc["codings"] = seq
        target = Path(out_dir) / coder / f"{tid}.yaml"

        def write(tmp, doc=doc):
            text = io.StringIO()  # dumped in memory: ruamel prints to stdout when a write fails
            yaml.dump(doc, text)
            Path(tmp).write_text(text.getvalue(), encoding="utf-8")

        written.append((target, write))
    return atomic_write_many(written) if written else []
