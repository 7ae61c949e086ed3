"""Importing a batch of files into a project: path expansion, manifest and
command-line attributes, duplicate ids, unchanged files, and `--replace`, which
re-anchors existing codings by their quoted text. All files are read first, then
written in one transaction: a bad file leaves the database as it was."""
from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.importers import FORMATS, ImportedDoc, read_document
from qualcode.importers.metadata import CANONICAL, read_manifest
from qualcode.importers.turns import assign_roles
from qualcode.text import content_hash, find_quote


@dataclass
class FileResult:
    path: Path
    transcript_id: str
    status: str  # imported | unchanged | replaced
    segments: int = 0
    reanchored: int = 0
    detached: list[dict] = field(default_factory=list)
    attributes: dict = field(default_factory=dict)  # unchanged text: attributes that differ
    attributes_applied: bool = False
    pseudonyms_unplaced: list[dict] = field(default_factory=list)  # pseudonymisation decisions not re-anchored


def expand_paths(paths, recursive: bool = False) -> list[Path]:
    """Files, folders (their known file types) and glob patterns, in a stable order."""
    out: list[Path] = []
    for item in paths:
        item = str(item)
        if any(ch in item for ch in "*?["):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                raise QualcodeError(f"{item}: no file matches this pattern")
            out.extend(Path(m) for m in matches if Path(m).is_file())
            continue
        path = Path(item)
        if path.is_dir():
            pattern = "**/*" if recursive else "*"
            out.extend(sorted(p for p in path.glob(pattern)
                              if p.is_file() and p.suffix.lower() in FORMATS
                              and not p.name.startswith((".", "~$"))))
        elif path.exists():
            out.append(path)
        else:
            raise QualcodeError(f"{path}: no such file or folder")
    seen, unique = set(), []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def read_batch(paths, *, manifest=None, attrs=None, interviewers=(), progress=None) -> list[ImportedDoc]:
    """Read and check every file; nothing is written."""
    rows = read_manifest(Path(manifest)) if manifest else {}
    files = list(paths) or [Path(k) for k in rows]
    if not files:
        raise QualcodeError("nothing to import: give files, folders or --manifest")
    docs: list[ImportedDoc] = []
    ids: dict[str, Path] = {}
    for i, path in enumerate(files, start=1):
        if progress:
            progress(i, len(files), path)
        row = rows.get(str(Path(path).resolve()), {}).get("attrs", {})
        names = tuple(interviewers) + tuple(
            n.strip() for src in (row.get("interviewer", ""),) for n in src.replace(";", ",").split(",")
        )
        doc = read_document(path, interviewers=names)
        doc.metadata.update(row)
        doc.metadata.update(attrs or {})
        doc.metadata.setdefault("id", Path(path).stem)
        tid = doc.metadata["id"].strip()
        if not tid or len(tid) > 80 or "/" in tid:
            raise QualcodeError(f"{path}: bad transcript id '{tid}'")
        doc.metadata["id"] = tid
        if tid in ids:
            raise QualcodeError(f"{path}: duplicate transcript id '{tid}' (also {ids[tid]})")
        ids[tid] = path
        who = names + tuple(n.strip() for n in doc.metadata.get("interviewer", "").replace(";", ",").split(","))
        assign_roles(doc.segments, who)
        docs.append(doc)
    return docs


def write_batch(store, docs: list[ImportedDoc], *, replace: bool, actor: str) -> list[FileResult]:
    results = []
    with store.transaction():
        for doc in docs:
            tid = doc.metadata["id"]
            digest = content_hash(doc.text)
            existing = store.transcript(tid)
            if existing is None:
                _insert(store, doc, digest, actor)
                results.append(FileResult(doc.path, tid, "imported", len(doc.segments)))
            elif existing["content_hash"] == digest:
                before = store.attributes(tid)
                changed = {k: v for k, v in _attributes(doc).items() if before.get(k) != v}
                if changed and replace:
                    for key, value in changed.items():
                        store.set_attribute(tid, key, value)
                    store.record(actor, "attribute.set", f"transcript:{tid}",
                                 {k: before.get(k) for k in changed}, changed)
                results.append(FileResult(doc.path, tid, "unchanged", len(doc.segments),
                                          attributes=changed, attributes_applied=bool(changed and replace)))
            elif not replace:
                raise QualcodeError(
                    f"{doc.path}: transcript '{tid}' is already imported with different text; "
                    "use --replace to update it (codings are re-anchored by their quotes)"
                )
            else:
                results.append(_replace(store, doc, digest, existing, actor))
    return results


def _attributes(doc: ImportedDoc) -> dict[str, str]:
    return {k: v for k, v in doc.metadata.items() if k not in ("id", "title") and v != ""}


def _insert(store, doc: ImportedDoc, digest: str, actor: str) -> None:
    tid = doc.metadata["id"]
    store.insert_transcript({
        "id": tid, "title": doc.metadata.get("title", ""), "source_name": doc.path.name,
        "format": doc.format, "encoding": doc.encoding, "content_hash": digest, "text": doc.text,
    })
    for key, value in _attributes(doc).items():
        store.set_attribute(tid, key, value)
    store.replace_segments(tid, doc.segments)
    store.record(actor, "transcript.import", f"transcript:{tid}", None,
                 {"source": doc.path.name, "hash": digest, "segments": len(doc.segments)})


def _replace(store, doc: ImportedDoc, digest: str, existing: dict, actor: str) -> FileResult:
    tid = doc.metadata["id"]
    old_text, new_text = existing["text"], doc.text
    codings = store.codings(transcript=tid)
    store.update_transcript(tid, title=doc.metadata.get("title", existing["title"]),
                            source_name=doc.path.name, format=doc.format, encoding=doc.encoding,
                            content_hash=digest, text=new_text)
    for key, value in _attributes(doc).items():
        store.set_attribute(tid, key, value)
    store.replace_segments(tid, doc.segments)
    store.delete_pending_suggestions(tid)
    result = FileResult(doc.path, tid, "replaced", len(doc.segments))
    placed: set[tuple] = set()  # (code, coder, start, end) of the codings kept, at their new spans
    moves = []
    for coding in codings:
        quote = old_text[coding["start"]:coding["end"]]
        span = reanchor(old_text, new_text, coding["start"], coding["end"])
        key = (coding["code_pk"], coding["coder"], *span) if span else None
        if span is None or key in placed:
            reason = "quote not found in the new text" if span is None else "duplicate after re-anchoring"
            store.insert_detached(coding, quote, reason)
            store.delete_coding(coding["id"])
            store.record(actor, "coding.detach", f"coding:{coding['id']}",
                         _coding_view(coding, quote), {"reason": reason})
            result.detached.append({**coding, "quote": quote, "reason": reason})
            continue
        placed.add(key)
        if span != (coding["start"], coding["end"]) or new_text[span[0]:span[1]] != quote:
            moves.append((coding, span))
    # Move in two steps: a coding may take the span another one is leaving, and
    # (transcript, code, coder, start, end) is unique. The interim spans are
    # distinct per coding id and never outlive this transaction.
    for coding, _ in moves:
        store.update_coding(coding["id"], start=-2 * coding["id"] - 1, end=-2 * coding["id"])
    for coding, span in moves:
        store.update_coding(coding["id"], start=span[0], end=span[1])
        store.record(actor, "coding.reanchor", f"coding:{coding['id']}",
                     {"start": coding["start"], "end": coding["end"]},
                     {"start": span[0], "end": span[1]})
        result.reanchored += 1
    from qualcode.pseudonymise.reanchor import reanchor as reanchor_pseudonyms

    result.pseudonyms_unplaced = reanchor_pseudonyms(store, tid, old_text, new_text, actor)
    store.record(actor, "transcript.replace", f"transcript:{tid}",
                 {"hash": existing["content_hash"]}, {"hash": digest, "source": doc.path.name,
                                                      "detached": len(result.detached)})
    return result


def _coding_view(coding: dict, quote: str) -> dict:
    return {"transcript": coding["transcript"], "code": coding["code"], "coder": coding["coder"],
            "start": coding["start"], "end": coding["end"], "quote": quote}


def reanchor(old_text: str, new_text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where a quoted span of the old text stands in the new text: the same
    occurrence (k-th) when the count of occurrences is unchanged, else the
    occurrence nearest to the old relative position; None if absent."""
    quote = old_text[start:end]
    old_spans = _exact(old_text, quote)
    new_spans = _exact(new_text, quote) or find_quote(new_text, quote)
    if not new_spans:
        return None
    if len(new_spans) == len(old_spans) and (start, end) in old_spans:
        return new_spans[old_spans.index((start, end))]
    expected = start * len(new_text) / max(len(old_text), 1)
    return min(new_spans, key=lambda s: abs(s[0] - expected))


def _exact(text: str, quote: str) -> list[tuple[int, int]]:
    spans, pos = [], text.find(quote)
    while quote and pos != -1:
        spans.append((pos, pos + len(quote)))
        pos = text.find(quote, pos + 1)
    return spans


__all__ = ["CANONICAL", "FileResult", "expand_paths", "read_batch", "write_batch", "reanchor"]
