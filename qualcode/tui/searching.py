"""Search on the coding screen: `/` and `?` open a field at the bottom; hits show
while typing (accents and case optional, `*` for any letters), enter keeps them
and selects the first one after (or before) the cursor, `n`/`N` go through them.
With lemmas (ctrl+l in the field), inflections match too: the transcript's spaCy
parse comes from the project's cache (parsed once, in the background, if
missing). `g` jumps to a turn number; `K` searches the whole project (KWIC)."""
from __future__ import annotations

import bisect

from qualcode.errors import QualcodeError
from qualcode.search import in_turns, make_finder
from qualcode.tui.dialogs import Prompt

PLACEHOLDERS = {
    "search": "search {where} (accents and case optional, * = any letters; ctrl+l: lemmas; esc cancels)",
    "goto": "go to turn number ({first}–{last})",
    "kwic": "search the whole project (keyword in context; ctrl+l: lemmas)",
}


class Searching:
    """Mixin for `TagApp`: needs project, transcript_id, text, segments, cursor,
    anchor, set_cursor, select_hit, hit_from, report, update_bars, view."""

    def init_search(self) -> None:
        self.hits: list[tuple[int, int]] = []
        self.hit_starts: list[int] = []
        self.search_pattern: str | None = None
        self.search_direction = 1
        self.search_lemma = False
        self._origin: tuple[int, int | None] | None = None

    # -- hits -----------------------------------------------------------------------
    def hits_between(self, lo: int, hi: int) -> list[tuple[int, int]]:
        k = max(0, bisect.bisect_right(self.hit_starts, lo) - 1)
        out = []
        for s, e in self.hits[k:]:
            if s >= hi:
                break
            if e > lo:
                out.append((s, e))
        return out

    def current_hit(self) -> int | None:
        span = self.selection()
        if span is None:
            return None
        k = bisect.bisect_left(self.hit_starts, span[0])
        return k + 1 if k < len(self.hits) and self.hits[k] == span else None

    def set_hits(self, hits: list[tuple[int, int]]) -> None:
        self.hits = sorted(hits)
        self.hit_starts = [s for s, _ in self.hits]
        self.view.refresh()

    def find(self, pattern: str, lemma: bool = False, project=None) -> list[tuple[int, int]]:
        finder = make_finder(project or self.project, pattern, {self.transcript_id: self.text}, lemma=lemma)
        return [span for _, span in in_turns(finder(self.transcript_id, self.text), self.segments)]

    # -- the field ----------------------------------------------------------------------
    def action_prompt(self, mode: str, direction: int = 1) -> None:
        prompt = self.query_one(Prompt)
        if mode == "search":
            self.search_direction = direction
            self._origin = (self.cursor, self.anchor)
        numbers = [s.get("idx", i + 1) for i, s in enumerate(self.segments)]
        text = PLACEHOLDERS[mode].format(where="forward" if direction > 0 else "backward",
                                         first=numbers[0], last=numbers[-1])
        prompt.open(mode, text, value=(self.search_pattern or "") if mode == "kwic" else "",
                    lemma=self.search_lemma)

    def on_input_changed(self, event) -> None:
        prompt = event.input
        if not isinstance(prompt, Prompt) or prompt.mode != "search" or prompt.lemma:
            return
        try:
            hits = self.find(event.value) if event.value.strip(" *") else []
        except QualcodeError:
            hits = []
        self.set_hits(hits)
        self.search_pattern = event.value or None
        if hits:  # show where enter would go
            origin = self._origin[0] if self._origin else self.cursor
            start, end = hits[self.first_hit(origin)]
            self.set_cursor(end, start)
        elif self._origin:
            self.set_cursor(*self._origin)

    def on_prompt_done(self, message: Prompt.Done) -> None:
        if message.mode == "goto":
            if message.value:
                self.go_to_turn(message.value.strip())
        elif message.mode == "kwic":
            if message.value and message.value.strip():
                self.open_kwic(message.value.strip(), message.lemma)
        elif message.value is None:  # search cancelled: back where it started
            if self._origin:
                self.set_cursor(*self._origin)
            self.set_hits(self.find(self.search_pattern) if self.search_pattern and not self.search_lemma else [])
        else:
            self.run_search(message.value or self.search_pattern or "", message.lemma)

    def open_kwic(self, pattern: str, lemma: bool) -> None:
        from qualcode.tui.kwic import KwicScreen

        self.search_pattern, self.search_lemma = pattern, lemma
        self.push_screen(KwicScreen(self, pattern, lemma), lambda _: self.reload())

    def run_search(self, pattern: str, lemma: bool) -> None:
        if not pattern.strip(" *"):
            self.report("nothing to search: type a word", "warning")
            return
        self.search_pattern, self.search_lemma = pattern, lemma
        if lemma:
            self.last_action = f"searching lemmas of «{pattern}»…"
            self.update_bars()
            self.run_worker(lambda: self._lemma_hits(pattern), thread=True, exclusive=True, group="lemma")
            return
        ok, hits = self.call(self.find, pattern)
        if ok:
            self.show_hits(hits)

    def _lemma_hits(self, pattern: str) -> None:
        """In a worker thread, with its own connection to the project."""
        from qualcode.project import Project

        try:
            with Project.open(self.project.root) as project:
                hits = self.find(pattern, lemma=True, project=project)
        except QualcodeError as exc:
            self.call_from_thread(self.report, str(exc))
            return
        self.call_from_thread(self.show_hits, hits)

    def show_hits(self, hits: list[tuple[int, int]]) -> None:
        self.set_hits(hits)
        kind = "lemmas of " if self.search_lemma else ""
        if not hits:
            self.last_action = f"no hits for {kind}«{self.search_pattern}»"
            self.report(self.last_action, "warning")
            if self._origin:
                self.set_cursor(*self._origin)
            return
        origin = self._origin[0] if self._origin else self.cursor
        self.last_action = f"{len(hits)} hits for {kind}«{self.search_pattern}»"
        self.select_hit(self.first_hit(origin))

    def first_hit(self, origin: int) -> int:
        """Where a new search lands: the first hit at or after `origin` (forward),
        the last one before it (backward), wrapping round."""
        return self.hit_from(origin - 1, 1) if self.search_direction > 0 else self.hit_from(origin, -1)
