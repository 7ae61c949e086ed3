"""Writing a `Bundle` as a REFI-QDA project (.qdpx) that validates against Project.xsd.

- Each transcript travels as a UTF-8 plain-text file (no BOM, LF line ends),
  ``sources/<GUID>.txt``, referenced as ``internal://<GUID>.txt``; its text is
  the stored text, cut at every coding edge by `source_pieces`, the one place
  outgoing source text is made (a pseudonymising hook replaces its body; the
  positions follow the pieces' lengths).
- Positions are written as NVivo reads them: UTF-16 code units over that text,
  end exclusive. (For texts without characters outside the BMP, such as emoji,
  that is the same as code points.)
- The codebook: `interop.codes` (slugs, families and keywords kept in
  ``<?qualcode slug family keywords?>``); each
  transcript's id is kept in ``<?qualcode id?>``; memos become ``<Note>``s
  referenced from what they are about; attributes become one ``<Case>`` per
  transcript with its ``<VariableValue>``s; coders become ``<User>``s.
- The archive is deterministic: same bundle, same bytes (fixed member dates,
  sorted content, no export timestamp).
"""
from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from pathlib import Path

from lxml import etree

from qualcode.errors import QualcodeError
from qualcode.interop.codes import PI_TARGET, PROJECT_NS, add_code_elements, guid_key
from qualcode.interop.identity import derived
from qualcode.interop.model import Bundle, Source
from qualcode.interop.positions import UnitIndex
from qualcode.text import content_hash

_NS = f"{{{PROJECT_NS}}}"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_INTEGER = re.compile(r"^-?\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def source_pieces(source: Source, cuts: list[int]) -> list[str]:
    """The shipped text of a source between consecutive `cuts` (stored offsets,
    sorted, from 0 to its length). Every outgoing source text passes here."""
    return [source.text[a:b] for a, b in zip(cuts, cuts[1:])]


def _shipped(source: Source, codings) -> tuple[str, dict[int, int]]:
    """The text shipped for a source and where each coding edge lands in it."""
    cuts = sorted({0, len(source.text)} | {c.start for c in codings} | {c.end for c in codings})
    pieces = source_pieces(source, cuts)
    ends = [0]
    for piece in pieces:
        ends.append(ends[-1] + len(piece))
    return "".join(pieces), dict(zip(cuts, ends))


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _sub(parent, tag: str, **attrs):
    el = etree.SubElement(parent, _NS + tag)
    for key, value in attrs.items():
        if value is not None:
            el.set(key, _xml(str(value)))
    return el


def _text_el(parent, tag: str, text: str):
    el = _sub(parent, tag)
    el.text = _xml(text)
    return el


def _variable_type(values: list[str]) -> tuple[str, str]:
    if values and all(_INTEGER.match(v) for v in values):
        return "Integer", "IntegerValue"
    if values and all(_DATE.match(v) for v in values):
        return "Date", "DateValue"
    if values and all(v in ("true", "false") for v in values):
        return "Boolean", "BooleanValue"
    return "Text", "TextValue"


class _Writer:
    def __init__(self, bundle: Bundle, name: str):
        self.b = bundle
        self.name = name
        self.notes: list = []  # (guid, name, text, author) of every note written
        self.shipped: dict[str, str] = {}  # source guid -> its text in the archive
        self.written: dict[str, str] = {}  # guid key -> text
        self.root = etree.Element(_NS + "Project", nsmap={None: PROJECT_NS})
        self.root.set("name", _xml(bundle.name or "qualcode project"))
        self.root.set("origin", bundle.origin or "qualcode")

    def user(self, name: str | None) -> str | None:
        return self.b.users.get(name) if name else None

    def note(self, holder, memo) -> str | None:
        """Write `memo` as a note (once per GUID and text); reference it from `holder`."""
        if memo is None or not memo.text or not memo.guid:
            return None
        guid = memo.guid
        if self.written.get(guid_key(guid), memo.text) != memo.text:  # one note, edited in one place
            guid = derived("note", f"{guid}:{content_hash(memo.text)}")
        if guid_key(guid) not in self.written:
            self.written[guid_key(guid)] = memo.text
            self.notes.append((guid, memo.name, memo.text, None))
        if holder is not None:
            _sub(holder, "NoteRef", targetGUID=guid)
        return guid

    def build(self) -> bytes:
        b = self.b
        if b.users:
            users = _sub(self.root, "Users")
            for name, guid in sorted(b.users.items()):
                _sub(users, "User", guid=guid, name=name)
        if b.codes:
            book = _sub(self.root, "CodeBook")
            note_of = {code_id: guid for code_id, memo in b.code_memos.items()
                       if (guid := self.note(None, memo))}
            add_code_elements(_sub(book, "Codes"), b.codes, self.name, notes=note_of, extras=True)
        self._cases()
        self._sources()
        self._notes()
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def _cases(self) -> None:
        keys = sorted({k for s in self.b.sources for k in s.attributes})
        if not keys:
            return
        types = {k: _variable_type([s.attributes[k] for s in self.b.sources if k in s.attributes]) for k in keys}
        variables = _sub(self.root, "Variables")
        for key in keys:
            _sub(variables, "Variable", guid=self.b.variables[key], name=key, typeOfVariable=types[key][0])
        cases = _sub(self.root, "Cases")
        for source in self.b.sources:
            if not source.attributes:
                continue
            case = _sub(cases, "Case", guid=source.case_guid, name=source.id)
            for key in sorted(source.attributes):
                value = _sub(case, "VariableValue")
                _sub(value, "VariableRef", targetGUID=self.b.variables[key])
                _text_el(value, types[key][1], source.attributes[key])
            _sub(case, "SourceRef", targetGUID=source.guid)

    def _sources(self) -> None:
        if not self.b.sources:
            return
        by_source = defaultdict(lambda: defaultdict(list))
        for c in self.b.codings:
            by_source[c.source][c.selection_guid].append(c)
        holder = _sub(self.root, "Sources")
        code_guids = {c.id: c.guid for c in self.b.codes}
        for source in self.b.sources:
            el = _sub(holder, "TextSource", guid=source.guid, name=source.title or source.id,
                      plainTextPath=f"internal://{source.guid}.txt")
            el.append(etree.ProcessingInstruction(PI_TARGET, f'id="{_xml(source.id)}"'))
            text, moved = _shipped(source, [c for group in by_source[source.id].values() for c in group])
            self.shipped[source.guid] = text
            index = UnitIndex(text)
            selections = sorted(by_source[source.id].items(),
                                key=lambda kv: (kv[1][0].start, kv[1][0].end, kv[0]))
            for guid, codings in selections:
                first = codings[0]
                sel = _sub(el, "PlainTextSelection", guid=guid, startPosition=index.to_units(moved[first.start]),
                           endPosition=index.to_units(moved[first.end]),
                           creatingUser=self.user(first.selection_user or first.coder),
                           creationDateTime=first.created)
                for c in sorted(codings, key=lambda c: c.coding_guid):
                    coding = _sub(sel, "Coding", guid=c.coding_guid, creatingUser=self.user(c.coder),
                                  creationDateTime=c.created)
                    _sub(coding, "CodeRef", targetGUID=code_guids[c.code])
                    self.note(coding, c.memo)
            self.note(el, source.memo)

    def _notes(self) -> None:
        project_notes = sorted(self.b.notes, key=lambda n: n.guid)
        everything = self.notes + [(n.guid, n.name, n.text, n.author) for n in project_notes]
        if not everything:
            return
        holder = _sub(self.root, "Notes")
        for guid, name, text, author in everything:
            note = _sub(holder, "Note", guid=guid, name=name or None, creatingUser=self.user(author))
            _text_el(note, "PlainTextContent", text)
        for n in project_notes:
            _sub(self.root, "NoteRef", targetGUID=n.guid)


def write_qdpx(bundle: Bundle, path: str | Path) -> None:
    """Write the bundle as a .qdpx, atomically."""
    from qualcode.exports.files import atomic_write

    p = Path(path)
    name = p.name or str(p)
    writer = _Writer(bundle, name)
    try:
        qde = writer.build()
    except ValueError as exc:
        raise QualcodeError(f"{name}: cannot export: {exc}") from None
    members = [("project.qde", qde)]
    members += [(f"sources/{s.guid}.txt", writer.shipped[s.guid].encode("utf-8")) for s in bundle.sources]

    def write(tmp) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for member, data in members:
                info = zipfile.ZipInfo(member, date_time=_FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)

    try:
        atomic_write(p, write)
    except OSError as exc:
        raise QualcodeError(f"{name}: cannot write file ({exc.strerror or exc})") from None
