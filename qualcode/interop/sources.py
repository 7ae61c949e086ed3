"""Text sources of a .qdpx and the codings on them: reading the source's text,
choosing the unit of its positions, and placing each coding only where the
stored text provably holds the selection's text.

For each ``PlainTextSelection``: its offsets (in the archive's unit) become code
points of the archive text (`positions.UnitIndex`), then stored offsets through
the source's `positions.Alignment`. The coding is placed when the stored text at
that span equals the archive text of the selection in `positions.canonical`
form; otherwise it is detached with the reason (out of range, inside a
character, text differs, unknown user). A coding whose code is unknown is
skipped. Every such case is one line in the report.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from qualcode.errors import QualcodeError
from qualcode.interop.codes import children, guid_key, written_key
from qualcode.interop.model import Coding, Detached, Memo, Source
from qualcode.interop.positions import Alignment, UnitIndex, canonical, detect_unit, stored_form, to_codepoints
from qualcode.interop.safexml import MB

MAX_SOURCE_BYTES = 50 * MB  # as for a transcript file (importers.MAX_FILE_BYTES)
_EXTENSION = re.compile(r"\.(txt|docx?|pdf|rtf|odt|md)$", re.IGNORECASE)


def member_text(archive, reference: str, where: str) -> tuple[str | None, str]:
    """(text, "") of an ``internal://`` file, or (None, why it cannot be read)."""
    info = archive.source_member(reference)
    if info is None:
        if reference.lower().startswith("internal://"):
            return None, f"file {reference} missing from the archive"
        return None, f"file {reference} is outside the archive (only internal:// files travel in a .qdpx)"
    data = archive.read(info, MAX_SOURCE_BYTES, where)
    if len(data) > MAX_SOURCE_BYTES:
        return None, f"file {reference} is larger than {MAX_SOURCE_BYTES // MB} MB"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").lstrip("\ufeff"), ""
        except UnicodeDecodeError as exc:
            return None, f"file {reference} is not valid UTF-16 (byte {exc.start})"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"file {reference} is not UTF-8 (byte {exc.start})"
    return (text[1:] if text.startswith("\ufeff") else text), ""


@dataclass
class _Pending:
    source: Source
    raw: str  # the archive's text, BOM removed
    index: UnitIndex
    alignment: Alignment
    selections: list
    whole: list  # <Coding>s directly on the source: the whole text
    where: str


class SourceReader:
    """Reads text sources for a project reader (`reader._Reader`), then places
    their codings once the unit of positions is known."""

    def __init__(self, reader, positions: str | None):
        self.r = reader
        self.forced = positions
        self.pending: list[_Pending] = []
        self.ids: set[str] = set()
        self.source_guids: dict[str, str] = {}
        self.selection_guids: set[str] = set()
        self.coding_guids: set[str] = set()

    # -- sources --------------------------------------------------------------
    def add(self, el, label: str, name: str | None, *, guid: str | None = None) -> None:
        report = self.r.report
        guid = (guid or el.get("guid") or "").strip() or None
        name = name or el.get("name") or guid or "source"
        where = f"{label} {name!r} ({guid or 'no GUID'})"
        if guid and guid_key(guid) in self.source_guids:
            raise QualcodeError(f"{self.r.where}: {where}: duplicate GUID (also source "
                                f"{self.source_guids[guid_key(guid)]!r})")
        if guid:
            self.source_guids[guid_key(guid)] = name
        selections = children(el, "PlainTextSelection")
        whole = children(el, "Coding")
        n = sum(len(children(s, "Coding")) for s in selections) + len(whole)
        raw, why = self._text(el, where)
        lines, alignment = stored_form(raw) if raw is not None else ([], None)
        if not lines:
            lost = f"; its {n} coding(s) not imported" if n else ""
            report.problem("sources", "skipped", f"{where}: {why or 'no text'}{lost}")
            report.count("codings", "read", n)
            report.count("codings", "skipped", n)
            return
        source = Source(id=self._id(el, name, guid), text="\n".join(lines), title=name, guid=guid,
                        source_name=name, format="qdpx")
        description = (el.findtext("{*}Description") or "").strip()
        source.memo = Memo(description) if description else None
        source.attributes.update(self.r.variable_values(el, where))
        self.r.note_ref(el, "source", source)
        self.r.bundle.sources.append(source)
        report.count("sources", "kept")
        self.pending.append(_Pending(source, raw, UnitIndex(raw), alignment, selections, whole, where))

    def _text(self, el, where: str) -> tuple[str | None, str]:
        content = children(el, "PlainTextContent")
        if content:
            return "".join(content[0].itertext()), ""
        path = el.get("plainTextPath")
        if path:
            return member_text(self.r.archive, path, f"{self.r.where}: {where}")
        rich = el.get("richTextPath")
        return None, f"no plain-text representation{f' (only {rich})' if rich else ''}"

    def _id(self, el, name: str, guid: str | None) -> str:
        base = written_key(el, "id") or _EXTENSION.sub("", name)
        base = re.sub(r"\s+", " ", re.sub(r"[/\\]", "-", base)).strip()[:80] or (guid or "source")[:8]
        tid, n = base, 2
        while tid in self.ids:
            tid, n = f"{base[:76]}-{n}", n + 1
        self.ids.add(tid)
        return tid

    # -- codings --------------------------------------------------------------
    def place_all(self) -> None:
        spans = []
        for p in self.pending:
            for sel in p.selections:
                try:
                    spans.append((p.raw, p.index, int(sel.get("startPosition")), int(sel.get("endPosition"))))
                except (TypeError, ValueError):
                    continue
        if self.forced:
            unit, why = self.forced, "chosen with --positions"
        else:
            unit, why = detect_unit(self.r.bundle.origin, spans)
        self.r.report.positions = f"{'UTF-16 code units' if unit == 'utf16' else 'code points'} ({why})"
        for p in self.pending:
            for sel in p.selections:
                self._selection(p, sel, unit)
            for c in p.whole:
                self._coding(p, None, c, None, (0, len(p.source.text)), p.source.text[:200], None, (0, 0))

    def _selection(self, p: _Pending, sel, unit: str) -> None:
        report = self.r.report
        sguid = (sel.get("guid") or "").strip()
        codings = children(sel, "Coding")
        report.count("selections", "read")
        description = (sel.findtext("{*}Description") or "").strip()
        if not codings:
            report.count("selections", "without codes")
            if description or children(sel, "NoteRef"):
                report.problems.append(f"PlainTextSelection {sguid} in {p.where}: no code applied; "
                                       "its comment is not imported")
            return
        if sguid and guid_key(sguid) in self.selection_guids:
            report.problem("codings", "skipped", f"PlainTextSelection {sguid} in {p.where}: duplicate GUID; "
                           f"its {len(codings)} coding(s) skipped", len(codings))
            report.count("codings", "read", len(codings))
            return
        if sguid:
            self.selection_guids.add(guid_key(sguid))
        reason, span, quote, given = self._check(p, sel, unit)
        memo = Memo(description) if description else None
        records = [rec for c in codings if (rec := self._coding(p, sel, c, reason, span, quote, memo, given))]
        self.r.note_ref(sel, "selection", records)

    def _check(self, p: _Pending, sel, unit: str):
        """(reason or None, stored span, quote, (start, end) as given)."""
        name = sel.get("name") or ""
        try:
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        except (TypeError, ValueError):
            return "its startPosition/endPosition are not whole numbers", None, name, (0, 0)
        limit = p.index.units if unit == "utf16" else p.index.length
        if start < 0 or end <= start:
            return f"empty or reversed selection [{start}, {end})", None, name, (start, end)
        if end > limit:
            units = "UTF-16 code units" if unit == "utf16" else "characters"
            return (f"selection [{start}, {end}) goes past the end of its source ({limit} {units})",
                    None, name, (start, end))
        a, b = to_codepoints(p.index, unit, start), to_codepoints(p.index, unit, end)
        if a is None or b is None:
            return ("a selection edge falls inside a character (between the halves of a UTF-16 "
                    "surrogate pair)", None, name, (start, end))
        selected = canonical(p.raw[a:b])
        sa, sb = p.alignment.start(a), p.alignment.end(b)
        if not selected:
            return "the selection holds only white space", None, name, (start, end)
        if sb <= sa or canonical(p.source.text[sa:sb]) != selected:
            return ("the stored text at the converted span differs from the selection's text",
                    None, selected, (start, end))
        return None, (sa, sb), selected, (start, end)

    def _coding(self, p: _Pending, sel, c, reason, span, quote, memo, given):
        r, report = self.r, self.r.report
        cguid = (c.get("guid") or "").strip()
        where = f"Coding {cguid or '(no GUID)'}"
        report.count("codings", "read")
        if cguid and guid_key(cguid) in self.coding_guids:
            report.problem("codings", "skipped", f"{where} in {p.where}: duplicate GUID; skipped")
            return None
        if cguid:
            self.coding_guids.add(guid_key(cguid))
        refs = children(c, "CodeRef")
        target = refs[0].get("targetGUID") if refs else None
        code = r.code(target)
        if code is None:
            report.problem("codings", "skipped", f"{where} in {p.where}: unknown code {target or '(no CodeRef)'}; "
                           "skipped")
            return None
        selection_user = sel.get("creatingUser") if sel is not None else None
        user_guid = c.get("creatingUser") or selection_user
        coder = r.user(user_guid)
        if coder is None:
            if user_guid:
                coder, reason = f"unknown user {user_guid}", reason or f"unknown user {user_guid}"
            else:
                coder = "unknown"
                report.count("codings", "without a user ('unknown')")
        if reason:
            rec = Detached(p.source.id, code, coder, quote, given[0], given[1], reason,
                           memo.text if memo else "")
            r.bundle.detached.append(rec)
            report.problem("codings", "detached", f"{where} ({code}) in {p.where}: {reason}")
        else:
            rec = Coding(p.source.id, code, coder, span[0], span[1], memo=memo,
                         selection_guid=(sel.get("guid") if sel is not None else None) or None,
                         coding_guid=cguid or None, selection_user=r.user(selection_user),
                         created=c.get("creationDateTime"), where=where)
            r.bundle.codings.append(rec)
            report.count("codings", "placed")
        r.note_ref(c, "coding", [rec])
        return rec
