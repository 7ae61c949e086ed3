"""Speaker turns of a text that arrives already in stored form (a REFI-QDA
source after `positions.stored_form`): the importers' turn finder, without
taking 'Clé : valeur' lines out of the text, since codings point into them."""
from __future__ import annotations


def segments_for(text: str) -> list[dict]:
    """Segments (speaker, role, start, end, text, time) of a stored text."""
    from qualcode.importers import Paragraph, RawDoc
    from qualcode.importers.turns import assemble, assign_roles

    raw = RawDoc([Paragraph(line) for line in text.split("\n")], format="qdpx")
    built, segments, _ = assemble(raw, metadata_lines=False)
    if built != text:  # not in stored form after all: one segment per line keeps offsets true
        segments, pos = [], 0
        for line in text.split("\n"):
            if line.strip():
                segments.append({"speaker": None, "time": None, "start": pos, "end": pos + len(line),
                                 "text": line})
            pos += len(line) + 1
    assign_roles(segments, ())
    return segments
