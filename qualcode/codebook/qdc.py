"""Writing a REFI-QDA codebook (.qdc) from qualcode's codes: nested ``<Code>``
elements, stable guids, the slug kept in a processing instruction, criteria
appended to the description (see `qualcode.codebook.refi` for the mapping)."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

from lxml import etree

from qualcode.codebook.model import SLUG_RE, CodeSpec, ancestors
from qualcode.codebook.refi import (_CRITERIA_OUT, _GUID_NAMESPACE, _PI_TARGET, CODEBOOK_NS, is_guid,
                                    normalize_color)
from qualcode.errors import QualcodeError
from qualcode.exports.safe import xml_text


def join_criteria(code: CodeSpec) -> str:
    """The REFI description of a code: its description, then its criteria."""
    parts = []
    if code.description.strip():
        parts.append(code.description.strip())
    crit = [f"{label} : {getattr(code, attr).strip()}"
            for attr, label in _CRITERIA_OUT if getattr(code, attr).strip()]
    if crit:
        parts.append("\n".join(crit))
    return "\n\n".join(parts)


def write_qdc(codes: list[CodeSpec], path: str | os.PathLike, *, origin: str = "qualcode") -> None:
    """Write `codes` as a REFI-QDA ``.qdc`` (CodeBook) that validates against Codebook.xsd.

    The slug-path hierarchy becomes nested ``<Code>`` elements, in list order
    within each parent; each carries ``<?qualcode slug="..."?>`` so ids survive.
    guids: the code's own guid if it is a GUID (and not already used), else uuid5
    of the code id, so repeated exports are identical.
    Description = description + criteria (see the module docstring); keywords and
    family are not exported. The file is written atomically.
    """
    p = Path(path)
    name = p.name or str(p)
    if not codes:
        raise QualcodeError(f"{name}: cannot export an empty codebook (REFI-QDA requires at least one code)")

    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    if origin:
        root.set("origin", origin)
    codes_el = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    elements: dict[str, etree._Element] = {}
    used_guids: set[str] = set()
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
        holder = elements[parents[0]] if parents else codes_el
        guid = code.guid.strip() if code.guid else None
        if not is_guid(guid) or guid.strip("{}").lower() in used_guids:
            guid = str(uuid.uuid5(_GUID_NAMESPACE, code.id))
        used_guids.add(guid.strip("{}").lower())
        color = None
        if code.color:
            color = normalize_color(code.color)
            if color is None:
                raise QualcodeError(f"{name}: cannot export: code {code.id!r} has colour {code.color!r}, expected #rrggbb")
        try:
            el = etree.SubElement(holder, f"{{{CODEBOOK_NS}}}Code")
            el.set("guid", guid)
            el.set("name", xml_text(code.label) or code.slug)  # control characters dropped
            el.set("isCodable", "true")
            if color:
                el.set("color", color)
            el.append(etree.ProcessingInstruction(_PI_TARGET, f'slug="{code.slug}"'))
            text = xml_text(join_criteria(code))
            if text:
                etree.SubElement(el, f"{{{CODEBOOK_NS}}}Description").text = text
        except ValueError:
            raise QualcodeError(
                f"{name}: cannot export: code {code.id!r} has characters XML cannot hold"
            ) from None
        elements[code.id] = el

    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    from qualcode.exports.files import atomic_write

    try:
        atomic_write(p, lambda tmp: Path(tmp).write_bytes(data))
    except OSError as exc:
        raise QualcodeError(f"{name}: cannot write file ({exc.strerror or exc})") from None
