"""Cell and text values made safe for the formats they are written to.

- Spreadsheets (csv, xlsx): a text cell starting with ``= + - @``, a tab or a
  carriage return (or their full-width forms) is a live formula when the file is
  opened (``=HYPERLINK(...)``, ``=cmd|...``): `spreadsheet_text` prefixes it with an
  apostrophe, as OWASP recommends; the rest of the text is kept. xlsx cells are
  also written with the explicit string type, so nothing in them is a formula.
- XML formats (xlsx, docx, qdc, qdpx): `xml_text` drops the control characters XML
  1.0 cannot hold (NUL, ESC, BEL..., lone surrogates, U+FFFE/U+FFFF); tab and
  newline are kept.

Every csv/xlsx writer goes through `qualcode.exports.files` (`write_rows`,
`write_matrix`, `write_csv`, `fill_sheet`), which call these functions; a new
writer must too, never `DataFrame.to_csv` or openpyxl cells directly.
"""
from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def xml_text(value: Any) -> str:
    """`value` as text that any XML document can hold (control characters dropped)."""
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return _NOT_XML.sub("", text)


def spreadsheet_text(text: str) -> str:
    """A text cell that spreadsheets show as text, never evaluate."""
    return "'" + text if text.startswith(FORMULA_START) else text


def spreadsheet_value(value: Any) -> Any:
    """A csv/xlsx cell: numbers and empty cells as they are, text neutralised and
    stripped of what XML cannot hold (so the same cells go to csv and xlsx)."""
    if isinstance(value, str):
        return spreadsheet_text(xml_text(value))
    return value


def has_control(text: str) -> bool:
    """Control characters other than tab and newline (refused in labels)."""
    return bool(_CONTROL.search(text.replace("\t", " ").replace("\n", " ")))
