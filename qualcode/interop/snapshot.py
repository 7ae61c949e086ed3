"""A project as a `Bundle`: what `export qdpx` writes and what `merge` brings in
from another project folder. Reading only; GUIDs come from `identity` (stored,
or derived the same way they would be stored)."""
from __future__ import annotations

from qualcode.errors import QualcodeError
from qualcode.interop.identity import Guids, project_guids
from qualcode.interop.model import Bundle, Coding, Detached, Memo, Note, Source


def snapshot(project, *, coders=None, transcripts=None, guids: Guids | None = None) -> Bundle:
    """The project (or the given coders' codings, on the given transcripts) as a bundle."""
    from qualcode import __version__
    from qualcode.codebook.operations import spec_of

    store = project.store
    known = store.transcript_ids()
    unknown = [t for t in transcripts or () if t not in known]
    if unknown:
        raise QualcodeError(f"unknown transcript(s): {', '.join(unknown)}")
    unknown = [c for c in coders or () if c not in store.coders()]
    if unknown:
        raise QualcodeError(f"no codings by {', '.join(unknown)} (coders: {', '.join(store.coders()) or 'none'})")
    guids = guids or project_guids(store)
    rows = store.codings(coders=coders, transcripts=transcripts)
    bundle = Bundle(name=project.root.name, origin=f"qualcode {__version__}")

    def memo(text: str, key: str) -> Memo | None:
        if not text:
            return None
        guid, name = guids.notes.get(key, (None, ""))
        return Memo(text, guid, name)

    for row in store.codes():
        spec = spec_of(row)
        spec.guid = guids.codes[row["id"]]
        bundle.codes.append(spec)
        if row["memo"]:
            bundle.code_memos[row["id"]] = memo(row["memo"], f"code:{spec.guid}")
    for tid in transcripts or known:
        row = store.transcript(tid)
        bundle.sources.append(Source(
            id=tid, text=row["text"], title=row["title"], guid=guids.sources[tid],
            attributes=store.attributes(tid), memo=memo(row["memo"], f"transcript:{tid}"),
            case_guid=guids.cases[tid], segments=store.segments(tid), source_name=row["source_name"],
            format=row["format"]))
    for c in rows:
        refi = guids.codings[c["id"]]
        bundle.codings.append(Coding(
            c["transcript"], c["code"], c["coder"], c["start"], c["end"],
            memo=memo(c["memo"], f"coding:{c['id']}"), selection_guid=refi["selection_guid"],
            coding_guid=refi["coding_guid"], selection_user=refi["selection_user"],
            created=refi["created"] or c["created_at"], where=f"coding #{c['id']}"))
    wanted = set(transcripts or known)
    for d in store.detached_codings():
        if d["transcript_id"] in wanted and (not coders or d["coder"] in coders):
            bundle.detached.append(Detached(d["transcript_id"], d["code"], d["coder"], d["quote"],
                                            d["old_start"], d["old_end"], d["reason"], d["memo"]))
    for n in store.notes():
        bundle.notes.append(Note(n["guid"], n["name"], n["text"], n["author"], n["created_at"]))
    names = {c.coder for c in bundle.codings} | {c.selection_user for c in bundle.codings if c.selection_user}
    names |= {n.author for n in bundle.notes if n.author}
    bundle.users = {name: guids.users[name] for name in sorted(names) if name in guids.users}
    keys = {k for s in bundle.sources for k in s.attributes}
    bundle.variables = {k: guids.variables[k] for k in sorted(keys) if k in guids.variables}
    return bundle
