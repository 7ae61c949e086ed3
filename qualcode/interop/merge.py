"""Merging coders' work: another qualcode project folder, a .qdpx, or a codings
export (the quote-anchored YAML files of `codings export`) into this project.

The other side becomes a `Bundle` (`snapshot` of the other project, `reader`
of the .qdpx, or the codings files placed on this project's transcripts), then
`apply.plan` compares: codebook differences (`codediff`) are shown and need
`yes`; a conflict (a code id meaning something else, a transcript whose text
differs) stops everything. Codings keep their coders, so agreement can be
computed after; applying the same thing twice adds nothing; everything merged
is audited with where it came from. Only the Project/Store API is used.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualcode.errors import ManyErrors, QualcodeError
from qualcode.interop.apply import ApplyReport, Plan, apply, plan
from qualcode.interop.model import Bundle, Coding, Memo


@dataclass
class MergeResult:
    kind: str  # project, qdpx or codings
    bundle: Bundle
    plan: Plan
    written: ApplyReport | None  # None: nothing written (codebook differences need --yes)


def load_other(project, other: str | Path, *, positions: str | None = None) -> tuple[Bundle, str]:
    """The other side as a bundle, and what it was (project, qdpx, codings)."""
    path = Path(other)
    if path.is_dir() and ((path / "qualcode.db").is_file() or (path / "qualcode.toml").is_file()):
        from qualcode.interop.snapshot import snapshot
        from qualcode.project import Project

        if path.resolve() == project.root.resolve():
            raise QualcodeError(f"{path}: this is the project itself; nothing to merge")
        with Project.open(path) as theirs:
            return snapshot(theirs), "project"
    if path.suffix.lower() == ".qdpx":
        from qualcode.interop.exchange import check_positions
        from qualcode.interop.reader import read_qdpx

        check_positions(positions)
        return read_qdpx(path, positions=positions), "qdpx"
    if path.is_dir() or path.suffix.lower() in (".yaml", ".yml"):
        return codings_bundle(project, [path]), "codings"
    if not path.exists():
        raise QualcodeError(f"{path}: no such project folder, .qdpx or codings export")
    raise QualcodeError(f"{path}: not a qualcode project folder, a .qdpx or a codings export (.yaml)")


def codings_bundle(project, paths) -> Bundle:
    """Codings files placed on this project's transcripts (every quote must be found)."""
    from qualcode import codings_file
    from qualcode.codebook.operations import spec_of

    codings, errors, _ = codings_file.plan(project, paths)
    if errors:
        raise ManyErrors(errors)
    bundle = Bundle(origin="qualcode codings files")
    used = {c["code"] for c in codings}
    bundle.codes = [spec_of(row) for row in project.store.codes() if row["id"] in used]
    bundle.codings = [Coding(c["transcript"], c["code"], c["coder"], c["start"], c["end"],
                             memo=Memo(c["memo"]) if c["memo"] else None, where=c["where"])
                      for c in codings]
    return bundle


def merge(project, other: str | Path, *, yes: bool, actor: str, positions: str | None = None) -> MergeResult:
    bundle, kind = load_other(project, other, positions=positions)
    the_plan = plan(project, bundle, refi=kind == "qdpx")
    if the_plan.conflicts:
        raise ManyErrors([f"{other}: conflict: {c}; nothing merged" for c in the_plan.conflicts])
    if kind == "codings":
        the_plan.codes.removed = []  # the files name some codes only: the others are not removed there
    if not the_plan.codes.same and not yes:
        return MergeResult(kind, bundle, the_plan, None)
    written = apply(project, bundle, the_plan, actor=actor, action="project.merge",
                    provenance={"from": str(Path(other).resolve()), "kind": kind},
                    codebook_name=Path(other).stem or "merged")
    return MergeResult(kind, bundle, the_plan, written)
