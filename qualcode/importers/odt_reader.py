"""OpenDocument .odt files: paragraphs and headings with their bold prefix, and
a two-column key/value table as interview metadata. Parsed with lxml, with
entities and network access disabled."""
from __future__ import annotations

from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.importers import Paragraph, RawDoc
from qualcode.importers.metadata import table_metadata
from qualcode.interop.safezip import open_zip, read_member

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
}
T = "{%s}" % NS["text"]
TABLE = "{%s}" % NS["table"]


def _parse(data: bytes, path: Path, name: str):
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise QualcodeError(f"{path}: not a valid odt file ({name}: {exc})") from None


def read_odt(path: Path) -> RawDoc:
    with open_zip(path, "odt") as archive:
        content = _parse(read_member(archive, "content.xml", path, "odt"), path, "content.xml")
        names = archive.namelist()
        styles = (
            _parse(read_member(archive, "styles.xml", path, "odt"), path, "styles.xml")
            if "styles.xml" in names else None
        )
    bold = _bold_styles(content) | (_bold_styles(styles) if styles is not None else set())
    body = content.find("office:body/office:text", NS)
    if body is None:
        raise QualcodeError(f"{path}: not a text document (no office:text body)")
    paragraphs: list[Paragraph] = []
    metadata: dict[str, str] = {}
    _walk(body, bold, paragraphs, metadata, path)
    return RawDoc(paragraphs, metadata)


def _bold_styles(root) -> set[str]:
    names = set()
    for style in root.iter("{%s}style" % NS["style"]):
        props = style.find("style:text-properties", NS)
        if props is not None and props.get("{%s}font-weight" % NS["fo"]) in ("bold", "700", "800", "900"):
            names.add(style.get("{%s}name" % NS["style"]))
    return names


def _walk(node, bold, paragraphs, metadata, path: Path) -> None:
    for child in node:
        if child.tag in (T + "p", T + "h"):
            parts: list[tuple[str, bool]] = []
            _inline(child, child.get(T + "style-name") in bold, bold, parts)
            text = "".join(t for t, _ in parts)
            prefix = 0
            for t, is_bold in parts:
                if not is_bold and t.strip():
                    break
                prefix += len(t)
            paragraphs.append(Paragraph(text, prefix if text[:prefix].strip() else 0))
        elif child.tag == TABLE + "table":
            rows = []
            for row in child.iter(TABLE + "table-row"):
                cells = []
                for cell in row.findall(TABLE + "table-cell"):
                    parts = []
                    for p in cell.iter(T + "p"):
                        _inline(p, False, bold, parts)
                        parts.append(("\n", False))
                    cells.append("".join(t for t, _ in parts).strip())
                rows.append(cells)
            found = table_metadata(rows, f"{path}: metadata table")
            if found:
                metadata.update(found)
            else:
                paragraphs.extend(Paragraph(" | ".join(r)) for r in rows if any(r))
        elif child.tag in (T + "list", T + "list-item", T + "section"):
            _walk(child, bold, paragraphs, metadata, path)


def _inline(node, is_bold, bold, parts) -> None:
    if node.text:
        parts.append((node.text, is_bold))
    for child in node:
        tag = child.tag
        if tag == T + "s":
            parts.append((" " * int(child.get(T + "c", "1")), is_bold))
        elif tag == T + "tab":
            parts.append(("\t", is_bold))
        elif tag == T + "line-break":
            parts.append(("\n", is_bold))
        elif tag in (T + "note", T + "bookmark", T + "bookmark-start", T + "bookmark-end"):
            pass
        else:
            _inline(child, is_bold or child.get(T + "style-name") in bold, bold, parts)
        if child.tail:
            parts.append((child.tail, is_bold))
