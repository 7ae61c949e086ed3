"""The GUIDs other tools know a project's entities by.

An entity keeps the GUID it was imported with. One qualcode made gets a GUID
derived from what it is (uuid5 of its kind and key: a code's id, a transcript's
id and text, a coder's name, a coding's transcript, code, coder and span), made
once and stored, so it does not change when the entity is renamed later, and two
coders' projects built from the same files and codebook give their common
entities the same GUIDs, which lets REFI-QDA tools (and `merge`) match them.

`project_guids` computes them without writing (for reading another project);
`ensure_guids` also stores the new ones (before an export).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from qualcode.interop.codes import GUID_NAMESPACE, code_guid, guid_key, is_guid


def derived(kind: str, key: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


@dataclass
class Guids:
    codes: dict[str, str] = field(default_factory=dict)  # code id -> guid
    sources: dict[str, str] = field(default_factory=dict)  # transcript id -> guid
    cases: dict[str, str] = field(default_factory=dict)  # transcript id -> guid
    users: dict[str, str] = field(default_factory=dict)  # coder name -> guid
    variables: dict[str, str] = field(default_factory=dict)  # attribute key -> guid
    codings: dict[int, dict] = field(default_factory=dict)  # coding id -> selection/coding guid, ...
    notes: dict[str, tuple[str, str]] = field(default_factory=dict)  # 'transcript:ID'... -> (guid, name)
    missing: list[tuple] = field(default_factory=list)  # (store method, args) to persist them


def project_guids(store, codings: list[dict] | None = None) -> Guids:
    """Every GUID of the project (stored, or derived and listed in `missing`)."""
    out = Guids()
    used: set[str] = set()
    for row in store.codes():
        guid = row["guid"]
        if not is_guid(guid) or guid_key(guid) in used:
            guid = code_guid(row["id"])
            out.missing.append(("set_code_guid", row["pk"], guid))
        used.add(guid_key(guid))
        out.codes[row["id"]] = guid
    transcripts = store.transcript_heads()
    _kind(store, out, "source", out.sources, {t["id"]: derived("source", f"{t['id']}:{t['content_hash']}")
                                              for t in transcripts})
    _kind(store, out, "case", out.cases, {t["id"]: derived("case", t["id"]) for t in transcripts})
    names = set(store.coders())
    rows = codings if codings is not None else store.codings()
    refi = store.coding_refi()
    names |= {r["selection_user"] for r in refi.values() if r["selection_user"]}
    names |= {n["author"] for n in store.notes() if n["author"]}
    _kind(store, out, "user", out.users, {n: derived("user", n) for n in sorted(names)})
    keys = sorted({k for attrs in store.all_attributes().values() for k in attrs})
    _kind(store, out, "variable", out.variables, {k: derived("variable", k) for k in keys})
    _codings(out, rows, refi)
    _notes(store, out, rows, transcripts)
    return out


def _kind(store, out: Guids, kind: str, target: dict, wanted: dict[str, str]) -> None:
    stored = store.refi_ids(kind)
    for key, guid in stored.items():
        target[key] = guid["guid"]
    for key, guid in wanted.items():
        if key not in target:
            target[key] = guid
            out.missing.append(("set_refi_id", kind, key, guid))


def _codings(out: Guids, rows: list[dict], refi: dict[int, dict]) -> None:
    spans: dict[str, tuple] = {}  # selection guid -> (transcript, start, end) it stands for
    for c in sorted(rows, key=lambda r: r["id"]):
        span = (c["transcript"], c["start"], c["end"])
        source = out.sources[c["transcript"]]
        known = refi.get(c["id"])
        selection = known["selection_guid"] if known else derived(
            "selection", f"{source}:{c['coder']}:{c['start']}:{c['end']}")
        if spans.setdefault(guid_key(selection), span) != span:  # edited since: its own selection now
            selection = derived("selection", f"{selection}:{c['start']}:{c['end']}")
            spans[guid_key(selection)] = span
        coding = known["coding_guid"] if known else derived(
            "coding", f"{source}:{out.codes[c['code']]}:{c['coder']}:{c['start']}:{c['end']}")
        entry = {"selection_guid": selection, "coding_guid": coding,
                 "selection_user": known["selection_user"] if known else None,
                 "created": known["created"] if known else None}
        out.codings[c["id"]] = entry
        if not known or known["selection_guid"] != selection:
            out.missing.append(("set_coding_refi", c["id"], selection, coding, entry["selection_user"],
                                entry["created"]))


def _notes(store, out: Guids, codings: list[dict], transcripts: list[dict]) -> None:
    stored = store.refi_ids("note")
    wanted = [f"transcript:{t['id']}" for t in transcripts if t["memo"]]
    wanted += [f"code:{out.codes[r['id']]}" for r in store.codes() if r["memo"]]
    wanted += [f"coding:{c['id']}" for c in codings if c["memo"]]
    for key in wanted:
        if key in stored:
            out.notes[key] = (stored[key]["guid"], stored[key]["name"] or "")
        else:
            guid = derived("note", key)
            out.notes[key] = (guid, "")
            out.missing.append(("set_refi_id", "note", key, guid, None))


def ensure_guids(project) -> Guids:
    """`project_guids`, storing the ones made now (one transaction)."""
    guids = project_guids(project.store)
    if guids.missing:
        with project.store.transaction():
            for method, *args in guids.missing:
                getattr(project.store, method)(*args)
        guids.missing = []
    return guids
