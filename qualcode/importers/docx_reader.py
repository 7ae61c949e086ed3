"""Word .docx files (python-docx): paragraphs with their bold prefix, and a
two-column key/value table as interview metadata."""
from __future__ import annotations

from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.importers import Paragraph, RawDoc
from qualcode.importers.metadata import table_metadata
from qualcode.importers.safezip import safe_copy


def read_docx(path: Path) -> RawDoc:
    source = safe_copy(path, "docx")
    try:
        import docx
        from docx.table import Table

        document = docx.Document(source)
        blocks = list(document.iter_inner_content())
    except QualcodeError:
        raise
    except Exception as exc:  # python-docx raises many types on damaged packages
        raise QualcodeError(f"{path}: not a valid docx file ({type(exc).__name__}: {exc})") from None
    paragraphs: list[Paragraph] = []
    metadata: dict[str, str] = {}
    for block in blocks:
        if isinstance(block, Table):
            rows = [[cell.text.strip() for cell in row.cells] for row in block.rows]
            found = table_metadata(rows)
            if found:
                metadata.update(found)
            else:
                paragraphs.extend(Paragraph(" | ".join(r)) for r in rows if any(r))
            continue
        paragraphs.append(Paragraph(block.text, _bold_prefix(block)))
    return RawDoc(paragraphs, metadata)


def _bold_prefix(paragraph) -> int:
    """Length of the leading run of bold text (a speaker name set in bold)."""
    length = 0
    for run in paragraph.runs:
        bold = run.bold
        if bold is None and run.style is not None:
            bold = run.style.font.bold
        if not bold:
            if run.text.strip():
                break
            length += len(run.text)
            continue
        length += len(run.text)
    text = paragraph.text
    # only a real prefix counts: leading white space or nothing bold is no speaker
    return length if text[:length].strip() else 0
