"""WebVTT and SRT captions: cues with voice tags (<v Nom>) or 'Nom:' prefixes;
consecutive cues of one speaker (and unnamed cues after them) merge into one turn."""
from __future__ import annotations

import re
from collections import Counter
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
_NAME_LIKE = re.compile(r"^(?:[A-ZÀ-Þ0-9][\w'’.-]*)(?:\s+[A-ZÀ-Þ0-9][\w'’.-]*){0,2}$")
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
    header = vtt  # 'WEBVTT' and its header lines ('Kind: captions', 'Language: fr')
    for no, line in enumerate(lines):
        stripped = line.strip()
        if header and stripped and "-->" not in line:
            continue
        header = False
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
    parsed = []
    for time, payload_lines in raw:
        payload = " ".join(payload_lines)
        voice = _VOICE.search(payload)
        speaker = voice.group(1).strip() if voice else None
        payload = _TAGS.sub("", payload).strip()
        named = None if speaker else _NAME_PREFIX.match(payload)
        label = (named.group(1) or named.group(2)).strip() if named else None
        parsed.append((time, speaker, payload, named, label))
    # A 'Nom:' prefix names a speaker when it recurs, is a voice-tag name, or
    # looks like a name (every word capitalised), so "Alors voilà : ..." is speech.
    labels = Counter(label for *_, label in parsed if label)
    voices = {speaker for _, speaker, *_ in parsed if speaker}
    cues = []
    for time, speaker, payload, named, label in parsed:
        if label and (labels[label] >= 2 or label in voices or _NAME_LIKE.match(label)):
            speaker, payload = label, payload[named.end():]
        if payload:
            cues.append((time, speaker, payload))
    return cues


def _merge(cues) -> list[Paragraph]:
    turns: list[Paragraph] = []
    for time, speaker, text in cues:
        last = turns[-1] if turns else None
        # a cue without a speaker continues the current named turn
        if last is not None and (
            (speaker is None and last.speaker is not None)
            or (last.speaker == speaker and (speaker is not None or len(last.text) < MAX_UNNAMED_TURN))
        ):
            last.text = f"{last.text} {text}"
        else:
            turns.append(Paragraph(text, speaker=speaker, time=time))
    return turns
