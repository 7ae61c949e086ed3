"""REFI-QDA codebook exchange: reading and writing the codebook part of REFI-QDA files.

This module owns the translation between qualcode's codebook (a list of `CodeSpec`,
parents before children) and the REFI-QDA (QDA-XML 1.0) codebook:

- `read_codebook` reads a ``.qdc`` file (an XML ``<CodeBook>`` document,
  namespace ``urn:QDA-XML:codebook:1.0``) or a ``.qdpx`` project (a zip holding
  ``project.qde``, a ``<Project>`` document, namespace ``urn:QDA-XML:project:1.0``)
  and returns the codes of its ``CodeBook/Codes`` tree. Only the codebook is read:
  sources, codings, cases, notes and sets are ignored.
- `write_qdc` (in `qualcode.codebook.qdc`, re-exported here) writes a ``.qdc``
  that validates against the standard Codebook.xsd.

Mapping (REFI ``<Code>`` <-> `CodeSpec`):

- Nesting of ``<Code>`` elements is the hierarchy. A code's qualcode id is the
  slug path of its ancestors' names and its own (`slugify`); siblings whose slugs
  collide get ``-2``, ``-3``... (with a warning). ``label`` is the REFI ``name``,
  unchanged. Nothing is marked as a family (REFI has no such notion).
- REFI has no field for qualcode's ids, which often differ from the label
  (``freins/usagers`` labelled "Freins du côté des usagers"). `write_qdc` puts the
  last id segment in a processing instruction, ``<?qualcode slug="usagers"?>``,
  first inside each ``<Code>``: XML allows it anywhere, Codebook.xsd ignores it,
  other tools skip it. On import it is preferred to the slugified name, so a
  qualcode -> .qdc -> qualcode round trip keeps the ids.
- ``guid`` is kept in `CodeSpec.guid` so that exports keep the same guids. Ids that
  are not GUIDs (hand-made files use ``c001``) are accepted with one summarising
  warning; on export they are replaced by a deterministic uuid5 of the code id.
- ``color`` (``#rgb`` or ``#rrggbb``) becomes lower-case ``#rrggbb``.
- ``isCodable="false"`` has no qualcode equivalent: such codes are imported as
  ordinary codes, with a warning.
- ``<Description>``: REFI has a single free-text field. On export, the
  description is followed by a blank line and the criteria, one per line::

      Description text

      Inclure : ...
      Exclure : ...
      Exemple : ...

  On import, a final block of paragraphs starting with ``Inclure :``,
  ``Exclure :`` or ``Exemple :`` (or ``Include:``, ``Exclude:``, ``Example:``) is
  parsed back into `include`, `exclude`, `example`; lines that follow a label
  without a label of their own continue its value. Everything before the block is
  the description. So qualcode -> .qdc -> qualcode keeps the criteria, unless the
  description itself has a paragraph starting with one of those labels.
- `keywords` and `family` cannot be expressed in REFI-QDA and are not exported.
- ATLAS.ti has no code hierarchy and names codes ``Parent::Child`` instead. Such
  codes are kept flat, named exactly as in the file, with one warning: REFI's
  hierarchy is the XML nesting, the parent named by the prefix may come after its
  children or not exist, and expanding it would change ids and labels that other
  tools know.

Safety: XML is parsed with no entity expansion, no DTD loading and no network;
a DOCTYPE that declares entities is refused before the real parse. In a
``.qdpx``, a member declaring more than 200 MB uncompressed, or members totalling
more than 500 MB, make the archive refused, and the ``.qde`` is read with a hard
cap. Every problem with the input is raised as a one-line `QualcodeError` naming
the file.
"""
from __future__ import annotations

import os
import re
import textwrap
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from qualcode.codebook.model import CodeSpec, slugify
from qualcode.codebook.safexml import MB, parse_xml, read_capped_file, read_qde_from_zip
from qualcode.errors import QualcodeError

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"

MAX_MEMBER_BYTES = 200 * MB  # any single zip member, declared uncompressed size
MAX_TOTAL_BYTES = 500 * MB  # all zip members together, declared
MAX_XML_BYTES = 200 * MB  # hard cap on the bytes actually read for a .qdc / .qde

GUID_RE = re.compile(
    r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$"
)
_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
# Namespace for the deterministic guids of exported codes: uuid5(_GUID_NAMESPACE, code id).
_GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://qualcode/refi-qda/code-id")

# Criteria labels written on export (French, as in qualcode codebooks) and the
# labels accepted on import (French and English).
_CRITERIA_OUT = (("include", "Inclure"), ("exclude", "Exclure"), ("example", "Exemple"))
_CRITERIA_IN = {
    "inclure": "include", "include": "include",
    "exclure": "exclude", "exclude": "exclude",
    "exemple": "example", "example": "example",
}
_CRITERION_RE = re.compile(
    r"^(inclure|include|exclure|exclude|exemple|example)[ \t\u00a0\u202f]*:[ \t\u00a0\u202f]*(.*)$",
    re.IGNORECASE,
)

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_PI_TARGET = "qualcode"
_PI_SLUG_RE = re.compile(r'(?:^|\s)slug="([a-z0-9]+(?:-[a-z0-9]+)*)"')


@dataclass
class RefiCodebook:
    """The codes of a REFI-QDA codebook, parents before children, in document order."""

    codes: list[CodeSpec] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    origin: str | None = None  # the producing software (``origin`` attribute), if given


def is_guid(value: str | None) -> bool:
    """True if `value` is a GUID as REFI-QDA's GUIDType allows (optionally in braces)."""
    return bool(value) and GUID_RE.match(value) is not None


# --------------------------------------------------------------------------- reading


def read_codebook(path: str | os.PathLike) -> RefiCodebook:
    """Read the codebook of a ``.qdc`` or ``.qdpx`` file.

    Raises `QualcodeError` (one line, naming the file) if the file cannot be read,
    is not a REFI-QDA codebook or project, is not well-formed, or looks hostile.
    """
    p = Path(path)
    name = p.name or str(p)
    try:
        with open(p, "rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise QualcodeError(f"{name}: cannot read file ({exc.strerror or exc})") from None

    if head.startswith(_ZIP_MAGIC):
        data, where = read_qde_from_zip(p, name, max_member=MAX_MEMBER_BYTES,
                                        max_total=MAX_TOTAL_BYTES, max_xml=MAX_XML_BYTES)
    elif p.suffix.lower() == ".qdpx":
        raise QualcodeError(f"{name}: not a zip archive (a .qdpx must be a zip holding project.qde)")
    else:
        data, where = read_capped_file(p, name, MAX_XML_BYTES), name

    root = parse_xml(data, where)
    return _codebook_from_root(root, where)


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _children(el, localname: str) -> list:
    return [c for c in el if _local(c) == localname]


def _codebook_from_root(root: etree._Element, where: str) -> RefiCodebook:
    kind = _local(root)
    result = RefiCodebook(origin=root.get("origin") or None)
    if kind not in ("CodeBook", "Project"):
        raise QualcodeError(
            f"{where}: not a REFI-QDA codebook (root element is <{kind}>, expected <CodeBook> or <Project>)"
        )
    ns = etree.QName(root).namespace
    if ns not in (CODEBOOK_NS, PROJECT_NS):
        result.warnings.append(
            f"root element <{kind}> is not in a REFI-QDA namespace ({ns or 'no namespace'}); read anyway"
        )

    if kind == "Project":
        books = _children(root, "CodeBook")
        if not books:
            result.warnings.append("the project has no codebook; no codes imported")
            return result
        book = books[0]
    else:
        book = root
    codes_els = _children(book, "Codes")
    if not codes_els:
        result.warnings.append("the codebook has no <Codes> element; no codes imported")
        return result

    _Walker(result).walk(codes_els[0])
    if not result.codes:
        result.warnings.append("the codebook has no codes")
    _warn_sets(root, book, result)
    return result


class _Walker:
    """Turns the nested <Code> tree into CodeSpec, collecting summarised warnings."""

    def __init__(self, result: RefiCodebook):
        self.result = result
        self.non_guid: list[str] = []
        self.no_guid: list[str] = []
        self.dup_guid: list[str] = []
        self.not_codable: list[str] = []
        self.bad_color: list[str] = []
        self.unnamed = 0
        self.no_slug: list[str] = []
        self.colons: list[str] = []
        self.seen_guids: set[str] = set()

    def walk(self, codes_el) -> None:
        # Iterative pre-order walk over iterators of (element, CodeSpec) siblings.
        stack = [iter(self._assign_ids(None, _children(codes_el, "Code")))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                continue
            el, code = nxt
            self.result.codes.append(code)
            kids = _children(el, "Code")
            if kids:
                stack.append(iter(self._assign_ids(code.id, kids)))
        self._summarise()

    def _assign_ids(self, parent_id: str | None, els: list) -> list:
        names = [self._name(el) for el in els]
        written = [_written_slug(el) for el in els]
        natural = [w or slugify(n) for w, n in zip(written, names)]
        taken: set[str] = set()
        reserved = set(natural)
        out = []
        collided: dict[str, list[str]] = {}
        for el, name, slug, kept in zip(els, names, natural, written):
            final = slug
            if slug in taken:
                n = 2
                while f"{slug}-{n}" in taken or f"{slug}-{n}" in reserved:
                    n += 1
                final = f"{slug}-{n}"
                collided.setdefault(slug, []).append(final)
            taken.add(final)
            code_id = f"{parent_id}/{final}" if parent_id else final
            out.append((el, self._spec(el, code_id, name, kept is not None)))
        for slug, finals in collided.items():
            where = f"under {parent_id!r}" if parent_id else "at the top level"
            self.result.warnings.append(
                f"{len(finals) + 1} sibling codes {where} share the id {slug!r}; "
                f"the others became {', '.join(repr(f) for f in finals)}"
            )
        return out

    def _name(self, el) -> str:
        name = el.get("name")
        if name is None or not name.strip():
            self.unnamed += 1
            return "unnamed code"
        return name

    def _spec(self, el, code_id: str, name: str, slug_given: bool) -> CodeSpec:
        if (not slug_given and slugify(name) == "code" and name.strip().lower() != "code"
                and name != "unnamed code"):
            self.no_slug.append(name)
        if "::" in name:
            self.colons.append(name)

        guid = (el.get("guid") or "").strip() or None
        if guid is None:
            self.no_guid.append(name)
        else:
            if not is_guid(guid):
                self.non_guid.append(guid)
            key = guid.strip("{}").lower()
            if key in self.seen_guids:
                self.dup_guid.append(guid)
            self.seen_guids.add(key)

        raw_color = el.get("color")
        color = normalize_color(raw_color) if raw_color is not None else None
        if raw_color is not None and color is None:
            self.bad_color.append(raw_color)

        if (el.get("isCodable") or "true").strip().lower() in ("false", "0"):
            self.not_codable.append(name)

        descs = _children(el, "Description")
        text = clean_text("".join(descs[0].itertext())) if descs else ""
        description, criteria = split_criteria(text)
        return CodeSpec(
            id=code_id, label=name, description=description,
            include=criteria.get("include", ""), exclude=criteria.get("exclude", ""),
            example=criteria.get("example", ""), color=color, guid=guid,
            line=el.sourceline,
        )

    def _summarise(self) -> None:
        """One warning per kind of leniency, with a count and an example."""
        kinds = [
            (self.non_guid, "code has a non-GUID id", "codes have non-GUID ids", "imported anyway"),
            (self.no_guid, "code has no guid", "codes have no guid", "imported anyway"),
            (self.dup_guid, "code reuses the guid of an earlier code",
             "codes reuse the guid of an earlier code", "imported anyway"),
            (self.no_slug, "code name has no Latin letters or digits",
             "code names have no Latin letters or digits", "ids use 'code'"),
            (self.bad_color, "colour is not #rrggbb", "colours are not #rrggbb", "dropped"),
            (self.not_codable, "code is marked not codable", "codes are marked not codable",
             "qualcode has no such flag, imported as ordinary codes"),
            (self.colons, "code name uses ATLAS.ti '::' naming", "code names use ATLAS.ti '::' naming",
             "kept flat, the '::' hierarchy was not expanded"),
        ]
        for items, one, many, outcome in kinds:
            if items:
                n = len(items)
                self.result.warnings.append(f"{n} {one if n == 1 else many} (e.g. {items[0]!r}); {outcome}")
        if self.unnamed:
            self.result.warnings.append(f"{self.unnamed} code(s) without a name; labelled 'unnamed code'")


def _written_slug(el) -> str | None:
    """The id segment qualcode wrote in ``<?qualcode slug="..."?>``, if any."""
    for child in el:
        if isinstance(child, etree._ProcessingInstruction) and child.target == _PI_TARGET:
            m = _PI_SLUG_RE.search(child.text or "")
            if m:
                return m.group(1)
    return None


def _warn_sets(root, book, result: RefiCodebook) -> None:
    sets = []
    for holder in {id(root): root, id(book): book}.values():
        for sets_el in _children(holder, "Sets"):
            sets.extend(s for s in _children(sets_el, "Set") if _children(s, "MemberCode"))
    if sets:
        n = len(sets)
        result.warnings.append(
            f"{n} set{'s group' if n > 1 else ' groups'} codes (e.g. {sets[0].get('name')!r}); "
            "code sets are not imported"
        )


def normalize_color(value: str | None) -> str | None:
    """``#ABC`` / ``#AABBCC`` -> ``#aabbcc``; None if not a colour of that form."""
    if value is None:
        return None
    value = value.strip()
    if not _COLOR_RE.match(value):
        return None
    digits = value[1:].lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def clean_text(text: str) -> str:
    """Description text as written by hand or by tools: unified newlines, no
    trailing spaces, common indentation removed, no blank lines around."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    return textwrap.dedent("\n".join(lines)).strip()


def split_criteria(text: str) -> tuple[str, dict[str, str]]:
    """Split a REFI description into qualcode's description and criteria.

    The criteria block starts at the first paragraph whose first line is
    ``Inclure :``, ``Exclure :`` or ``Exemple :`` (or the English labels) and runs
    to the end; a line without a label continues the previous criterion.
    """
    lines = text.split("\n")
    start = None
    for i, line in enumerate(lines):
        if (i == 0 or not lines[i - 1].strip()) and _CRITERION_RE.match(line):
            start = i
            break
    if start is None:
        return text, {}
    values: dict[str, list[str]] = {}
    current = None
    for line in lines[start:]:
        m = _CRITERION_RE.match(line)
        key = _CRITERIA_IN[m.group(1).lower()] if m else None
        if key is not None and key not in values:
            current = key
            values[key] = [m.group(2)]
        else:
            values[current].append(line)
    criteria = {k: "\n".join(v).strip() for k, v in values.items()}
    return "\n".join(lines[:start]).strip(), {k: v for k, v in criteria.items() if v}


from qualcode.codebook.qdc import join_criteria, write_qdc  # noqa: E402,F401  (re-export)
