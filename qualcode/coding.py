"""Coding: applying codes to spans of transcripts, by hand or from files.

Owns the selectors (segment, quote with occurrence, raw span), adding, changing
and removing codings with their audit entries, and memos on codings, codes and
transcripts. Every change is its own short transaction, so concurrent coders
(separate processes) never lose each other's work.
"""
from __future__ import annotations

from qualcode.errors import QualcodeError
from qualcode.text import find_quote, nfc


def require_code(store, code_id: str) -> dict:
    """The code's row, or a clear error (`qualcode.codebook.operations`, imported
    on first use: the coding screen starts without the codebook's YAML machinery)."""
    from qualcode.codebook.operations import require_code as require

    return require(store, code_id)


def resolve_span(project, transcript_id: str, *, segment: int | None = None, quote: str | None = None,
                 occurrence: int | None = None, span: str | tuple[int, int] | None = None) -> tuple[int, int]:
    """[start, end) from exactly one selector (a quote may be searched inside a segment)."""
    info = project.transcript(transcript_id)
    text = info["text"]
    given = [s for s in (segment is not None and quote is None, quote is not None, span is not None) if s]
    if len(given) != 1:
        raise QualcodeError("choose one selector: --segment N, --quote TEXT (optionally inside --segment) or --span START:END")
    if occurrence is not None and quote is None:
        raise QualcodeError("--occurrence K goes with --quote TEXT")
    if span is not None:
        start, end = _parse_span(span)
        if not 0 <= start < end <= len(text):
            raise QualcodeError(f"span {start}:{end} is outside transcript '{transcript_id}' "
                                f"(0:{len(text)}) or empty")
        return start, end
    base, limit = 0, len(text)
    if segment is not None:
        segments = project.store.segments(transcript_id)
        if not 1 <= segment <= len(segments):
            raise QualcodeError(f"transcript '{transcript_id}' has segments 1 to {len(segments)}, not {segment}")
        seg = segments[segment - 1]
        if quote is None:
            return seg["start"], seg["end"]
        base, limit = seg["start"], seg["end"]
    matches = [(s + base, e + base) for s, e in find_quote(text[base:limit], quote)]
    where = f"transcript '{transcript_id}'" + (f" segment {segment}" if segment else "")
    if not matches:
        near = closest_passage(text[base:limit], quote)
        hint = f" (closest: «{near}»)" if near else ""
        raise QualcodeError(f"quote not found in {where}: «{quote[:80]}»{hint}")
    if occurrence is None:
        if len(matches) > 1:
            raise QualcodeError(f"quote occurs {len(matches)} times in {where}; choose one with --occurrence K")
        return matches[0]
    if not 1 <= occurrence <= len(matches):
        raise QualcodeError(f"quote occurs {len(matches)} time(s) in {where}, not {occurrence}")
    return matches[occurrence - 1]


CLOSEST_LIMIT = 1_000_000  # characters: longer texts get no "closest passage" hint


def closest_passage(text: str, quote: str, floor: float = 0.6) -> str | None:
    """The passage of `text` that reads most like `quote` (case and accents folded),
    as many words long, or None when nothing comes close: "les punaises" -> "des
    punaises". Candidates start at word starts; a cheap bound discards most."""
    import re
    import unicodedata
    from difflib import SequenceMatcher

    def fold(s: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", s.casefold()) if not unicodedata.combining(c))

    if len(text) > CLOSEST_LIMIT:  # the scan compares every word window: seconds per 100,000 characters
        return None
    words = list(re.finditer(r"\S+", text))
    size = len(quote.split())
    if not words or not size or len(quote) > 400:
        return None
    target = " ".join(fold(quote).split())
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(target)
    best, best_span = floor, None
    for i in range(len(words)):
        for n in {size - 1, size, size + 1} - {0}:
            if i + n > len(words):
                continue
            start, end = words[i].start(), words[i + n - 1].end()
            matcher.set_seq1(" ".join(fold(text[start:end]).split()))
            if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best and matcher.ratio() > best:
                best, best_span = matcher.ratio(), (start, end)
    if best_span is None:
        return None
    found = " ".join(text[best_span[0]:best_span[1]].split())
    return found if len(found) <= 100 else found[:99] + "…"


def _parse_span(span) -> tuple[int, int]:
    if isinstance(span, tuple):
        return span
    try:
        start, end = (int(x) for x in str(span).split(":"))
    except ValueError:
        raise QualcodeError(f"bad span '{span}': expected START:END (character offsets)") from None
    return start, end


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without white space at its edges: what a keyboard selection means
    (explicit --span offsets are kept as given)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise QualcodeError("the selected span holds only white space")
    return start, end


def snap_span(text: str, start: int, end: int) -> tuple[int, int]:
    """What a selection on screen means: without edge white space, and grown to
    whole words where it cuts one ("ducatri" -> "éducatrice")."""
    start, end = trim_span(text, start, end)
    while 0 < start and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return start, end


def covering(project, transcript_id: str, code_id: str, coder: str, start: int, end: int) -> dict | None:
    """A coding of `code_id` by `coder` that already holds [start, end), if any."""
    for c in project.store.codings(transcript=transcript_id, coder=coder):
        if c["code"] == code_id and c["start"] <= start and c["end"] >= end:
            return c
    return None


def coding_view(project, coding: dict, text: str | None = None) -> dict:
    """A coding as users see it: with its quote and times."""
    if text is None:
        text = project.store.transcript(coding["transcript"])["text"]
    return {"id": coding["id"], "transcript": coding["transcript"], "code": coding["code"],
            "coder": coding["coder"], "start": coding["start"], "end": coding["end"],
            "quote": text[coding["start"]:coding["end"]], "memo": coding["memo"],
            "origin": coding["origin"], "provenance": coding["provenance"],
            "time": coding["updated_at"], "created": coding["created_at"]}


def _action(name: str, undo: bool) -> str:
    """Audit action names; an undo is recorded as such (coding.remove.undo)."""
    return f"{name}.undo" if undo else name


def add(project, transcript_id: str, code_id: str, coder: str, start: int, end: int, *,
        memo: str = "", origin: str = "manual", provenance: dict | None = None, undo: bool = False,
        text: str | None = None) -> dict:
    """Apply a code; returns the coding (an identical existing one is returned as is).
    `undo`: this add undoes a removal (recorded as coding.add.undo). `text`: the
    transcript's text when the caller holds it (a batch need not read it per coding)."""
    store = project.store
    if not coder or not coder.strip():
        raise QualcodeError("a coding needs a coder name (--coder)")
    coder, memo = nfc(coder), nfc(memo)
    with store.transaction():
        if text is None:
            text = project.transcript(transcript_id)["text"]
        if not 0 <= start < end <= len(text):
            raise QualcodeError(f"span {start}:{end} is outside transcript '{transcript_id}' (0:{len(text)})")
        code = require_code(store, code_id)
        new_id = store.insert_coding(transcript_id, code["pk"], coder, start, end, memo=memo,
                                     origin=origin, provenance=provenance)
        if new_id is None:
            return coding_view(project, store.find_coding(transcript_id, code["pk"], coder, start, end), text)
        coding = coding_view(project, store.coding(new_id), text)
        store.record(coder, _action("coding.add", undo), f"coding:{new_id}", None, _audit_view(coding))
        return coding


def _audit_view(coding: dict) -> dict:
    return {k: coding[k] for k in ("transcript", "code", "coder", "start", "end", "quote", "memo")
            if k in coding}


def get(project, coding_id: int) -> dict:
    coding = project.store.coding(coding_id)
    if coding is None:
        raise QualcodeError(f"no coding #{coding_id}")
    return coding_view(project, coding)


def remove(project, coding_id: int, *, actor: str | None = None, undo: bool = False) -> dict:
    store = project.store
    with store.transaction():
        coding = get(project, coding_id)
        store.delete_coding(coding_id)
        store.record(actor or coding["coder"], _action("coding.remove", undo), f"coding:{coding_id}",
                     _audit_view(coding), None)
    return coding


def find(project, transcript_id: str, code_id: str, coder: str, start: int, end: int, *,
         text: str | None = None) -> dict | None:
    code = require_code(project.store, code_id)
    row = project.store.find_coding(transcript_id, code["pk"], coder, start, end)
    return coding_view(project, row, text) if row else None


def update(project, coding_id: int, *, code: str | None = None, start: int | None = None,
           end: int | None = None, memo: str | None = None, actor: str | None = None,
           undo: bool = False) -> dict:
    """Change a coding's code, span or memo."""
    store = project.store
    with store.transaction():
        before = get(project, coding_id)
        fields: dict = {}
        if code is not None and code != before["code"]:
            fields["code_pk"] = require_code(store, code)["pk"]
        new_start = before["start"] if start is None else start
        new_end = before["end"] if end is None else end
        if (new_start, new_end) != (before["start"], before["end"]):
            length = len(store.transcript(before["transcript"])["text"])
            if not 0 <= new_start < new_end <= length:
                raise QualcodeError(f"span {new_start}:{new_end} is outside transcript "
                                    f"'{before['transcript']}' (0:{length})")
            fields.update(start=new_start, end=new_end)
        if memo is not None and memo != before["memo"]:
            fields["memo"] = memo
        if not fields:
            return before
        try:
            store.update_coding(coding_id, **fields)
        except Exception as exc:
            if "UNIQUE" in str(exc):
                raise QualcodeError(f"coding #{coding_id}: the same coding already exists") from None
            raise
        after = get(project, coding_id)
        action = "coding.memo" if list(fields) == ["memo"] else "coding.update"
        store.record(actor or before["coder"], _action(action, undo), f"coding:{coding_id}",
                     _audit_view(before), _audit_view(after))
    return after


def set_memo(project, kind: str, target: str, text: str, *, actor: str) -> None:
    """Memo on a coding (id), a code (id path) or a transcript (id)."""
    store = project.store
    if kind == "coding":
        try:
            update(project, int(target), memo=text, actor=actor)
        except ValueError:
            raise QualcodeError(f"coding id must be a number, not '{target}'") from None
        return
    with store.transaction():
        if kind == "code":
            row = require_code(store, target)
            store.set_code_memo(row["pk"], text)
            before = row["memo"]
        elif kind == "transcript":
            before = project.transcript(target)["memo"]
            store.update_transcript(target, memo=text)
        else:
            raise QualcodeError(f"memos go on a coding, a code or a transcript, not '{kind}'")
        store.record(actor, f"{kind}.memo", f"{kind}:{target}", {"memo": before}, {"memo": text})


def get_memo(project, kind: str, target: str) -> str:
    if kind == "coding":
        return get(project, int(target))["memo"]
    if kind == "code":
        return require_code(project.store, target)["memo"]
    if kind == "transcript":
        return project.transcript(target)["memo"]
    raise QualcodeError(f"memos go on a coding, a code or a transcript, not '{kind}'")
