"""Plain text and Markdown: encoding detection, YAML front matter, one paragraph
per line."""
from __future__ import annotations

import re
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.importers import Paragraph, RawDoc
from qualcode.importers.decode import decode_bytes
from qualcode.importers.metadata import normalize_metadata

_MD_BOLD_SPEAKER = re.compile(r"^\*\*([^*\n]{1,60}?)\s*(:?)\*\*\s*(:?)\s*")


def read_plain(path: Path) -> RawDoc:
    text, encoding = decode_bytes(path.read_bytes(), path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    metadata, body = split_front_matter(text, path)
    paragraphs = []
    for line in body.split("\n"):
        if path.suffix.lower() == ".md":
            line, bold = _markdown_speaker(line)
            paragraphs.append(Paragraph(line, bold))
        else:
            paragraphs.append(Paragraph(line))
    return RawDoc(paragraphs, metadata, encoding=encoding)


def split_front_matter(text: str, path: Path) -> tuple[dict[str, str], str]:
    """YAML between a first line '---' and the next '---' line."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 3)  # from 3: an empty front matter closes at once
    if end == -1:
        raise QualcodeError(f"{path}:1: front matter opened with '---' is never closed")
    block = text[4:end]
    from ruamel.yaml.error import YAMLError

    from qualcode import yamlsafe

    try:
        data = yamlsafe.make("safe").load(block) or {}
    except YAMLError as exc:
        line, problem = yamlsafe.problem(exc)
        raise QualcodeError(f"{path}:{line + 1}: bad YAML front matter: {problem}") from None
    if not isinstance(data, dict):
        raise QualcodeError(f"{path}:2: front matter must be 'key: value' lines")
    rest = text[end + 4:]
    return normalize_metadata(data, path), rest[1:] if rest.startswith("\n") else rest


def _markdown_speaker(line: str) -> tuple[str, int]:
    """'**Nom :** texte' -> ('Nom : texte', len('Nom :')) so bold speakers are seen."""
    match = _MD_BOLD_SPEAKER.match(line)
    if not match:
        return line, 0
    label = match.group(1).strip()
    rest = line[match.end():]
    prefix = f"{label} :" if (match.group(2) or match.group(3)) else label
    return f"{prefix} {rest}".rstrip(), len(prefix)
