"""Writing a `Bundle` into a project: `import` of a .qdpx and `merge` of another
project, .qdpx or codings export. One transaction: all or nothing.

`plan` looks first, writing nothing: which codes are already here (`codediff`),
which sources are transcripts already here (by GUID, then by id), and what
conflicts (a transcript whose text differs). `apply` then adds what is new:
transcripts (with speaker turns, attributes, memos), codes (into the store and
the project's YAML codebook), codings under their coders (the same coding twice
is one), detached codings, users' GUIDs, notes. Memos are merged without
repeating themselves and attributes already set here are kept, so applying the
same bundle twice adds nothing. Everything added is audited with where it came
from.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from qualcode.errors import QualcodeError
from qualcode.interop.codediff import DEFINITION, REFI_DEFINITION, CodeDiff, compare_codes
from qualcode.interop.codes import guid_key
from qualcode.interop.model import Bundle, Memo
from qualcode.text import content_hash


@dataclass
class Plan:
    codes: CodeDiff
    sources: dict[str, str] = field(default_factory=dict)  # bundle source id -> transcript id here
    new: set[str] = field(default_factory=set)  # bundle source ids that become new transcripts
    conflicts: list[str] = field(default_factory=list)
    kept_here: list[str] = field(default_factory=list)  # attribute values that differ, kept as here


@dataclass
class ApplyReport:
    counts: dict[str, Counter] = field(default_factory=dict)

    def count(self, kind: str, what: str, n: int = 1) -> None:
        if n:
            self.counts.setdefault(kind, Counter())[what] += n


def plan(project, bundle: Bundle, *, refi: bool = True) -> Plan:
    """What applying `bundle` would do; conflicts listed, nothing written."""
    store = project.store
    result = Plan(codes=compare_codes(project.codes(), bundle.codes,
                                      REFI_DEFINITION if refi else DEFINITION))
    result.conflicts.extend(result.codes.conflicts)
    by_guid = {guid_key(v["guid"]): k for k, v in store.refi_ids("source").items()}
    taken = set(store.transcript_ids())
    for source in bundle.sources:
        tid = by_guid.get(guid_key(source.guid)) if source.guid else None
        if tid is None and source.id in taken and source.id not in result.sources.values():
            tid = source.id
        if tid is None:
            tid, n = source.id, 2
            while tid in taken:
                tid, n = f"{source.id}-{n}", n + 1
            taken.add(tid)
            result.new.add(source.id)
        else:
            row = store.transcript(tid)
            if row["content_hash"] != content_hash(source.text):
                result.conflicts.append(f"source {source.title or source.id!r} ({source.guid or 'no GUID'}) is "
                                        f"transcript '{tid}' here, but its text differs")
            here = store.attributes(tid)
            result.kept_here += [f"{tid}: {k} = {here[k]!r} here, {v!r} there (kept as here)"
                                 for k, v in source.attributes.items() if k in here and here[k] != v]
        result.sources[source.id] = tid
    return result


def merged_memo(here: str, there: str) -> str:
    """Memo text after bringing `there` in: nothing repeated, so merging twice changes nothing."""
    if not there or there in here:
        return here
    return f"{here}\n\n{there}" if here else there


def apply(project, bundle: Bundle, the_plan: Plan, *, actor: str, action: str, provenance: dict,
          codebook_name: str = "imported") -> ApplyReport:
    """Write the bundle as planned. Raises on conflicts, before writing anything."""
    if the_plan.conflicts:
        more = f" (and {len(the_plan.conflicts) - 1} more)" if len(the_plan.conflicts) > 1 else ""
        raise QualcodeError(f"{provenance.get('from', 'input')}: conflict: {the_plan.conflicts[0]}{more}; "
                            "nothing written")
    from qualcode.codebook import filesync

    report = ApplyReport()
    store = project.store
    with filesync.transaction(project) as pending:
        for name, guid in bundle.users.items():
            if name not in store.refi_ids("user"):
                store.set_refi_id("user", name, guid)
                report.count("users", "added")
        _sources(project, bundle, the_plan, report, actor, action, provenance)
        pks = _codebook(project, bundle, the_plan, report, actor, provenance, codebook_name, pending)
        _codings(project, bundle, the_plan, pks, report, actor, action, provenance)
        known = {guid_key(n["guid"]) for n in store.notes()}
        for note in bundle.notes:
            if guid_key(note.guid) not in known:
                store.insert_note(note.guid, note.name, note.text, note.author, note.created)
                store.record(actor, "note.add", f"note:{note.guid}", None,
                             {"name": note.name, "text": note.text, **provenance})
                report.count("notes", "added")
        for key, guid in bundle.variables.items():
            if key not in store.refi_ids("variable"):
                store.set_refi_id("variable", key, guid)
        store.record(actor, action, "project", None,
                     {**provenance, **{k: dict(v) for k, v in report.counts.items()}})
    return report


def _sources(project, bundle, the_plan, report, actor, action, provenance) -> None:
    from qualcode.interop.segments import segments_for

    store = project.store
    for source in bundle.sources:
        tid = the_plan.sources[source.id]
        if source.id in the_plan.new:
            segments = source.segments if source.segments is not None else segments_for(source.text)
            store.insert_transcript({"id": tid, "title": source.title, "source_name": source.source_name or tid,
                                     "format": source.format, "encoding": "utf-8",
                                     "content_hash": content_hash(source.text), "text": source.text})
            store.replace_segments(tid, segments)
            store.record(actor, "transcript.import", f"transcript:{tid}", None,
                         {"source": source.title, "guid": source.guid, "hash": content_hash(source.text),
                          "segments": len(segments), **provenance})
            report.count("transcripts", "added")
        else:
            report.count("transcripts", "already here")
        if source.guid and tid not in store.refi_ids("source"):
            store.set_refi_id("source", tid, source.guid)
        if source.case_guid and tid not in store.refi_ids("case"):
            store.set_refi_id("case", tid, source.case_guid)
        here = store.attributes(tid)
        added = {k: v for k, v in source.attributes.items() if k not in here}
        for key, value in added.items():
            store.set_attribute(tid, key, value)
        if added:
            store.record(actor, "attribute.set", f"transcript:{tid}", None, {**added, **provenance})
            report.count("attributes", "set", len(added))
        _memo(store, source.memo, "transcript", tid, store.transcript(tid)["memo"], report, actor,
              lambda text, tid=tid: store.update_transcript(tid, memo=text))


def _memo(store, memo: Memo | None, kind: str, key: str, here: str, report, actor, write) -> None:
    if memo is None or not memo.text:
        return
    text = merged_memo(here, memo.text)
    if text != here:
        write(text)
        store.record(actor, f"{kind}.memo", f"{kind}:{key}", {"memo": here}, {"memo": text})
        report.count("memos", f"on {kind}s")
    if memo.guid and f"{kind}:{key}" not in store.refi_ids("note"):
        store.set_refi_id("note", f"{kind}:{key}", memo.guid, memo.name or None)


def _codebook(project, bundle, the_plan, report, actor, provenance, codebook_name, pending) -> dict[str, int]:
    """New codes into the store and the project's codebook file (staged in `pending`,
    or a new file under codebooks/ when the project has none); their pks by bundle id."""
    from qualcode.codebook import operations, yamlfile

    store = project.store
    diff = the_plan.codes
    pairs = dict(diff.pairs)
    taken = {c["id"] for c in store.codes()}
    new_specs = []
    for spec in diff.added:  # parents come first
        base = f"{pairs[spec.parent]}/{spec.slug}" if spec.parent else spec.slug
        new_id, n = base, 2
        while new_id in taken:
            new_id, n = f"{base}-{n}", n + 1
        taken.add(new_id)
        pairs[spec.id] = new_id
        new_specs.append(_with_id(spec, new_id))
    edit = operations.file_edit(project)
    operations.add_many(project, new_specs, edit, actor=actor, source=provenance)
    report.count("codes", "added", len(new_specs))
    report.count("codes", "already here", len(diff.pairs))
    rows = {r["id"]: r for r in store.codes()}
    used = {guid_key(r["guid"]) for r in rows.values() if r["guid"]}
    for theirs in bundle.codes:
        row = rows[pairs[theirs.id]]
        if theirs.guid and not row["guid"] and guid_key(theirs.guid) not in used:
            store.set_code_guid(row["pk"], theirs.guid)
            used.add(guid_key(theirs.guid))
    for code_id, memo in bundle.code_memos.items():
        row = store.code(pairs[code_id])
        _memo(store, memo, "code", row["guid"] or row["id"], row["memo"], report, actor,
              lambda text, pk=row["pk"]: store.set_code_memo(pk, text))
    if edit.book is not None and edit.dirty:
        pending.write(edit.path, yamlfile.dumps(edit.book), before=edit.source)
    elif edit.book is None and new_specs:
        folder = project.root / "codebooks"
        folder.mkdir(parents=True, exist_ok=True)
        target, n = folder / f"{codebook_name}.yaml", 2
        while target.exists():
            target, n = folder / f"{codebook_name}-{n}.yaml", n + 1
        pending.write(target, yamlfile.dumps_specs(project.codes(), name=bundle.name or codebook_name))
        operations.remember_path(project, target)
    return {their: rows[ours]["pk"] for their, ours in pairs.items()}


def _with_id(spec, new_id: str):
    from dataclasses import replace

    return replace(spec, id=new_id, line=None)


def _codings(project, bundle, the_plan, pks, report, actor, action, provenance) -> None:
    store = project.store
    known = {guid_key(r["coding_guid"]) for r in store.coding_refi().values()}
    code_ids = {r["pk"]: r["id"] for r in store.codes()}
    texts: dict[str, str] = {}
    kind = action.split(".")[-1]
    for c in bundle.codings:
        tid = the_plan.sources.get(c.source, c.source)
        if c.coding_guid and guid_key(c.coding_guid) in known:
            report.count("codings", "already here")
            continue
        if tid not in texts:
            texts[tid] = store.transcript(tid)["text"]
        text = texts[tid]
        memo = c.memo.text if c.memo else ""
        new_id = store.insert_coding(tid, pks[c.code], c.coder, c.start, c.end, memo=memo, origin=kind,
                                     provenance={**provenance, **({"coding": c.coding_guid} if c.coding_guid else {})})
        if new_id is None:
            existing = store.find_coding(tid, pks[c.code], c.coder, c.start, c.end)
            _memo(store, c.memo, "coding", str(existing["id"]), existing["memo"], report, actor,
                  lambda text, cid=existing["id"]: store.update_coding(cid, memo=text))
            report.count("codings", "already here")
            continue
        if c.coding_guid:
            store.set_coding_refi(new_id, c.selection_guid or c.coding_guid, c.coding_guid, c.selection_user,
                                  c.created)
            known.add(guid_key(c.coding_guid))
        if c.memo and c.memo.guid:
            store.set_refi_id("note", f"coding:{new_id}", c.memo.guid, c.memo.name or None)
        store.record(actor, f"coding.{kind}", f"coding:{new_id}", None,
                     {"transcript": tid, "code": code_ids[pks[c.code]], "coder": c.coder, "start": c.start,
                      "end": c.end, "quote": text[c.start:c.end], "memo": memo, **provenance})
        report.count("codings", "added")
        report.count("coders", c.coder)
    for d in bundle.detached:
        tid = the_plan.sources.get(d.source, d.source)
        pk = pks[d.code]
        if store.detached_exists(tid, pk, d.coder, d.start, d.end, d.reason):
            report.count("detached codings", "already here")
            continue
        store.insert_detached({"transcript": tid, "code_pk": pk, "coder": d.coder, "start": d.start,
                               "end": d.end, "memo": d.memo}, d.quote, d.reason)
        store.record(actor, "coding.detach", f"transcript:{tid}", None,
                     {"code": code_ids[pk], "coder": d.coder, "quote": d.quote, "reason": d.reason,
                      **provenance})
        report.count("detached codings", "added")

