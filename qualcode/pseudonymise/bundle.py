"""A REFI-QDA bundle (`qualcode.interop.model.Bundle`) pseudonymised before it is
written: each source's text rebuilt through the hook, coding positions moved
to the new text, and every free text (titles, attributes, memos, notes, code
definitions and keywords, detached quotes) through `Pseudonymiser.string`."""
from __future__ import annotations


def pseudonymise_bundle(bundle, hook) -> None:
    """In place. A coding that starts or ends inside a name takes the whole pseudonym."""
    by_source: dict[str, list] = {}
    for coding in bundle.codings:
        by_source.setdefault(coding.source, []).append(coding)
    for source in bundle.sources:
        codings = by_source.get(source.id, [])
        text, place = hook.remap(source.id, [c.start for c in codings], [c.end for c in codings])
        for coding in codings:
            coding.start, coding.end = place(coding.start, False), place(coding.end, True)
        source.text, source.title = text, hook.string(source.title)
        source.attributes = {k: hook.string(v) for k, v in source.attributes.items()}
        source.segments = None  # re-cut from the text by whoever reads it
        _memo(source.memo, hook)
    for coding in bundle.codings:
        _memo(coding.memo, hook)
    for memo in bundle.code_memos.values():
        _memo(memo, hook)
    for note in bundle.notes:
        note.text, note.name = hook.string(note.text), hook.string(note.name)
    for code in bundle.codes:
        for field in ("label", "description", "include", "exclude", "example"):
            setattr(code, field, hook.string(getattr(code, field)))
        code.keywords = [hook.string(k) for k in code.keywords]  # "Stalingrad" as a keyword
    for detached in bundle.detached:
        detached.quote, detached.memo = hook.string(detached.quote), hook.string(detached.memo)


def _memo(memo, hook) -> None:
    if memo is not None:
        memo.text, memo.name = hook.string(memo.text), hook.string(memo.name)
