"""Whole projects in and out: `import_qdpx` (a .qdpx into this project, one
transaction) and `export_qdpx` (this project, or some coders' codings on some
transcripts, as a .qdpx)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.interop.apply import ApplyReport, Plan, apply, plan
from qualcode.interop.model import Bundle, ReadReport
from qualcode.interop.positions import UNITS


@dataclass
class ImportResult:
    read: ReadReport
    plan: Plan
    written: ApplyReport
    origin: str | None


def check_positions(positions: str | None) -> None:
    if positions is not None and positions not in UNITS:
        raise QualcodeError(f"--positions must be {' or '.join(UNITS)}, not '{positions}'")


def import_qdpx(project, path: str | Path, *, positions: str | None = None, actor: str) -> ImportResult:
    """Read a .qdpx and write what it holds into the project (all or nothing)."""
    from qualcode.interop.reader import read_qdpx

    check_positions(positions)
    path = Path(path)
    bundle = read_qdpx(path, positions=positions)
    the_plan = plan(project, bundle)
    written = apply(project, bundle, the_plan, actor=actor, action="project.import",
                    provenance={"from": path.name}, codebook_name=path.stem)
    return ImportResult(bundle.report, the_plan, written, bundle.origin)


def export_qdpx(project, out: str | Path, *, coders=None, transcripts=None, pseudonymiser=None) -> Bundle:
    """Write the project as a .qdpx; GUIDs qualcode makes are stored first, so
    exporting an unchanged project again gives the same bytes. With a
    `pseudonymiser` (qualcode.pseudonymise.apply), texts and positions are pseudonymised."""
    from qualcode.interop.identity import ensure_guids
    from qualcode.interop.snapshot import snapshot
    from qualcode.interop.writer import write_qdpx

    guids = ensure_guids(project)
    bundle = snapshot(project, coders=coders, transcripts=transcripts, guids=guids)
    if not bundle.sources and not bundle.codes:
        raise QualcodeError(f"{Path(out).name}: nothing to export (no transcripts and no codes)")
    if pseudonymiser is not None:
        from qualcode.pseudonymise.bundle import pseudonymise_bundle

        pseudonymise_bundle(bundle, pseudonymiser)
    write_qdpx(bundle, out)
    return bundle
