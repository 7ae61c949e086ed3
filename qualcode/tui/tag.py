"""The coding screen (`qualcode tag TRANSCRIPT --coder NAME`).

Shows a transcript's turns with a cursor and a selection over the stored text
(offsets are Python string indices into ``project.transcript(id)["text"]``),
the coder's codings as coloured marks in the margin, and applies, removes,
changes, annotates and undoes codings through `qualcode.coding`. Every action
is one library call in its own transaction: nothing is kept unsaved, so
quitting or a crash loses nothing already done.
"""
from __future__ import annotations

import bisect

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.geometry import Region
from textual.widgets import Footer, Static

from qualcode.errors import QualcodeError
from qualcode.tui.actions import CodingActions
from qualcode.textnav import sentence_at, word_left, word_right
from qualcode.tui.widgets import (CodePicker, HelpScreen, TurnBlock, TurnList, clip,
                                  code_color, turn_body, turn_margin)

RECENT_MAX = 9

KEYS: list[tuple[str, str]] = [
    ("← →", "move the cursor by one character"),
    ("ctrl+← ctrl+→  b w", "move by word (start / end of word)"),
    ("↑ ↓", "cursor to the start of the previous / next turn"),
    ("home end", "first / last turn"),
    ("pageup pagedown", "five turns up / down"),
    ("shift+← shift+→", "extend the selection by one character"),
    ("ctrl+shift+← →  B W", "extend the selection by word"),
    ("shift+↑ shift+↓", "extend the selection to the turn's start / end, then turn by turn"),
    ("s", "select the sentence under the cursor"),
    ("t", "select the whole turn"),
    ("escape", "clear the selection"),
    ("c", "code picker: apply a code to the selection (or to the whole turn)"),
    ("1 … 9", "apply a recently used code (1 = most recent)"),
    ("x", "remove your coding under the cursor (the innermost)"),
    ("C", "change the code of your coding under the cursor"),
    ("m", "edit the memo of your coding under the cursor"),
    ("u", "undo the last action of this session (repeat to go further back)"),
    ("n", "next turn without a coding of yours (respondents first)"),
    ("N", "next turn without a coding of yours (any speaker)"),
    ("o", "show / hide other coders' codings in the margin"),
    ("click", "move the cursor to a turn"),
    ("?", "this help"),
    ("q", "quit (everything is already saved)"),
]

class TagApp(CodingActions, App):
    """Code one transcript as one coder."""

    TITLE = "qualcode tag"
    CSS = """
    #title { height: 1; background: $primary; color: $text; padding: 0 1; }
    #turns { height: 1fr; }
    #recent, #here { height: auto; max-height: 3; padding: 0 1; }
    #status { height: 1; background: $panel; padding: 0 1; }
    """
    BINDINGS = [
        Binding("left", "move('char', -1)", show=False),
        Binding("right", "move('char', 1)", show=False),
        Binding("ctrl+left,b", "move('word', -1)", show=False),
        Binding("ctrl+right,w", "move('word', 1)", show=False),
        Binding("up", "move('turn', -1)", show=False),
        Binding("down", "move('turn', 1)", show=False),
        Binding("home", "move('first', 0)", show=False),
        Binding("end", "move('last', 0)", show=False),
        Binding("pageup", "move('turn', -5)", show=False),
        Binding("pagedown", "move('turn', 5)", show=False),
        Binding("shift+left", "extend('char', -1)", show=False),
        Binding("shift+right", "extend('char', 1)", show=False),
        Binding("ctrl+shift+left,B,shift+b", "extend('word', -1)", show=False),
        Binding("ctrl+shift+right,W,shift+w", "extend('word', 1)", show=False),
        Binding("shift+up", "extend('turn', -1)", show=False),
        Binding("shift+down", "extend('turn', 1)", show=False),
        Binding("s", "select_sentence", "sentence"),
        Binding("t", "select_turn", "turn"),
        Binding("escape", "clear_selection", show=False),
        Binding("c", "pick_code", "code"),
        *[Binding(str(k), f"apply_recent({k})", show=False) for k in range(1, 10)],
        Binding("x", "remove", "remove"),
        Binding("C,shift+c", "change_code", "change"),
        Binding("m", "memo", "memo"),
        Binding("u", "undo", "undo"),
        Binding("n", "next_uncoded('respondent')", "next uncoded"),
        Binding("N,shift+n", "next_uncoded('any')", show=False),
        Binding("o", "toggle_others", "others"),
        Binding("question_mark", "help", "keys"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(self, project, transcript_id: str, coder: str) -> None:
        super().__init__()
        if not coder or not coder.strip():
            raise QualcodeError("the coding screen needs a coder name (--coder)")
        self.project = project
        self.transcript_id = transcript_id
        self.coder = coder
        info = project.transcript(transcript_id)
        self.info = info
        self.text: str = info["text"]
        self.segments: list[dict] = project.segments(transcript_id) or (
            [{"idx": 1, "speaker": None, "role": "respondent", "start": 0, "end": len(self.text)}])
        self.starts = [s["start"] for s in self.segments]
        self.codes = {spec.id: spec for spec in project.codes()}
        self.codings: list[dict] = project.store.codings(transcript=transcript_id)
        self.cursor: int = self.segments[0]["start"]
        self.anchor: int | None = None
        self.show_others = False
        self.recent: list[str] = self._recent_from_store()
        self.history: list[dict] = []  # undo stack of this session's actions
        self.last_action = "ready"
        self.messages: list[str] = []  # errors and warnings shown as notifications
        self.blocks: list[TurnBlock] = []

    # -- layout ---------------------------------------------------------------
    def compose(self) -> ComposeResult:
        title = " — ".join(x for x in (self.transcript_id, self.info.get("title")) if x)
        yield Static(Text(f"{title}  ·  coder: {self.coder}"), id="title")
        self.blocks = [TurnBlock(i, self.render_body(i), self.render_margin(i))
                       for i in range(len(self.segments))]
        with TurnList(id="turns"):
            yield from self.blocks
        yield Static(id="here")
        yield Static(id="recent")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.blocks[self.turn_index()].add_class("current")
        self.update_bars()

    # -- positions --------------------------------------------------------------
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

    def _step(self, pos: int, unit: str, direction: int, extend: bool) -> int:
        i = self.turn_index(pos)
        seg = self.segments[i]
        last = len(self.segments) - 1
        if unit == "first":
            return self.segments[0]["start"]
        if unit == "last":
            return self.segments[last]["start"]
        if unit == "turn":
            if extend and abs(direction) == 1:
                if direction > 0:
                    return seg["end"] if pos < seg["end"] else self.segments[min(i + 1, last)]["end"]
                return seg["start"] if pos > seg["start"] else self.segments[max(i - 1, 0)]["start"]
            return self.segments[max(0, min(last, i + direction))]["start"]
        if direction > 0:
            if pos >= seg["end"]:
                return self.segments[i + 1]["start"] if i < last else pos
            return pos + 1 if unit == "char" else word_right(self.text, pos, seg["end"])
        if pos <= seg["start"]:
            return self.segments[i - 1]["end"] if i > 0 else pos
        return pos - 1 if unit == "char" else word_left(self.text, pos, seg["start"])

    def set_cursor(self, cursor: int, anchor: int | None) -> None:
        before, old_turn = self._touched(), self.turn_index()
        self.cursor, self.anchor = cursor, anchor
        self.refresh_turns(before | self._touched(), margins=False)
        new_turn = self.turn_index()
        if new_turn != old_turn:
            self.blocks[old_turn].remove_class("current")
            self.blocks[new_turn].add_class("current")
        self.call_after_refresh(self.scroll_to_cursor)
        self.update_bars()

    def _touched(self) -> set[int]:
        """Turns showing the cursor or part of the selection."""
        turns = {self.turn_index()}
        span = self.selection()
        if span:
            turns.update(range(self.turn_index(span[0]), self.turn_index(span[1]) + 1))
        return turns

    def scroll_to_cursor(self) -> None:
        view = self.query_one(TurnList)
        block = self.blocks[self.turn_index()]
        region = block.virtual_region
        if region.height <= view.size.height:
            view.scroll_to_widget(block, animate=False)
            return
        seg = self.segments[block.index]
        share = (self.cursor - seg["start"]) / max(1, seg["end"] - seg["start"])
        line = region.y + int(share * max(0, region.height - 1))
        view.scroll_to_region(Region(0, max(0, line - 2), 1, 5), animate=False)

    def move_to_turn(self, index: int) -> None:
        self.set_cursor(self.segments[index]["start"], None)

    # -- rendering -------------------------------------------------------------
    def mine(self) -> list[dict]:
        return [c for c in self.codings if c["coder"] == self.coder]

    def label(self, code_id: str) -> str:
        spec = self.codes.get(code_id)
        return spec.label if spec else code_id

    def color(self, code_id: str) -> str:
        spec = self.codes.get(code_id)
        return code_color(code_id, spec.color if spec else None)

    def render_body(self, i: int) -> Text:
        cursor = self.cursor if self.turn_index() == i else None
        return turn_body(self.text, self.segments[i], i, self.mine(), self.selection(), cursor)

    def render_margin(self, i: int) -> Text:
        shown = self.codings if self.show_others else self.mine()
        return turn_margin(self.segments[i], shown, self.coder, self.label, self.color)

    def refresh_turns(self, turns=None, margins: bool = True) -> None:
        for i in (range(len(self.segments)) if turns is None else sorted(turns)):
            self.blocks[i].show(self.render_body(i), self.render_margin(i) if margins else None)

    def coded_turns(self) -> set[int]:
        coded = set()
        for c in self.mine():
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

    def status_line(self) -> str:
        done, total = self.progress()
        i = self.turn_index()
        span = self.selection()
        chosen = f"selection {span[1] - span[0]} ({span[0]}:{span[1]})" if span else "selection 0"
        return (f"turns coded: {done} / {total}  ·  turn {i + 1}/{total}  ·  cursor {self.cursor}"
                f"  ·  {chosen}  ·  {self.last_action}")

    def update_bars(self) -> None:
        recent = Text("recent: ", style="bold")
        if not self.recent:
            recent.append("none yet (c opens the code picker)", style="dim")
        for n, code_id in enumerate(self.recent, start=1):
            recent.append(f" {n} ", style="bold reverse")
            recent.append(f" {clip(self.label(code_id), 28)}  ", style=self.color(code_id))
        here = Text("here: ", style="bold")
        at = self.codings_at_cursor()
        if not at:
            here.append("no coding of yours at the cursor", style="dim")
        for n, c in enumerate(at):
            here.append("▌", style=self.color(c["code"]))
            here.append(f"{self.label(c['code'])} #{c['id']} [{c['start']}:{c['end']}]",
                        style="bold" if n == 0 else "")
            if c["memo"]:
                here.append(f" memo: {clip(c['memo'], 40)}", style="italic")
            here.append("  ")
        self._show("#recent", recent)
        self._show("#here", here)
        self._show("#status", Text(self.status_line()), layout=False)

    def _show(self, selector: str, text: Text, layout: bool = True) -> None:
        widget = self.query_one(selector, Static)
        if widget.content != text:
            widget.update(text, layout=layout)

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
        self.refresh_turns()
        self.update_bars()

    def codings_at_cursor(self) -> list[dict]:
        """This coder's codings under the cursor, innermost (then latest) first.
        A coding ending right at the cursor counts: after applying a code the
        cursor sits at the end of the coded span."""
        inside = [c for c in self.mine() if c["start"] <= self.cursor <= c["end"]]
        return sorted(inside, key=lambda c: (c["end"] - c["start"], -c["id"]))

    def use(self, code_id: str) -> None:
        self.recent = [code_id] + [c for c in self.recent if c != code_id][: RECENT_MAX - 1]

    def _recent_from_store(self) -> list[str]:
        rows = sorted(self.project.store.codings(coder=self.coder),
                      key=lambda c: (c["created_at"], c["id"]), reverse=True)
        recent: list[str] = []
        for row in rows:
            if row["code"] in self.codes and row["code"] not in recent:
                recent.append(row["code"])
            if len(recent) == RECENT_MAX:
                break
        return recent

    def describe(self, coding: dict) -> str:
        return f"{self.label(coding['code'])} [{coding['start']}:{coding['end']}]"

    # -- actions: selection ------------------------------------------------------------
    def action_move(self, unit: str, direction: int) -> None:
        self.set_cursor(self._step(self.cursor, unit, direction, extend=False), None)

    def action_extend(self, unit: str, direction: int) -> None:
        anchor = self.cursor if self.anchor is None else self.anchor
        self.set_cursor(self._step(self.cursor, unit, direction, extend=True), anchor)

    def action_select_sentence(self) -> None:
        seg = self.segments[self.turn_index()]
        start, end = sentence_at(self.text, seg["start"], seg["end"], self.cursor)
        self.set_cursor(end, start)

    def action_select_turn(self) -> None:
        seg = self.segments[self.turn_index()]
        self.set_cursor(seg["end"], seg["start"])

    def action_clear_selection(self) -> None:
        self.set_cursor(self.cursor, None)

    # -- actions: codings -----------------------------------------------------------------
    def action_pick_code(self) -> None:
        self.codes = {spec.id: spec for spec in self.project.codes()}
        if not self.codes:
            self.report("the project has no codes: load a codebook first (qualcode codebook load)")
            return
        start, end = self.target_span()
        title = f"Apply a code to [{start}:{end}] «{clip(' '.join(self.text[start:end].split()), 60)}»"
        self.push_screen(CodePicker(list(self.codes.values()), title), self._picked)

    def _picked(self, code_id: str | None) -> None:
        if code_id:
            self.apply_code(code_id)

    def action_apply_recent(self, number: int) -> None:
        if number > len(self.recent):
            self.report(f"no recent code {number} yet: apply codes with c first", "warning")
            return
        self.apply_code(self.recent[number - 1])

    # -- actions: navigation and views -------------------------------------------------
    def action_next_uncoded(self, which: str = "respondent") -> None:
        coded = self.coded_turns()
        here = self.turn_index()
        count = len(self.segments)
        order = [(here + k) % count for k in range(1, count + 1)]
        uncoded = [i for i in order if i not in coded]
        if which == "respondent":
            uncoded = ([i for i in uncoded if self.segments[i].get("role") != "interviewer"]
                       or uncoded)
        if not uncoded:
            self.report("every turn has a coding of yours", "information")
            return
        self.move_to_turn(uncoded[0])

    def action_toggle_others(self) -> None:
        self.show_others = not self.show_others
        self.last_action = f"other coders {'shown' if self.show_others else 'hidden'}"
        self.refresh_turns()
        self.update_bars()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(KEYS))


def run_tag(project, transcript: str, coder: str) -> None:
    """Open the coding screen (raises QualcodeError for an unknown transcript)."""
    TagApp(project, transcript, coder).run()
