"""WebVTT and SRT captions: cues with voice tags (<v Nom>) or 'Nom:' prefixes;
consecutive cues of one speaker merge into one turn."""
from __future__ import annotations

import re
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.importers import Paragraph, RawDoc
from qualcode.importers.decode import decode_bytes

_TIMING = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAGS = re.compile(r"</?[^>\n]*>")
_NAME_PREFIX = re.compile(r"^(?:-\s*)?(?:\[([^\]]{1,40})\]|([A-ZÀ-Þ][\w'’ .-]{0,38}?))\s*:\s*")
MAX_UNNAMED_TURN = 800  # characters; unnamed captions are cut into turns of about this size


def read_captions(path: Path) -> RawDoc:
    text, encoding = decode_bytes(path.read_bytes(), path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    vtt = path.suffix.lower() == ".vtt"
    if vtt and not text.startswith("WEBVTT"):
        raise QualcodeError(f"{path}:1: not a WebVTT file (first line must be 'WEBVTT')")
    cues = _cues(text, path, vtt)
    if not cues:
        raise QualcodeError(f"{path}: no captions found")
    return RawDoc(_merge(cues), encoding=encoding, captions=True)


def _cues(text: str, path: Path, vtt: bool) -> list[tuple[str, str | None, str]]:
    """(start time, speaker, text) per cue. A timing line opens a cue; the line
    before it is the cue's identifier when it follows a blank line or is a number."""
    lines = text.split("\n")
    raw: list[tuple[str, list[str]]] = []
    skipping = False
    after_blank = True
    for no, line in enumerate(lines):
        if vtt and no == 0:
            continue
        stripped = line.strip()
        next_is_timing = no + 1 < len(lines) and "-->" in lines[no + 1]
        if not stripped:
            skipping, after_blank = False, True
            continue
        if skipping:
            continue
        if vtt and after_blank and stripped.startswith(("NOTE", "STYLE", "REGION")):
            skipping = True
            continue
        if "-->" in line:
            match = _TIMING.match(line)
            if not match:
                raise QualcodeError(f"{path}:{no + 1}: bad caption timing '{stripped}'")
            raw.append((match.group(1).replace(",", "."), []))
        elif next_is_timing and (after_blank or stripped.isdigit()):
            pass  # cue identifier
        elif not raw or after_blank:
            raise QualcodeError(f"{path}:{no + 1}: caption text without a timing line")
        else:
            raw[-1][1].append(stripped)
        after_blank = False
    cues = []
    for time, payload_lines in raw:
        payload = " ".join(payload_lines)
        speaker = None
        voice = _VOICE.search(payload)
        if voice:
            speaker = voice.group(1).strip()
        payload = _TAGS.sub("", payload).strip()
        if speaker is None:
            named = _NAME_PREFIX.match(payload)
            if named:
                speaker = (named.group(1) or named.group(2)).strip()
                payload = payload[named.end():]
        if payload:
            cues.append((time, speaker, payload))
    return cues


def _merge(cues) -> list[Paragraph]:
    turns: list[Paragraph] = []
    for time, speaker, text in cues:
        last = turns[-1] if turns else None
        if last is not None and last.speaker == speaker and (
            speaker is not None or len(last.text) < MAX_UNNAMED_TURN
        ):
            last.text = f"{last.text} {text}"
        else:
            turns.append(Paragraph(text, speaker=speaker, time=time))
    return turns
