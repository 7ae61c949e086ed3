"""The coding screen (`qualcode tag TRANSCRIPT --coder NAME`).

Shows a transcript's turns (`view.TranscriptView`) with a cursor and a selection
over the stored text (offsets are Python string indices into
``project.transcript(id)["text"]``), the coder's codings coloured in the text and
as stripes in the margin, and applies, removes, changes, annotates and undoes
codings through `qualcode.coding` (`actions`). Moves, search and jumps are in
`moves`; the bars under the text in `bars`. Every action is one library call in
its own transaction: nothing is kept unsaved, so quitting or a crash loses
nothing already done.
"""
from __future__ import annotations

import bisect

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from qualcode.errors import QualcodeError
from qualcode.tui import bars
from qualcode.tui.actions import CodingActions
from qualcode.tui.colors import code_color, code_colors
from qualcode.tui.dialogs import HelpScreen, Prompt
from qualcode.tui.keys import BINDINGS, KEYS
from qualcode.tui.moves import Moves
from qualcode.tui.panel import CodePanel
from qualcode.tui.searching import Searching
from qualcode.tui.slots import Slots, load_pins
from qualcode.tui.view import TranscriptView


class TagApp(CodingActions, Moves, Searching, App):
    """Code one transcript as one coder."""

    TITLE = "qualcode tag"
    AUTO_FOCUS = None  # keys go to the app's bindings; fields take focus when opened
    CSS = """
    #title { height: 1; background: $primary; color: $text; padding: 0 1; }
    #main { height: 1fr; }
    #turns { width: 1fr; height: 1fr; }
    #here, #slots, #status, #keys { height: 1; padding: 0 1; }
    #status { background: $panel; }
    #keys { padding: 0 0; }
    #prompt { height: 1; border: none; padding: 0 1; display: none; }
    """
    BINDINGS = BINDINGS

    def __init__(self, project, transcript_id: str, coder: str) -> None:
        super().__init__()
        if not coder or not coder.strip():
            raise QualcodeError("the coding screen needs a coder name (--coder)")
        self.project = project
        self.transcript_id = transcript_id
        self.coder = coder
        self.info = project.transcript(transcript_id)
        self.text: str = self.info["text"]
        self.segments: list[dict] = project.segments(transcript_id) or (
            [{"idx": 1, "speaker": None, "role": "respondent", "start": 0, "end": len(self.text)}])
        self.starts = [s["start"] for s in self.segments]
        self.load_codes()
        self.codings: list[dict] = project.store.codings(transcript=transcript_id)
        self.codings_version = 0
        self.cursor: int = self.segments[0]["start"]
        self.anchor: int | None = None
        self.marking = False
        self.show_others = False
        self.slots = Slots(load_pins(project.store, coder), self._recent_from_store())
        self.history: list[dict] = []  # undo stack of this session's actions
        self.last_action = "ready"
        self.messages: list[str] = []  # errors and warnings shown as notifications
        self.hover_text: str | None = None
        self.is_finished = transcript_id in project.finished(coder).get(coder, set())
        self.init_search()

    # -- layout ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(id="title")
        with Horizontal(id="main"):
            self.view = TranscriptView(self, id="turns")
            yield self.view
            yield CodePanel(self, id="panel")
        yield Static(id="here")
        yield Static(id="slots")
        yield Static(id="status")
        yield Prompt(id="prompt")
        yield Static(id="keys")

    def on_mount(self) -> None:
        self.update_bars()

    def on_resize(self) -> None:
        self.update_bars()

    # -- what the view draws -----------------------------------------------------
    def load_codes(self) -> None:
        specs = self.project.codes()
        self.codes = {spec.id: spec for spec in specs}
        self.code_hues = code_colors(specs)

    def turn_index(self, pos: int | None = None) -> int:
        pos = self.cursor if pos is None else pos
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def selection(self) -> tuple[int, int] | None:
        if self.anchor is None or self.anchor == self.cursor:
            return None
        return min(self.anchor, self.cursor), max(self.anchor, self.cursor)

    def target_span(self) -> tuple[int, int]:
        """The selection, or the whole current turn."""
        seg = self.segments[self.turn_index()]
        return self.selection() or (seg["start"], seg["end"])

    def mine(self) -> list[dict]:
        return [c for c in self.codings if c["coder"] == self.coder]

    def painted(self) -> list[dict]:
        return self._mine_cache

    def striped(self) -> list[dict]:
        return self.codings if self.show_others else self._mine_cache

    @property
    def _mine_cache(self) -> list[dict]:
        if getattr(self, "_mine_version", None) != self.codings_version:
            self._mine, self._mine_version = self.mine(), self.codings_version
        return self._mine

    def label(self, code_id: str) -> str:
        spec = self.codes.get(code_id)
        return spec.label if spec else code_id

    def color(self, code_id: str) -> str:
        return self.code_hues.get(code_id) or code_color(code_id)

    # -- cursor -------------------------------------------------------------------
    def set_cursor(self, cursor: int, anchor: int | None, top: bool = False) -> None:
        before = self._touched()
        old_turn = self.turn_index()
        self.cursor, self.anchor = cursor, anchor
        self.hover_text = None
        view = self.view
        if self.turn_index() != old_turn:  # the current turn's background moves
            for turn in (old_turn, self.turn_index()):
                seg = self.segments[turn]
                view.refresh_offsets((seg["start"], seg["end"]))
        view.refresh_offsets(before, self._touched())
        view.show_cursor(top=top)
        self.update_bars()

    def _touched(self) -> tuple[int, int]:
        span = self.selection()
        return (min(span[0], self.cursor), max(span[1], self.cursor)) if span else (self.cursor, self.cursor)

    def mouse_place(self, offset: int, extend: bool) -> None:
        self.goal_x = None
        if extend:
            self.set_cursor(offset, self.cursor if self.anchor is None else self.anchor)
        else:
            self.marking = False
            self.set_cursor(offset, offset)

    def mouse_select(self, start: int, end: int) -> None:
        self.marking = False
        self.set_cursor(end, start)

    def hover(self, message: str | None) -> None:
        if message != self.hover_text:
            self.hover_text = message
            self.update_bars()

    # -- bars -------------------------------------------------------------------------
    def coded_turns(self) -> set[int]:
        coded = set()
        for c in self.painted():
            first = self.turn_index(c["start"])
            for i in range(first, len(self.segments)):
                seg = self.segments[i]
                if seg["start"] >= c["end"] and seg["start"] != c["start"]:
                    break
                if c["start"] < seg["end"] and c["end"] > seg["start"]:
                    coded.add(i)
        return coded

    def progress(self) -> tuple[int, int]:
        return len(self.coded_turns()), len(self.segments)

    def codings_at_cursor(self, coder: str | None = None) -> list[dict]:
        """This coder's codings under the cursor, innermost (then latest) first.
        A coding ending right at the cursor counts: after applying a code the
        cursor sits at the end of the coded span."""
        inside = [c for c in self.painted() if c["start"] <= self.cursor <= c["end"]]
        return sorted(inside, key=lambda c: (c["end"] - c["start"], -c["id"]))

    def update_bars(self) -> None:
        width = max(20, self.size.width - 2)
        title = " — ".join(x for x in (self.transcript_id, self.info.get("title")) if x)
        self._show("#title", Text(bars.clip(f"{title}  ·  coder: {self.coder}"
                                            + ("  ·  ✓ finished" if self.is_finished else ""), width)))
        others = ([c for c in self.codings if c["coder"] != self.coder
                   and c["start"] <= self.cursor < c["end"]] if self.show_others else [])
        self._show("#here", bars.here_bar(self.codings_at_cursor(), others, self.label, self.color,
                                          self.hover_text))
        self._show("#slots", bars.slots_bar(self.slots.codes, self.slots.pinned, self.label,
                                            self.color, width))
        done, total = self.progress()
        self._show("#status", bars.status_bar(
            turn=self.turn_index() + 1, turns=total, cursor=self.cursor, selection=self.selection(),
            coded=done, finished=self.is_finished, marking=self.marking, search=self.search_pattern,
            hit=self.current_hit(), hits=len(self.hits), action=self.last_action))
        self._show("#keys", bars.key_bar(self.size.width))

    def _show(self, selector: str, text: Text) -> None:
        widget = self.query_one(selector, Static)
        text.no_wrap, text.overflow = True, "ellipsis"
        if widget.content != text:
            widget.update(text, layout=False)

    # -- library calls -------------------------------------------------------------
    def report(self, message: str, severity: str = "error") -> None:
        self.messages.append(message)
        self.notify(message, severity=severity, markup=False)

    def call(self, fn, *args, **kwargs):
        """Run one library call; its errors become notifications. Returns (ok, result)."""
        try:
            return True, fn(*args, **kwargs)
        except QualcodeError as exc:  # StoreError too: database locked, server gone, refused
            self.report(str(exc))
        return False, None

    def reload(self) -> None:
        self.codings = self.project.store.codings(transcript=self.transcript_id)
        self.codings_version += 1
        self.view.refresh()
        self.query_one(CodePanel).refresh_counts()
        self.update_bars()

    def _recent_from_store(self) -> list[str]:
        rows = sorted(self.project.store.codings(coder=self.coder),
                      key=lambda c: (c["created_at"], c["id"]), reverse=True)
        recent: list[str] = []
        for row in rows:
            if row["code"] in self.codes and row["code"] not in recent:
                recent.append(row["code"])
        return recent

    def describe(self, coding: dict) -> str:
        return f"{self.label(coding['code'])} [{coding['start']}:{coding['end']}]"

    # -- views ---------------------------------------------------------------------------
    def action_toggle_others(self) -> None:
        self.show_others = not self.show_others
        self.last_action = f"other coders' stripes {'shown' if self.show_others else 'hidden'}"
        self.view.refresh()
        self.query_one(CodePanel).refresh_counts()
        self.update_bars()

    def action_toggle_panel(self) -> None:
        self.query_one(CodePanel).toggle()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(KEYS))


def run_tag(project, transcript: str, coder: str) -> None:
    """Open the coding screen (raises QualcodeError for an unknown transcript)."""
    TagApp(project, transcript, coder).run()
