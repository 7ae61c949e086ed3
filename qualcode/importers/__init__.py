"""Importers own the conversion of interview files into qualcode's stored form:
one normalised plain text, speaker-turn segments with exact code-point offsets,
and interview metadata.

Each reader (docx, odt, plain text/Markdown, WebVTT/SRT captions) returns a
`RawDoc` of paragraphs (or caption turns) and metadata; `turns.assemble` turns it
into the text and segments. Readers raise `QualcodeError` with a one-line message
naming the file for any bad input.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qualcode.errors import QualcodeError

FORMATS = {".docx": "docx", ".odt": "odt", ".txt": "txt", ".md": "md", ".vtt": "vtt", ".srt": "srt"}
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass
class Paragraph:
    text: str
    bold_prefix: int = 0  # leading characters set in bold (docx/odt speaker names)
    speaker: str | None = None  # set by readers that know it (captions)
    time: str | None = None


@dataclass
class RawDoc:
    paragraphs: list[Paragraph]
    metadata: dict[str, str] = field(default_factory=dict)
    format: str = ""
    encoding: str | None = None
    captions: bool = False  # paragraphs are already speaker turns


@dataclass
class ImportedDoc:
    path: Path
    text: str
    segments: list[dict]
    metadata: dict[str, str]
    format: str
    encoding: str | None


def read_raw(path: Path) -> RawDoc:
    """Read a file into paragraphs and metadata, by extension."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise QualcodeError(f"{path}: unknown file type '{path.suffix}' (known: {known})")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise QualcodeError(f"{path}: cannot read ({exc.strerror})") from None
    if size == 0:
        raise QualcodeError(f"{path}: empty file")
    if size > MAX_FILE_BYTES:
        raise QualcodeError(f"{path}: file too large ({size} bytes; limit {MAX_FILE_BYTES})")
    if fmt == "docx":
        from qualcode.importers.docx_reader import read_docx as reader
    elif fmt == "odt":
        from qualcode.importers.odt_reader import read_odt as reader
    elif fmt in ("txt", "md"):
        from qualcode.importers.plain import read_plain as reader
    else:
        from qualcode.importers.captions import read_captions as reader
    raw = reader(path)
    raw.format = fmt
    return raw


def read_document(path: str | Path, interviewers: tuple[str, ...] = ()) -> ImportedDoc:
    """Read one file and cut it into speaker turns."""
    from qualcode.importers.turns import assemble

    path = Path(path)
    raw = read_raw(path)
    own = tuple(n.strip() for n in raw.metadata.get("interviewer", "").replace(";", ",").split(","))
    text, segments, header = assemble(raw, interviewers=interviewers + own, source=path)
    metadata = {**header, **raw.metadata}
    if not text.strip() or not segments:
        raise QualcodeError(f"{path}: no text found")
    return ImportedDoc(path, text, segments, metadata, raw.format, raw.encoding)
