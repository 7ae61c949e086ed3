"""The exchange model: a whole project as plain data, between the places it
comes from and goes to.

A `Bundle` is what a .qdpx reads into (`reader`), what a project snapshots into
(`snapshot`, for export and for merging another project) and what `apply`
writes into a project. Offsets in it are always qualcode's: code points over the
stored text of its sources. `ReadReport` counts, per element kind, what was
read, kept, detached and skipped, and lists each local problem on one line.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from qualcode.codebook.model import CodeSpec


@dataclass
class Memo:
    """A memo and the REFI note it came from (or goes to)."""

    text: str
    guid: str | None = None
    name: str = ""


@dataclass
class Source:
    """A text source: a transcript."""

    id: str
    text: str  # the stored form
    title: str = ""
    guid: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    memo: Memo | None = None
    case_guid: str | None = None
    segments: list[dict] | None = None  # None: cut into turns when applied
    source_name: str = ""
    format: str = "qdpx"


@dataclass
class Coding:
    source: str  # Source.id
    code: str  # CodeSpec.id
    coder: str
    start: int
    end: int
    memo: Memo | None = None
    selection_guid: str | None = None
    coding_guid: str | None = None
    selection_user: str | None = None
    created: str | None = None
    where: str = ""  # how messages name it


@dataclass
class Detached:
    """A coding whose place could not be proven: kept aside with the reason."""

    source: str
    code: str
    coder: str
    quote: str
    start: int  # as given by the producer
    end: int
    reason: str
    memo: str = ""


@dataclass
class Note:
    """A project-level note (memo)."""

    guid: str
    name: str
    text: str
    author: str | None = None
    created: str | None = None


@dataclass
class ReadReport:
    counts: dict[str, Counter] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # one line per local problem
    warnings: list[str] = field(default_factory=list)
    positions: str = ""  # the unit used, and why

    def count(self, kind: str, what: str, n: int = 1) -> None:
        if n:
            self.counts.setdefault(kind, Counter())[what] += n

    def problem(self, kind: str, what: str, line: str, n: int = 1) -> None:
        self.count(kind, what, n)
        self.problems.append(line)


@dataclass
class Bundle:
    name: str = ""
    origin: str | None = None
    codes: list[CodeSpec] = field(default_factory=list)
    code_memos: dict[str, Memo] = field(default_factory=dict)  # code id -> memo
    sources: list[Source] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)
    detached: list[Detached] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)  # coder name -> guid
    notes: list[Note] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # attribute key -> guid
    project_guid: str | None = None
    report: ReadReport = field(default_factory=ReadReport)
