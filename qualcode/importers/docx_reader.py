"""Word .docx files (python-docx): paragraphs with their bold prefix, and a
two-column key/value table as interview metadata.

Text is read run by run, so tracked insertions (``w:ins``), hyperlinks, fields
and content controls (``w:sdt``) keep their words, as Word shows them with
changes accepted; python-docx's `Paragraph.text` skips all but plain runs."""
from __future__ import annotations

from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.importers import Paragraph, RawDoc
from qualcode.importers.metadata import table_metadata
from qualcode.interop.safezip import safe_copy


def read_docx(path: Path) -> RawDoc:
    source = safe_copy(path, "docx")
    try:
        import docx

        document = docx.Document(source)
        return _read(document, path)
    except QualcodeError:
        raise
    except Exception as exc:  # python-docx raises many types on damaged packages
        raise QualcodeError(f"{path}: not a valid docx file ({type(exc).__name__}: {exc})") from None


def _read(document, path: Path) -> RawDoc:
    from docx.table import Table

    paragraphs: list[Paragraph] = []
    metadata: dict[str, str] = {}
    style_bold: dict[str | None, bool | None] = {}  # character style id -> its bold, resolved once
    for block in _blocks(document.element.body, document):
        if isinstance(block, Table):
            rows = [[cell.text.strip() for cell in row.cells] for row in block.rows]
            found = table_metadata(rows, f"{path}: metadata table")
            if found:
                metadata.update(found)
            else:
                paragraphs.extend(Paragraph(" | ".join(r)) for r in rows if any(r))
            continue
        runs = _runs(block)
        text = "".join(run.text for run in runs)
        paragraphs.append(Paragraph(text, _bold_prefix(runs, text, style_bold)))
    return RawDoc(paragraphs, metadata)


def _blocks(element, parent):
    """Paragraphs and tables of the body in order, also inside content controls."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    for child in element:
        if child.tag == qn("w:p"):
            yield DocxParagraph(child, parent)
        elif child.tag == qn("w:tbl"):
            yield Table(child, parent)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content, parent)


def _runs(paragraph) -> list:
    """The paragraph's runs in reading order, including those inside tracked
    insertions, hyperlinks, fields and inline content controls; not deleted text
    nor runs of text boxes anchored in the paragraph (their own paragraphs)."""
    from docx.oxml.ns import qn
    from docx.text.run import Run

    p = paragraph._p
    skip = {qn("w:del"), qn("w:moveFrom"), qn("w:p")}
    runs = []
    for r in p.iter(qn("w:r")):
        ancestor = r.getparent()
        while ancestor is not p and ancestor.tag not in skip:
            ancestor = ancestor.getparent()
        if ancestor is p:
            runs.append(Run(r, paragraph))
    return runs


def _bold_prefix(runs, text: str, style_bold: dict) -> int:
    """Length of the leading run of bold text (a speaker name set in bold).
    `style_bold` caches each character style's bold: python-docx resolves a run's
    style by scanning the whole style table, which made import 5-7x its reading floor."""
    length = 0
    for run in runs:
        bold = run.bold
        if bold is None:
            key = run._r.style  # the run's w:rStyle id (None: the default character style)
            if key not in style_bold:
                style_bold[key] = run.style.font.bold if run.style is not None else None
            bold = style_bold[key]
        if not bold:
            if run.text.strip():
                break
            length += len(run.text)
            continue
        length += len(run.text)
    # only a real prefix counts: leading white space or nothing bold is no speaker
    return length if text[:length].strip() else 0
