"""Reading a whole REFI-QDA project (.qdpx) into a `Bundle`.

What is read: users (as coders), the codebook (`interop.codes`), text sources
(``TextSource`` with ``plainTextPath`` or ``PlainTextContent``, and the
plain-text ``Representation`` of a PDF) with their ``PlainTextSelection``s and
``Coding``s (`interop.sources` places them), notes (attached where they are
referenced: project, source, selection, coding, code), cases and variables (as
transcript attributes). Pictures, audio, video, PDF regions, links, graphs and
sets are counted and listed, never silently dropped.

Fatal problems (the archive is not safe or not a project, duplicate GUIDs among
users, codes or sources) raise `QualcodeError`; local ones are counted in the
bundle's `ReadReport` with one line each, and the element is skipped or its
codings detached.
"""
from __future__ import annotations

import os

from qualcode.errors import QualcodeError
from qualcode.interop.codes import CodeWalker, children, guid_key, local
from qualcode.interop.model import Bundle, Memo, Note
from qualcode.interop.safexml import parse_xml
from qualcode.interop.sources import SourceReader, member_text

_MEDIA = {"PictureSource": ("pictures", "picture regions", "PictureSelection"),
          "AudioSource": ("audio", "audio selections", "AudioSelection"),
          "VideoSource": ("video", "video selections", "VideoSelection")}
_VALUE_TAGS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")


def read_qdpx(path: str | os.PathLike, *, positions: str | None = None) -> Bundle:
    """Read a .qdpx; `positions` forces the unit of its offsets ('utf16' or 'codepoints')."""
    from qualcode.codebook.refi import open_archive

    with open_archive(path) as archive:
        data, where = archive.qde()
        root = parse_xml(data, where)
        if local(root) != "Project":
            hint = " (a .qdc codebook goes in with 'qualcode codebook import')" if local(root) == "CodeBook" else ""
            raise QualcodeError(f"{where}: not a REFI-QDA project (root element is <{local(root)}>){hint}")
        return _Reader(archive, root, where, positions).read()


class _Reader:
    def __init__(self, archive, root, where: str, positions: str | None):
        self.archive = archive
        self.root = root
        self.where = where
        self.bundle = Bundle(name=root.get("name") or "", origin=root.get("origin") or None)
        self.report = self.bundle.report
        self.user_names: dict[str, str] = {}  # guid key -> coder name
        self.code_ids: dict[str, str] = {}  # guid key -> code id
        self.notes: dict[str, Note] = {}  # guid key -> note
        self.note_refs: list[tuple[str, str, object]] = []  # (note guid, target kind, target)
        self.sources = SourceReader(self, positions)

    def section(self, name: str) -> list:
        """Children of the project's ``<NAME>`` element (e.g. the Users of ``<Users>``)."""
        return [c for holder in children(self.root, name) for c in holder if isinstance(c.tag, str)]

    def read(self) -> Bundle:
        self._users()
        self._codebook()
        self._variables_and_notes()
        for el in self.section("Sources"):
            self._source(el)
        self.sources.place_all()
        self._cases()
        self._attach_notes()
        self._listed_only()
        if self.root.findtext("{*}Description"):
            self.report.problem("project", "skipped", "the project's <Description> is not imported")
        return self.bundle

    # -- users and codebook ---------------------------------------------------
    def _users(self) -> None:
        taken: dict[str, str] = {}
        for el in self.section("Users"):
            guid = (el.get("guid") or "").strip()
            self.report.count("users", "read")
            if not guid:
                self.report.problem("users", "skipped", f"User {el.get('name')!r}: no GUID; skipped")
                continue
            if guid_key(guid) in self.user_names:
                raise QualcodeError(f"{self.where}: User {guid}: duplicate GUID "
                                    f"(also user {self.user_names[guid_key(guid)]!r})")
            name = (el.get("name") or el.get("id") or f"user-{guid_key(guid)[:8]}").strip()
            base, n = name, 2
            while name in taken:
                name, n = f"{base} ({n})", n + 1
            if name != base:
                self.report.warnings.append(f"two users are named {base!r}; User {guid} became {name!r}")
            taken[name] = guid
            self.user_names[guid_key(guid)] = name
            self.bundle.users[name] = guid
            self.report.count("users", "kept")

    def user(self, guid: str | None) -> str | None:
        return self.user_names.get(guid_key(guid)) if guid else None

    def _codebook(self) -> None:
        books = children(self.root, "CodeBook")
        codes_el = children(books[0], "Codes") if books else []
        if not codes_el:
            return
        walker = CodeWalker(self.report.warnings)
        self.bundle.codes = walker.walk(codes_el[0])
        for el, spec in walker.elements:
            self.report.count("codes", "read")
            self.report.count("codes", "kept")
            if spec.guid:
                key = guid_key(spec.guid)
                if key in self.code_ids:
                    raise QualcodeError(f"{self.where}: line {el.sourceline}: Code {spec.guid} ({spec.label!r}): "
                                        f"duplicate GUID (also code {self.code_ids[key]!r})")
                self.code_ids[key] = spec.id
            for ref in children(el, "NoteRef"):
                self.note_refs.append((ref.get("targetGUID") or "", "code", spec))

    def code(self, guid: str | None) -> str | None:
        return self.code_ids.get(guid_key(guid)) if guid else None

    # -- variables, notes -----------------------------------------------------
    def _variables_and_notes(self) -> None:
        from qualcode.importers.metadata import attribute_key

        self.variables: dict[str, str] = {}  # guid key -> attribute key
        for el in self.section("Variables"):
            self.report.count("variables", "read")
            name = el.get("name") or ""
            if el.get("guid") and name.strip():
                key = attribute_key(name)
                self.variables[guid_key(el.get("guid"))] = key
                self.bundle.variables.setdefault(key, el.get("guid"))
                self.report.count("variables", "kept")
        for el in self.section("Notes"):
            guid = (el.get("guid") or "").strip()
            self.report.count("notes", "read")
            text = self._note_text(el)
            if not guid or text is None:
                why = "no GUID" if not guid else "its text file is missing from the archive"
                self.report.problem("notes", "skipped", f"Note {el.get('name')!r} ({guid or 'no GUID'}): {why}")
                continue
            self.notes[guid_key(guid)] = Note(guid, el.get("name") or "", text,
                                              self.user(el.get("creatingUser")), el.get("creationDateTime"))

    def _note_text(self, el) -> str | None:
        content = children(el, "PlainTextContent")
        if content:
            text = "".join(content[0].itertext())
        elif el.get("plainTextPath"):
            text, _ = member_text(self.archive, el.get("plainTextPath"), f"{self.where}: Note {el.get('guid')}")
            if text is None:
                return None
        else:
            text = ""
        if not text.strip():
            text = el.findtext("{*}Description") or ""
        return text.replace("\r\n", "\n").strip()

    def note_ref(self, el, kind: str, target) -> None:
        for ref in children(el, "NoteRef"):
            self.note_refs.append((ref.get("targetGUID") or "", kind, target))

    def _attach_notes(self) -> None:
        used: set[str] = set()
        for guid, kind, target in self.note_refs:
            note = self.notes.get(guid_key(guid)) if guid else None
            if note is None:
                self.report.problem("notes", "skipped", f"NoteRef to unknown note {guid or '(no GUID)'} "
                                    f"on a {kind}; ignored")
                continue
            used.add(guid_key(guid))
            memo = Memo(note.text, note.guid, note.name)
            if kind == "project":
                self.bundle.notes.append(note)
            elif kind == "code":
                self.bundle.code_memos[target.id] = join_memos(self.bundle.code_memos.get(target.id), memo)
            elif kind == "source":
                target.memo = join_memos(target.memo, memo)
            else:  # a selection's or a coding's records, placed or detached
                for rec in target:
                    if hasattr(rec, "selection_guid"):
                        rec.memo = join_memos(rec.memo, memo)
                    else:
                        rec.memo = "\n\n".join(t for t in (rec.memo, memo.text) if t)
            self.report.count("notes", f"on {kind}s" if kind != "project" else "project")
        for key, note in self.notes.items():
            if key not in used:
                self.bundle.notes.append(note)
                self.report.count("notes", "project")

    # -- sources --------------------------------------------------------------
    def _source(self, el) -> None:
        kind = local(el)
        self.report.count("sources", "read")
        if kind == "TextSource":
            self.sources.add(el, "TextSource", el.get("name"))
            return
        if kind == "PDFSource":
            self._skipped_selections("PDF regions", children(el, "PDFSelection"))
            reps = children(el, "Representation")
            if reps:
                self.sources.add(reps[0], "PDFSource", el.get("name"), guid=el.get("guid"))
            else:
                self._skip_source(el, "PDF", "a PDF without a plain-text representation")
            return
        if kind in _MEDIA:
            label, selections, selection_tag = _MEDIA[kind]
            self._skip_source(el, label, f"{kind[:-len('Source')].lower()} source")
            self._skipped_selections(selections, children(el, selection_tag))
            transcripts = children(el, "Transcript")
            if transcripts:
                self.report.count("media transcripts", "skipped", len(transcripts))
            return
        self.report.problem("sources", "skipped", f"<{kind}> {el.get('guid')}: unknown kind of source; skipped")

    def _skip_source(self, el, label: str, why: str) -> None:
        codings = children(el, "Coding")
        self.report.count("sources", "skipped")
        self.report.count(label, "skipped")
        if codings:
            self.report.count("codings", "read", len(codings))
            self.report.count("codings", "skipped", len(codings))
        self.report.problems.append(f"{local(el)} {el.get('name')!r} ({el.get('guid')}): {why}; skipped")

    def _skipped_selections(self, label: str, selections: list) -> None:
        if not selections:
            return
        self.report.count(label, "skipped", len(selections))
        n = sum(len(children(s, "Coding")) for s in selections)
        if n:
            self.report.count("codings", "read", n)
            self.report.count("codings", "skipped", n)

    # -- cases, sets, links, graphs -------------------------------------------
    def _cases(self) -> None:
        by_guid = {guid_key(s.guid): s for s in self.bundle.sources if s.guid}
        for el in self.section("Cases"):
            self.report.count("cases", "read")
            targets = [by_guid[guid_key(r.get("targetGUID"))] for r in children(el, "SourceRef")
                       if r.get("targetGUID") and guid_key(r.get("targetGUID")) in by_guid]
            values = self.variable_values(el, f"Case {el.get('name')!r} ({el.get('guid')})")
            if not targets:
                self.report.problem("cases", "skipped", f"Case {el.get('name')!r} ({el.get('guid')}): "
                                    f"no imported text source; its {len(values)} value(s) not imported")
                continue
            for source in targets:
                source.attributes.update(values)
                source.case_guid = source.case_guid or el.get("guid")
            self.report.count("cases", "kept")

    def variable_values(self, el, where: str) -> dict[str, str]:
        from qualcode.importers.metadata import normalize_value

        out: dict[str, str] = {}
        for vv in children(el, "VariableValue"):
            refs = children(vv, "VariableRef")
            key = self.variables.get(guid_key(refs[0].get("targetGUID") or "")) if refs else None
            value = next((("".join(c.itertext())) for c in vv if local(c) in _VALUE_TAGS), None)
            self.report.count("variables", "values read")
            if key is None or value is None:
                self.report.problem("variables", "values skipped",
                                    f"{where}: a VariableValue without a known variable or value; skipped")
                continue
            try:
                out[key] = normalize_value(key, value, f"{where}: variable {key}")
            except QualcodeError as exc:
                self.report.problem("variables", "values skipped", f"{exc}; skipped")
        return out

    def _listed_only(self) -> None:
        sets = self.section("Sets")
        if sets:
            names = ", ".join(repr(s.get("name")) for s in sets[:6]) + (" ..." if len(sets) > 6 else "")
            self.report.problem("sets", "skipped", f"{len(sets)} set(s) listed, not imported: {names}", len(sets))
            self.report.count("sets", "read", len(sets))
        for section, kind in (("Links", "links"), ("Graphs", "graphs")):
            found = self.section(section)
            if found:
                self.report.count(kind, "skipped", len(found))
        for ref in children(self.root, "NoteRef"):
            self.note_refs.append((ref.get("targetGUID") or "", "project", None))


def join_memos(first: Memo | None, second: Memo) -> Memo:
    if first is None or not first.text:
        return second if first is None else Memo(second.text, first.guid or second.guid, first.name or second.name)
    if second.text in first.text:
        return first
    return Memo(f"{first.text}\n\n{second.text}", first.guid or second.guid, first.name or second.name)

