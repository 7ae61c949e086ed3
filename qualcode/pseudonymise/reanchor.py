"""Re-import with --replace: candidates (and so decisions taken on single
occurrences) move with their text; those whose text is gone are listed in
`pseudonym_unplaced`, never dropped silently. Decisions on forms need no
anchoring: a form is text, found again wherever it appears."""
from __future__ import annotations

from qualcode.pseudonymise.forms import fold


def reanchor(store, transcript_id: str, old_text: str, new_text: str, actor: str) -> list[dict]:
    """Move the transcript's candidates to the new text; returns the unplaced
    ones that carried a decision (pending ones that vanished are just removed)."""
    from qualcode.importers.batch import reanchor as place

    rows = store.pseudonym_candidates(transcript=transcript_id)
    unplaced, moves, taken = [], [], set()
    for row in rows:
        span = place(old_text, new_text, row["start"], row["end"])
        if span is not None and fold(new_text[span[0]:span[1]]) != fold(old_text[row["start"]:row["end"]]):
            span = None
        if span is None or span in taken:
            decided = row["status"] != "form" or row["form_status"] != "pending"
            if decided:
                reason = "text not found in the new version" if span is None else "two candidates on one place"
                store.insert_pseudonym_unplaced(row, reason)
                unplaced.append({**row, "reason": reason})
            store.delete_pseudonym_candidate(row["id"])
            continue
        taken.add(span)
        if span != (row["start"], row["end"]):
            moves.append((row, span))
    for row, _ in moves:  # two steps: (transcript, start, end) is unique
        store.set_pseudonym_candidate(row["id"], start=-2 * row["id"] - 1, end=-2 * row["id"])
    for row, span in moves:
        store.set_pseudonym_candidate(row["id"], start=span[0], end=span[1], text=new_text[span[0]:span[1]])
    if rows:
        store.record(actor, "pseudonym.reanchor", f"transcript:{transcript_id}", None,
                     {"candidates": len(rows), "moved": len(moves), "unplaced": len(unplaced)})
    return unplaced
