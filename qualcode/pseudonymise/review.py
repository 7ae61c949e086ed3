"""Decisions on candidates, all audited: accept or reject a surface form (every
occurrence) or one occurrence, merge variants of one person into one pseudonym,
type a replacement, edit the allow-list and project list; export the key
(correspondence table) and forget it for good.
"""
from __future__ import annotations

from qualcode.errors import QualcodeError
from qualcode.pseudonymise.forms import fold, form_key
from qualcode.pseudonymise.replace import STYLES, default_replacement

LISTS = ("allow", "names")


def find_form(store, ref: str) -> dict:
    """A form by its id ("12" or "#12") or its text ("Élodie" finds "elodie")."""
    ref = str(ref).strip()
    form = store.pseudonym_form(form_id=int(ref.lstrip("#"))) if ref.lstrip("#").isdigit() else \
        store.pseudonym_form(form_key(ref))
    if form is None:
        raise QualcodeError(f"no candidate form '{ref}' (see 'qualcode pseudonymise review')")
    return form


def _view(form: dict, **changes) -> dict:
    view = {"form": form["surface"], "kind": form["kind"], "status": form["status"],
            "pseudonym": form.get("replacement")}
    view.update(changes)
    return view


def _new_entity(store, form: dict, style: str, replacement: str | None) -> int:
    if style not in STYLES:
        raise QualcodeError(f"unknown style '{style}' ({', '.join(STYLES)})")
    used = [e["replacement"] for e in store.pseudonym_entities()]
    if replacement is None:
        hint = form["subtype"] if form["kind"] == "person" else ""  # M/F from a title ("Madame Fatou")
        avoid = {f["key"] for f in store.pseudonym_forms()}
        replacement = default_replacement(form["kind"], form["subtype"], style, used, surface=form["surface"],
                                          gender=hint, avoid=avoid, seed=len(used) + 1)
    return store.insert_pseudonym_entity(form["kind"], _checked(store, replacement), form["subtype"])


def _checked(store, replacement: str, entity_id: int | None = None) -> str:
    replacement = " ".join(str(replacement).split())
    if not replacement:
        raise QualcodeError("a pseudonym cannot be empty")
    taken = [e for e in store.pseudonym_entities() if e["replacement"] == replacement and e["id"] != entity_id
             and e["kind"] in ("person", "place", "org")]
    if taken:
        raise QualcodeError(f"'{replacement}' is already the pseudonym of someone else; "
                            "to give two forms one pseudonym, merge them")
    from qualcode.pseudonymise.forms import occurrences

    real = {f["key"] for f in store.pseudonym_forms(status="accepted") if not f["key"].startswith(("h:", "t:"))}
    if occurrences(replacement, real):
        raise QualcodeError(f"'{replacement}' holds a name being pseudonymised; choose another pseudonym")
    return replacement


def accept(project, refs, *, actor: str, replacement: str | None = None, style: str = "labels") -> list[dict]:
    """Accept forms: every occurrence will be replaced by the form's pseudonym
    (a new one of its kind unless it has one, or `replacement`)."""
    store = project.store
    done = []
    with store.transaction():
        for ref in refs:
            form = find_form(store, ref)
            entity = form["entity_id"]
            if entity is None:
                entity = _new_entity(store, form, style, replacement)
            elif replacement is not None:
                store.set_pseudonym_replacement(entity, _checked(store, replacement, entity))
            _decide(store, form, "accepted", entity, actor)
            done.append(store.pseudonym_form(form_id=form["id"]))
    return done


def _decide(store, form, status, entity_id, actor) -> None:
    from qualcode.store import now

    store.set_pseudonym_form(form["id"], status=status, entity_id=entity_id, reviewer=actor, reviewed_at=now())
    after = store.pseudonym_form(form_id=form["id"])
    store.record(actor, f"pseudonym.{status[:-2] if status.endswith('ed') else status}",
                 f"pseudonym-form:{form['id']}", _view(form), _view(after))


def reject(project, refs, *, actor: str) -> list[dict]:
    store = project.store
    with store.transaction():
        forms = [find_form(store, ref) for ref in refs]
        for form in forms:
            _decide(store, form, "rejected", None, actor)
        store.delete_unused_pseudonym_entities()
    return forms


def merge(project, refs, *, into: str, actor: str, style: str = "labels") -> dict:
    """Variants of one person ("Mohamed", "Momo", "M. Benali") get one pseudonym:
    that of `into` (accepted first if needed)."""
    store = project.store
    with store.transaction():
        target = accept(project, [into], actor=actor, style=style)[0]
        for ref in refs:
            form = find_form(store, ref)
            if form["id"] != target["id"]:
                _decide(store, form, "accepted", target["entity_id"], actor)
        store.delete_unused_pseudonym_entities()
    return store.pseudonym_form(form_id=target["id"])


def rename(project, ref: str, replacement: str, *, actor: str) -> dict:
    """Type the pseudonym of an accepted form (shared by its merged variants)."""
    store = project.store
    with store.transaction():
        form = find_form(store, ref)
        if form["entity_id"] is None:
            return accept(project, [ref], actor=actor, replacement=replacement)[0]
        store.set_pseudonym_replacement(form["entity_id"], _checked(store, replacement, form["entity_id"]))
        after = store.pseudonym_form(form_id=form["id"])
        store.record(actor, "pseudonym.rename", f"pseudonym-form:{form['id']}", _view(form), _view(after))
    return after


def accept_above(project, threshold: float, *, actor: str, style: str = "labels", kind=None) -> list[dict]:
    forms = project.store.pseudonym_forms(status="pending", kind=kind, min_score=threshold)
    return accept(project, [str(f["id"]) for f in forms], actor=actor, style=style) if forms else []


def decide_occurrences(project, ids, status: str, *, actor: str) -> list[dict]:
    """Accept or reject single occurrences ("claire" the adjective, not Claire);
    'form' makes them follow their form again."""
    if status not in ("accepted", "rejected", "form"):
        raise QualcodeError(f"unknown status '{status}' (accepted, rejected, form)")
    store = project.store
    rows = store.pseudonym_candidates(ids=[int(i) for i in ids])
    missing = sorted(set(int(i) for i in ids) - {r["id"] for r in rows})
    if missing:
        raise QualcodeError(f"no candidate occurrence {missing[0]}")
    with store.transaction():
        for row in rows:
            if status == "accepted" and row["entity_id"] is None:
                accept(project, [str(row["form_id"])], actor=actor)
            store.set_pseudonym_candidate(row["id"], status=status)
            store.record(actor, "pseudonym.occurrence", f"pseudonym-candidate:{row['id']}",
                         {"transcript": row["transcript"], "start": row["start"], "end": row["end"],
                          "text": row["text"], "status": row["status"]}, {"status": status})
    return rows


def add_word(project, list_name: str, word: str, *, actor: str, kind: str = "") -> bool:
    """Add to the allow-list (never proposed; pending forms of it are rejected) or
    to the project list of names (found everywhere by the next scan)."""
    from qualcode.pseudonymise.scan import seed_allow

    if list_name not in LISTS:
        raise QualcodeError(f"unknown list '{list_name}' ({', '.join(LISTS)})")
    word = " ".join(word.split())
    if not word:
        raise QualcodeError("an empty word cannot be listed")
    store = project.store
    with store.transaction():
        seed_allow(store, actor)
        added = store.add_pseudonym_word(list_name, form_key(word), word, kind or ("person" if list_name == "names"
                                                                                     else ""), actor)
        if added:
            store.record(actor, f"pseudonym.{list_name}.add", f"pseudonym-list:{list_name}", None, {"word": word})
        pending = store.pseudonym_form(form_key(word))
        if list_name == "allow" and pending is not None and pending["status"] == "pending":
            _decide(store, pending, "rejected", None, actor)
    return added


def remove_word(project, list_name: str, word: str, *, actor: str) -> bool:
    from qualcode.pseudonymise.scan import seed_allow

    store = project.store
    with store.transaction():
        seed_allow(store, actor)
        removed = store.remove_pseudonym_word(list_name, form_key(word))
        if removed:
            store.record(actor, f"pseudonym.{list_name}.remove", f"pseudonym-list:{list_name}", {"word": word}, None)
    return removed


def key_rows(store) -> list[dict]:
    """The correspondence table: one row per pseudonym with its real forms."""
    rows: dict[int, dict] = {}
    for form in store.pseudonym_forms(status="accepted"):
        row = rows.setdefault(form["entity_id"], {"pseudonym": form["replacement"], "kind": form["kind"],
                                                  "forms": [], "occurrences": 0, "transcripts": set()})
        row["forms"].append(form["surface"])
        row["occurrences"] += form["occurrences"]
        row["transcripts"].update(c["transcript"] for c in store.pseudonym_candidates(form_id=form["id"]))
    return [{**r, "forms": " | ".join(r["forms"]), "transcripts": ", ".join(sorted(r["transcripts"]))}
            for r in sorted(rows.values(), key=lambda r: (r["kind"], fold(r["pseudonym"])))]


def export_key(project, out, *, actor: str):
    from qualcode.exports.files import write_rows

    store = project.store
    if store.get_meta("pseudonym_key_forgotten"):
        raise QualcodeError(f"the pseudonym key was forgotten on {store.get_meta('pseudonym_key_forgotten')}; "
                            "it cannot be exported any more")
    rows = key_rows(store)
    if not rows:
        raise QualcodeError("no accepted pseudonym yet: nothing to export (qualcode pseudonymise review)")
    path = write_rows(rows, out, columns=["pseudonym", "kind", "forms", "occurrences", "transcripts"],
                      title="Table de correspondance des pseudonymes (CONFIDENTIEL)", sheet="Correspondance")
    with store.transaction():
        store.record(actor, "pseudonym.key-export", "pseudonym-key", None, {"file": str(out), "rows": len(rows)})
    return path, len(rows)


def forget(project, *, actor: str) -> dict:
    """Delete the correspondence for good: real surface forms, the project list
    and the names in the audit of decisions. Placed pseudonyms stay, and accepted
    forms keep a salted one-way key (recognised, never readable), so later exports
    come out as before."""
    from qualcode.store import now

    import secrets

    from qualcode.pseudonymise.forms import hashed_key
    from qualcode.pseudonymise.scan import allow_keys

    store = project.store
    with store.transaction():
        salt = store.get_meta("pseudonym_salt") or secrets.token_hex(16)
        store.set_meta("pseudonym_salt", salt)
        allow = allow_keys(store)
        hashed = {f["id"]: ("t:" + hashed_key(f["key"], salt)[2:] if f["key"] in allow else hashed_key(f["key"], salt))
                  for f in store.pseudonym_forms(status="accepted") if not f["key"].startswith(("h:", "t:"))}
        counts = store.forget_pseudonym_key(hashed)
        store.set_meta("pseudonym_key_forgotten", now())
        store.record(actor, "pseudonym.forget", "pseudonym-key", None, counts)
    return counts
