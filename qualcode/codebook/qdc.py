"""Writing a REFI-QDA codebook (.qdc) from qualcode's codes: nested ``<Code>``
elements (built by `qualcode.interop.codes`), stable guids, the slug kept in a
processing instruction, criteria appended to the description (see
`qualcode.codebook.refi` for the mapping)."""
from __future__ import annotations

import os
from pathlib import Path

from lxml import etree

from qualcode.codebook.model import CodeSpec
from qualcode.errors import QualcodeError
from qualcode.interop.codes import CODEBOOK_NS, add_code_elements


def write_qdc(codes: list[CodeSpec], path: str | os.PathLike, *, origin: str = "qualcode") -> None:
    """Write `codes` as a REFI-QDA ``.qdc`` (CodeBook) that validates against Codebook.xsd.

    The slug-path hierarchy becomes nested ``<Code>`` elements, in list order
    within each parent; each carries ``<?qualcode slug="..."?>`` so ids survive.
    guids: the code's own guid if it is a GUID (and not already used), else uuid5
    of the code id, so repeated exports are identical. isCodable is the code's
    `codable`. Description = description + criteria (see `qualcode.codebook.refi`);
    keywords and family are not exported. The file is written atomically.
    """
    p = Path(path)
    name = p.name or str(p)
    if not codes:
        raise QualcodeError(f"{name}: cannot export an empty codebook (REFI-QDA requires at least one code)")

    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    if origin:
        root.set("origin", origin)
    add_code_elements(etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes"), codes, name)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    from qualcode.exports.files import atomic_write

    try:
        atomic_write(p, lambda tmp: Path(tmp).write_bytes(data))
    except OSError as exc:
        raise QualcodeError(f"{name}: cannot write file ({exc.strerror or exc})") from None
