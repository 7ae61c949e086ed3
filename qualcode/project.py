"""`Project`: the Python API that the CLI and the terminal screens call.

A project is a folder holding ``qualcode.db`` (SQLite), or ``qualcode.toml``
naming a PostgreSQL database (a team project, see `qualcode.team`). Open one
with ``Project.open(path)`` (walks up from `path` like git) or create one with
``Project.init(path)`` / ``Project.init(path, server=URL)``. Methods group by capability and delegate to their
module (importers, codebook, coding, assist, agreement, exports).
"""
from __future__ import annotations

import getpass
import os
from pathlib import Path

from qualcode.errors import QualcodeError
from qualcode.store import Store
from qualcode.text import word_count

DB_NAME = "qualcode.db"


def default_actor() -> str:
    """Who is acting when no --coder/--by is given."""
    try:
        return os.environ.get("QUALCODE_USER") or getpass.getuser()
    except Exception:  # no user name on some containers
        return "unknown"


class Project:
    joined = False  # init --server found a project already on the server

    def __init__(self, root: Path, store: Store):
        self.root = root
        self.store = store

    # -- opening ------------------------------------------------------------
    @classmethod
    def init(cls, path: str | Path = ".", *, server: str | None = None) -> "Project":
        """A new project in folder `path`: SQLite, or on the PostgreSQL database
        at `server` (a postgresql:// URL without password): an empty database
        becomes a new project, one holding a qualcode project is joined."""
        from qualcode.team import projectfile

        root = Path(path).resolve()
        if (root / DB_NAME).exists() or (root / projectfile.FILE_NAME).exists():
            raise QualcodeError(f"{root}: already a qualcode project")
        if server:
            projectfile.check_url(server)
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise QualcodeError(f"{root}: cannot create folder ({exc.strerror})") from None
        if not server:
            return cls(root, Store(root / DB_NAME, create=True))
        from qualcode.team.server import connect

        store, created = connect(server)  # an existing qualcode project there is joined
        projectfile.write(root, server)
        project = cls(root, store)
        project.joined = not created
        return project

    @classmethod
    def open(cls, path: str | Path | None = None) -> "Project":
        """Open the project at `path`, or the nearest one above the current folder."""
        from qualcode.team import projectfile

        start = Path(path or os.getcwd()).resolve()
        for folder in (start, *start.parents):
            if (folder / DB_NAME).is_file():
                return cls(folder, Store(folder / DB_NAME))
            if (folder / projectfile.FILE_NAME).is_file():
                return cls(folder, Store(projectfile.read(folder / projectfile.FILE_NAME)))
            if path is not None:
                break
        where = f"{start}" if path is not None else f"{start} or any parent folder"
        raise QualcodeError(f"not a qualcode project: no {DB_NAME} or {projectfile.FILE_NAME} in {where} "
                            "(run 'qualcode init')")

    def close(self) -> None:
        self.store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- transcripts --------------------------------------------------------
    def import_files(self, paths, *, manifest=None, attrs=None, interviewers=(), replace=False,
                     recursive=False, actor=None, progress=None):
        """Import files, folders or globs in one transaction; returns one
        `FileResult` per file (imported, unchanged or replaced)."""
        from qualcode.importers.batch import expand_paths, read_batch, write_batch
        from qualcode.importers.metadata import parse_attr_options

        files = expand_paths(paths, recursive=recursive) if paths else []
        if isinstance(attrs, (list, tuple)):
            attrs = parse_attr_options(list(attrs))
        docs = read_batch(files, manifest=manifest, attrs=attrs, interviewers=interviewers,
                          progress=progress)
        return write_batch(self.store, docs, replace=replace, actor=actor or default_actor())

    def transcripts(self) -> list[dict]:
        """id, title, attributes, counts (segments, words, characters, codings)."""
        attributes = self.store.all_attributes()
        rows = self.store.transcript_summaries()
        texts = {r["id"]: self.store.transcript(r["id"])["text"] for r in rows}
        for row in rows:
            row["attributes"] = attributes.get(row["id"], {})
            row["actor_type"] = row["attributes"].get("actor_type", "")
            people = row["attributes"].get("people", "")
            row["people"] = int(people) if people.isdigit() else None
            row["words"] = word_count(texts[row["id"]])
        return rows

    def transcript(self, transcript_id: str) -> dict:
        row = self.store.transcript(transcript_id)
        if row is None:
            from qualcode.errors import did_you_mean, listing

            known = self.store.transcript_ids()
            raise QualcodeError(f"unknown transcript '{transcript_id}'{did_you_mean(transcript_id, known)} "
                                f"(known: {listing(known, 10)})")
        row["attributes"] = self.store.attributes(transcript_id)
        return row

    def segments(self, transcript_id: str) -> list[dict]:
        self.transcript(transcript_id)
        return self.store.segments(transcript_id)

    def set_attribute(self, transcript_id: str, key: str, value: str, *, actor=None) -> None:
        from qualcode.importers.metadata import attribute_key, normalize_value

        self.transcript(transcript_id)
        key = attribute_key(key)
        value = normalize_value(key, value, f"attribute {key}")
        with self.store.transaction():
            before = self.store.attributes(transcript_id).get(key)
            self.store.set_attribute(transcript_id, key, value)
            self.store.record(actor or default_actor(), "attribute.set",
                              f"transcript:{transcript_id}", {key: before}, {key: value})

    def unset_attribute(self, transcript_id: str, key: str, *, actor=None) -> None:
        from qualcode.importers.metadata import attribute_key

        self.transcript(transcript_id)
        key = attribute_key(key)
        with self.store.transaction():
            before = self.store.attributes(transcript_id).get(key)
            if before is None:
                raise QualcodeError(f"transcript '{transcript_id}' has no attribute '{key}'")
            self.store.unset_attribute(transcript_id, key)
            self.store.record(actor or default_actor(), "attribute.unset",
                              f"transcript:{transcript_id}", {key: before}, None)

    # -- finished marks -----------------------------------------------------
    def mark_finished(self, transcript_id: str, coder: str, *, finished: bool = True,
                      actor=None) -> bool:
        """Mark (or unmark) `transcript_id` as completely coded by `coder`; audited.
        Returns False when the mark was already in that state."""
        self.transcript(transcript_id)
        if not coder or not coder.strip():
            raise QualcodeError("a finished mark needs a coder name (--coder NAME)")
        with self.store.transaction():
            changed = self.store.set_finished(transcript_id, coder, finished)
            if changed:
                self.store.record(actor or coder, "transcript.finished" if finished
                                  else "transcript.unfinished", f"transcript:{transcript_id}",
                                  {"coder": coder, "finished": not finished},
                                  {"coder": coder, "finished": finished})
        return changed

    def finished(self, coder: str | None = None) -> dict[str, set[str]]:
        """{coder: {transcript ids marked finished}} (of one coder, or of all)."""
        marks: dict[str, set[str]] = {}
        for row in self.store.finished_marks(coder):
            marks.setdefault(row["coder"], set()).add(row["transcript_id"])
        return marks

    # -- codebook (qualcode.codebook) ---------------------------------------
    def load_codebook(self, path, *, force: bool = False, actor=None):
        from qualcode.codebook import operations

        return operations.load(self, path, force=force, actor=actor or default_actor())

    def codes(self):
        """The project's codes as `CodeSpec`s, in codebook order."""
        from qualcode.codebook.operations import spec_of

        return [spec_of(row) for row in self.store.codes()]

    def code(self, code_id: str):
        from qualcode.codebook.operations import require_code, spec_of

        return spec_of(require_code(self.store, code_id))

    # -- whole projects in and out (qualcode.interop) ------------------------
    def import_qdpx(self, path, *, positions: str | None = None, actor=None):
        """Import a REFI-QDA project (sources, codebook, codings, coders, notes,
        attributes) in one transaction; returns an `interop.exchange.ImportResult`."""
        from qualcode.interop.exchange import import_qdpx

        return import_qdpx(self, path, positions=positions, actor=actor or default_actor())

    def export_qdpx(self, out, *, coders=None, transcripts=None, pseudonymiser=None):
        """Write the project (or some coders' codings on some transcripts) as a .qdpx
        (pseudonymised with `pseudonymiser`, see `Project.pseudonymiser`)."""
        from qualcode.interop.exchange import export_qdpx

        return export_qdpx(self, out, coders=coders, transcripts=transcripts, pseudonymiser=pseudonymiser)

    def merge(self, other, *, yes: bool = False, positions: str | None = None, actor=None):
        """Bring in another project folder, .qdpx or codings export (see `interop.merge`)."""
        from qualcode.interop.merge import merge

        return merge(self, other, yes=yes, positions=positions, actor=actor or default_actor())

    # -- exports (qualcode.exports) -----------------------------------------
    def codings_frame(self, *, coders=None, code=None):
        """pandas DataFrame, one row per coding, with its quote, label and the
        transcript's attributes (see `qualcode.exports.frames.codings_frame`)."""
        from qualcode.exports.frames import codings_frame

        return codings_frame(self.store, coders=coders, code=code)

    def excerpts_frame(self, **filters):
        """pandas DataFrame of coded excerpts; filters: code, coders, coder, where
        (see `qualcode.exports.frames.excerpts_frame`)."""
        from qualcode.exports.frames import excerpts_frame

        return excerpts_frame(self.store, **filters)

    # -- pseudonymisation (qualcode.pseudonymise) ---------------------------
    def pseudonymise_scan(self, transcripts=None, *, model: str = "sm", actor=None):
        """Propose names, places and contacts to pseudonymise (see `qualcode.pseudonymise`)."""
        from qualcode.pseudonymise.scan import scan

        return scan(self, transcripts, model=model, actor=actor or default_actor())

    def pseudonymiser(self, flag: bool | None = True):
        """The hook outgoing text passes through (`.span(transcript, start, end)`,
        `.string(text)`, `.frame(df)`), or None when not pseudonymising."""
        from qualcode.pseudonymise.apply import for_output

        return for_output(self, flag)

    # -- coding, suggestions, agreement, matrices: the rest of the small API --------
    def apply_code(self, transcript_id: str, code_id: str, coder: str, *, segment=None, quote=None,
                   occurrence=None, span=None, memo: str = "") -> dict:
        """Code a passage chosen by segment number, quote (and occurrence) or span."""
        from qualcode import coding

        self.code(code_id)  # a misspelled code is reported even when the quote is wrong too
        start, end = coding.resolve_span(self, transcript_id, segment=segment, quote=quote,
                                         occurrence=occurrence, span=span)
        return coding.add(self, transcript_id, code_id, coder, start, end, memo=memo)

    def codings(self, **filters) -> list[dict]:
        """Codings; filters: transcript, code (with sub-codes), coder, coders, attr=(key, value)."""
        return self.store.codings(**filters)

    def suggest(self, transcripts=None, *, method: str = "both", train_coder=None,
                include_interviewer: bool = False, **options):
        """Suggestions (see `qualcode.assist.suggest.suggest`; options: spacy_model,
        only_reliable, blind)."""
        from qualcode.assist.suggest import suggest

        return suggest(self, transcripts, method=method, train_coder=train_coder,
                       include_interviewer=include_interviewer, **options)

    def agreement(self, coders, *, unit: str = "character", level="all", scope: str = "all",
                  codes=(), transcripts=None):
        """Inter-coder agreement report (see `qualcode.agreement.project`)."""
        from qualcode.agreement.project import compute, load

        return compute(load(self, coders, transcripts), unit=unit, scope=scope, level=level, codes=codes)

    def matrix(self, *, by: str = "actor_type", measures=("segments",), level="all", coders=None,
               agreement_only: bool = False) -> dict:
        """Theme matrices (pandas DataFrames by measure): codes with roll-up × values of `by`."""
        from qualcode.exports.frames import codes_frame, matrix_inputs
        from qualcode.exports.matrix import theme_matrices
        from qualcode.exports.report import ACTOR_ORDER

        units, transcripts, coders = matrix_inputs(self.store, coders=coders, agreement=agreement_only)
        return theme_matrices(units, transcripts, codes_frame(self.store), by=by, measures=list(measures),
                              level=level, coders=coders, mode="agreement" if agreement_only else "union",
                              column_order=ACTOR_ORDER if by == "actor_type" else None)
