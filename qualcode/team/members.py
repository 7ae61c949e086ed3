"""The team of a server project: adding and removing coders and supervisors,
listing them, blind mode. Each change is one audited transaction; the server
refuses what the connected role may not do (only the project's owner, with the
CREATEROLE right, manages members; supervisors switch blind mode)."""
from __future__ import annotations

from qualcode.errors import QualcodeError


def _server_store(project):
    store = project.store
    if store.dialect != "postgresql":
        raise QualcodeError("team commands need a project on a PostgreSQL server "
                            "(qualcode init --server URL, or qualcode push URL)")
    return store


def add(project, name: str, kind: str, *, password: str | None = None) -> bool:
    """Make `name` a coder or a supervisor (a login role); True when new to the team."""
    from qualcode.store import now

    store = _server_store(project)
    if kind not in ("coder", "supervisor"):
        raise QualcodeError(f"a team member is a coder or a supervisor, not '{kind}'")
    if not store.is_owner():
        raise QualcodeError(f"only the project's owner manages the team; you are '{store.current_role()}'")
    with store.transaction():
        before = store.member_kind(name)
        new = store.add_member(name, kind, store.current_role(), now(), password=password)
        store.record(store.current_role(), f"team.add-{kind}", f"role:{name}",
                     {"kind": before} if before else None, {"kind": kind})
    return bool(new)


def remove(project, name: str) -> dict:
    store = _server_store(project)
    if not store.is_owner():
        raise QualcodeError(f"only the project's owner manages the team; you are '{store.current_role()}'")
    with store.transaction():
        row = store.remove_member(name)
        if row is None:
            known = ", ".join(m["role"] for m in store.team_members()) or "none"
            raise QualcodeError(f"'{name}' is not in the team (members: {known})")
        store.record(store.current_role(), "team.remove", f"role:{name}", {"kind": row["kind"]}, None)
    return row


def members(project) -> list[dict]:
    return _server_store(project).team_members()


def set_blind(project, on: bool) -> bool:
    """Switch blind mode; returns False when it was already so. Supervisors and the owner only."""
    store = _server_store(project)
    kind = store.member_kind()
    if kind == "coder":
        raise QualcodeError(f"only a supervisor switches blind mode; '{store.current_role()}' is a coder")
    with store.transaction():
        before = store.blind()
        if before == on:
            return False
        store.set_blind(on)
        store.record(store.current_role(), "team.blind", "project",
                     {"blind": before}, {"blind": on})
    return True


def status(project) -> dict:
    """Who is connected, as what, and whether blind mode is on."""
    store = project.store
    if store.dialect != "postgresql":
        return {"server": False}
    return {"server": True, "location": store.location, "role": store.current_role(),
            "kind": store.member_kind() or ("owner" if store.is_owner() else None),
            "blind": store.blind()}
