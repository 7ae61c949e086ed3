"""REFI-QDA ``<Code>`` trees <-> qualcode `CodeSpec`s, in both directions.

Shared by the codebook files (.qdc, `qualcode.codebook.refi` and
`qualcode.codebook.qdc`) and the whole-project exchange (.qdpx): the same
``<Codes>`` tree sits in a ``<CodeBook>`` document and inside a ``<Project>``.
The mapping itself (ids from names, the ``<?qualcode slug?>`` processing
instruction, criteria in the description, colours, GUIDs, isCodable) is
described in `qualcode.codebook.refi`.
"""
from __future__ import annotations

import re
import textwrap
import uuid
from urllib.parse import quote, unquote

from lxml import etree

from qualcode.codebook.model import SLUG_RE, CodeSpec, ancestors, slugify
from qualcode.errors import QualcodeError
from qualcode.exports.safe import xml_text

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
GUID_RE = re.compile(
    r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$"
)
_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
# Namespace of the deterministic guids qualcode makes: uuid5(GUID_NAMESPACE, "kind:key").
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://qualcode/refi-qda/code-id")

# Criteria labels written on export (French, as in qualcode codebooks) and read back (French, English).
CRITERIA_OUT = (("include", "Inclure"), ("exclude", "Exclure"), ("example", "Exemple"))
_CRITERIA_IN = {
    "inclure": "include", "include": "include",
    "exclure": "exclude", "exclude": "exclude",
    "exemple": "example", "example": "example",
}
_CRITERION_RE = re.compile(
    r"^(inclure|include|exclure|exclude|exemple|example)[ \t\u00a0\u202f]*:[ \t\u00a0\u202f]*(.*)$",
    re.IGNORECASE,
)
PI_TARGET = "qualcode"
_PI_SLUG_RE = re.compile(r'(?:^|\s)slug="([a-z0-9]+(?:-[a-z0-9]+)*)"')


def is_guid(value: str | None) -> bool:
    """True if `value` is a GUID as REFI-QDA's GUIDType allows (optionally in braces)."""
    return bool(value) and GUID_RE.match(value) is not None


def guid_key(value: str) -> str:
    """The comparable form of a GUID: no braces, lower case."""
    return value.strip().strip("{}").lower()


def code_guid(code_id: str) -> str:
    """The guid qualcode gives a code that has none: the same for the same id in every
    project, so two coders' exports of one codebook agree."""
    return str(uuid.uuid5(GUID_NAMESPACE, code_id))


def local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def children(el, localname: str) -> list:
    return [c for c in el if local(c) == localname]


def written_key(el, key: str) -> str | None:
    """The value qualcode wrote in ``<?qualcode KEY="..."?>`` inside `el`, if any."""
    pattern = re.compile(r'(?:^|\s)' + key + r'="([^"]*)"')
    for child in el:
        if isinstance(child, etree._ProcessingInstruction) and child.target == PI_TARGET:
            m = pattern.search(child.text or "")
            if m:
                return m.group(1)
    return None


# --------------------------------------------------------------------------- reading


class CodeWalker:
    """Turns a nested ``<Codes>`` tree into `CodeSpec`s (parents first), collecting
    summarised warnings; `elements` pairs each spec with its XML element."""

    def __init__(self, warnings: list[str]):
        self.warnings = warnings
        self.codes: list[CodeSpec] = []
        self.elements: list[tuple[etree._Element, CodeSpec]] = []
        self.non_guid: list[str] = []
        self.no_guid: list[str] = []
        self.dup_guid: list[str] = []
        self.not_codable: list[str] = []
        self.bad_color: list[str] = []
        self.unnamed = 0
        self.no_slug: list[str] = []
        self.colons: list[str] = []
        self.seen_guids: set[str] = set()

    def walk(self, codes_el) -> list[CodeSpec]:
        # Iterative pre-order walk over iterators of (element, CodeSpec) siblings.
        stack = [iter(self._assign_ids(None, children(codes_el, "Code")))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                continue
            el, code = nxt
            self.codes.append(code)
            self.elements.append((el, code))
            kids = children(el, "Code")
            if kids:
                stack.append(iter(self._assign_ids(code.id, kids)))
        self._summarise()
        return self.codes

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
            self.warnings.append(
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
            if guid_key(guid) in self.seen_guids:
                self.dup_guid.append(guid)
            self.seen_guids.add(guid_key(guid))

        raw_color = el.get("color")
        color = normalize_color(raw_color) if raw_color is not None else None
        if raw_color is not None and color is None:
            self.bad_color.append(raw_color)

        codable = (el.get("isCodable") or "true").strip().lower() not in ("false", "0")
        if not codable:
            self.not_codable.append(name)

        descs = children(el, "Description")
        text = clean_text("".join(descs[0].itertext())) if descs else ""
        description, criteria = split_criteria(text)
        keywords = written_key(el, "keywords")
        return CodeSpec(
            id=code_id, label=name, description=description,
            include=criteria.get("include", ""), exclude=criteria.get("exclude", ""),
            example=criteria.get("example", ""), color=color, guid=guid, codable=codable,
            keywords=[unquote(k) for k in keywords.split(",") if k] if keywords else [],
            family=written_key(el, "family") == "true", line=el.sourceline,
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
             "kept so ('codable: false' in the codebook)"),
            (self.colons, "code name uses ATLAS.ti '::' naming", "code names use ATLAS.ti '::' naming",
             "kept flat, the '::' hierarchy was not expanded"),
        ]
        for items, one, many, outcome in kinds:
            if items:
                n = len(items)
                self.warnings.append(f"{n} {one if n == 1 else many} (e.g. {items[0]!r}); {outcome}")
        if self.unnamed:
            self.warnings.append(f"{self.unnamed} code(s) without a name; labelled 'unnamed code'")


def _written_slug(el) -> str | None:
    slug = written_key(el, "slug")
    return slug if slug and _PI_SLUG_RE.match(f'slug="{slug}"') else None


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


# --------------------------------------------------------------------------- writing


def join_criteria(code: CodeSpec) -> str:
    """The REFI description of a code: its description, then its criteria."""
    parts = []
    if code.description.strip():
        parts.append(code.description.strip())
    crit = [f"{label} : {getattr(code, attr).strip()}"
            for attr, label in CRITERIA_OUT if getattr(code, attr).strip()]
    if crit:
        parts.append("\n".join(crit))
    return "\n\n".join(parts)


def export_guid(code: CodeSpec, used: set[str]) -> str:
    """The code's own guid if it is a GUID not used yet, else `code_guid` of its id."""
    guid = code.guid.strip() if code.guid else None
    if not is_guid(guid) or guid_key(guid) in used:
        guid = code_guid(code.id)
    used.add(guid_key(guid))
    return guid


def add_code_elements(codes_el, codes: list[CodeSpec], name: str, *, notes=None,
                      extras: bool = False) -> dict[str, str]:
    """Append the codes under `codes_el` (a ``<Codes>`` element, in its namespace) as
    nested ``<Code>`` elements; returns code id -> guid written. `notes` maps a code
    id to the guid of a note to reference (``<NoteRef>``, project documents only).
    With `extras`, qualcode's own `family` and `keywords` ride in the processing
    instruction too (``family="true" keywords="a,b%20c"``), so a qualcode -> .qdpx
    -> qualcode round trip keeps them; other tools ignore them.
    Raises `QualcodeError` naming `name` for codes that cannot be written."""
    ns = etree.QName(codes_el).namespace
    elements: dict[str, etree._Element] = {}
    guids: dict[str, str] = {}
    used: set[str] = set()
    for code in codes:
        if not SLUG_RE.match(code.id or ""):
            raise QualcodeError(f"{name}: cannot export: code id {code.id!r} is not a slug path")
        if code.id in elements:
            raise QualcodeError(f"{name}: cannot export: code id {code.id!r} appears twice")
        parents = ancestors(code.id)
        if parents and parents[0] not in elements:
            raise QualcodeError(
                f"{name}: cannot export: code {code.id!r} does not come after its parent {parents[0]!r}"
            )
        color = None
        if code.color:
            color = normalize_color(code.color)
            if color is None:
                raise QualcodeError(f"{name}: cannot export: code {code.id!r} has colour {code.color!r}, "
                                    "expected #rrggbb")
        guid = export_guid(code, used)
        try:
            el = etree.SubElement(elements[parents[0]] if parents else codes_el, f"{{{ns}}}Code")
            el.set("guid", guid)
            el.set("name", xml_text(code.label) or code.slug)  # control characters dropped
            el.set("isCodable", "true" if code.codable else "false")
            if color:
                el.set("color", color)
            el.append(etree.ProcessingInstruction(PI_TARGET, f'slug="{code.slug}"' + (_extras(code) if extras else "")))
            text = xml_text(join_criteria(code))
            if text:
                etree.SubElement(el, f"{{{ns}}}Description").text = text
            if notes and code.id in notes:
                etree.SubElement(el, f"{{{ns}}}NoteRef").set("targetGUID", notes[code.id])
        except ValueError:
            raise QualcodeError(f"{name}: cannot export: code {code.id!r} has characters XML cannot hold") from None
        elements[code.id] = el
        guids[code.id] = guid
    return guids


def _extras(code: CodeSpec) -> str:
    out = ' family="true"' if code.family else ""
    if code.keywords:
        out += f' keywords="{",".join(quote(k, safe="") for k in code.keywords)}"'
    return out
