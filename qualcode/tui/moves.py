"""How the cursor moves on the coding screen: by character, word, line,
sentence, turn and page, to a turn number, to search hits and to uncoded
turns; with Shift or in mark mode (`v`) the moves extend the selection."""
from __future__ import annotations

from rich.cells import cell_len

from qualcode.textnav import sentence_at, sentences, word_left, word_right
from qualcode.tui.layout import prefix_width


class Moves:
    """Mixin for `TagApp`: needs text, segments, cursor, anchor, marking, view,
    hits, set_cursor, turn_index, report."""

    goal_x: int | None = None

    # -- one step ----------------------------------------------------------------
    def step(self, pos: int, unit: str, direction: int, extend: bool) -> int:
        i = self.turn_index(pos)
        seg, segs = self.segments[i], self.segments
        last = len(segs) - 1
        if unit == "first":
            return segs[0]["start"]
        if unit == "last":
            return segs[last]["end"] if extend else segs[last]["start"]
        if unit == "turn":
            if extend:
                if direction > 0:
                    return seg["end"] if pos < seg["end"] else segs[min(i + 1, last)]["end"]
                return seg["start"] if pos > seg["start"] else segs[max(i - 1, 0)]["start"]
            return segs[max(0, min(last, i + direction))]["start"]
        if unit == "sentence":
            return self._sentence_step(pos, i, direction)
        if unit in ("line", "page"):
            return self._line_step(pos, direction * (1 if unit == "line" else max(1, self.view.size.height - 2)))
        if direction > 0:
            if pos >= seg["end"]:
                return segs[i + 1]["start"] if i < last else pos
            return pos + 1 if unit == "char" else word_right(self.text, pos, seg["end"])
        if pos <= seg["start"]:
            return segs[i - 1]["end"] if i > 0 else pos
        return pos - 1 if unit == "char" else word_left(self.text, pos, seg["start"])

    def _sentence_step(self, pos: int, i: int, direction: int) -> int:
        """The start of the next sentence, or of this one (then the previous one)."""
        segs = self.segments
        spans = sentences(self.text, segs[i]["start"], segs[i]["end"]) or [(segs[i]["start"], segs[i]["end"])]
        if direction > 0:
            later = [s for s, _ in spans if s > pos]
            if later:
                return later[0]
            return segs[i + 1]["start"] if i + 1 < len(segs) else segs[i]["end"]
        earlier = [s for s, _ in spans if s < pos]
        if earlier:
            return earlier[-1]
        if i == 0:
            return segs[0]["start"]
        prev = segs[i - 1]
        spans = sentences(self.text, prev["start"], prev["end"]) or [(prev["start"], prev["end"])]
        return spans[-1][0]

    def _line_step(self, pos: int, rows: int) -> int:
        view = self.view
        row = view.row_of(pos, self.turn_index(pos))
        line = view.lines[row]
        if self.goal_x is None:
            self.goal_x = prefix_width(line, view.heads[line.turn]) + cell_len(
                self.text[line.start:pos].replace("\n", " "))
        target = max(0, min(len(view.lines) - 1, row + rows))
        while view.lines[target].turn < 0:  # skip the blank lines between turns
            target += 1 if rows > 0 else -1
            if not 0 <= target < len(view.lines):
                return pos
        return view.offset_at(target, self.goal_x)

    # -- actions -------------------------------------------------------------------
    def action_move(self, unit: str, direction: int) -> None:
        keep_goal = unit in ("line", "page")
        goal = self.goal_x
        if self.marking:
            self.action_extend(unit, direction)
        else:
            self.set_cursor(self.step(self.cursor, unit, direction, extend=False), None,
                            top=unit in ("turn", "first", "last"))
        self.goal_x = goal if keep_goal else None

    def action_extend(self, unit: str, direction: int) -> None:
        keep_goal = unit in ("line", "page")
        goal = self.goal_x
        anchor = self.cursor if self.anchor is None else self.anchor
        self.set_cursor(self.step(self.cursor, unit, direction, extend=True), anchor)
        self.goal_x = goal if keep_goal else None

    def action_toggle_mark(self) -> None:
        self.marking = not self.marking
        if self.marking and self.anchor is None:
            self.anchor = self.cursor
        self.last_action = "mark: moves extend the selection (v or esc to stop)" if self.marking else "mark off"
        self.update_bars()

    def action_select_sentence(self) -> None:
        """The sentence under the cursor; again: the next sentence."""
        i = self.turn_index()
        seg = self.segments[i]
        span = sentence_at(self.text, seg["start"], seg["end"], self.cursor)
        if self.selection() == span:
            nxt = self._sentence_step(span[0], i, 1)
            i = self.turn_index(nxt)
            seg = self.segments[i]
            span = sentence_at(self.text, seg["start"], seg["end"], nxt)
        self.marking = False
        self.set_cursor(span[1], span[0])

    def action_select_turn(self) -> None:
        seg = self.segments[self.turn_index()]
        self.marking = False
        self.set_cursor(seg["end"], seg["start"])

    def action_clear_selection(self) -> None:
        self.marking = False
        self.set_cursor(self.cursor, None)

    def select_around(self, offset: int, unit: str) -> None:
        """Double click: the word; triple click: the sentence."""
        seg = self.segments[self.turn_index(offset)]
        if unit == "word":
            start = word_left(self.text, min(offset + 1, seg["end"]), seg["start"])
            end = word_right(self.text, start, seg["end"])
        else:
            start, end = sentence_at(self.text, seg["start"], seg["end"], offset)
        self.set_cursor(end, start)

    def move_to_turn(self, index: int) -> None:
        self.set_cursor(self.segments[index]["start"], None, top=True)

    def go_to_turn(self, value: str) -> None:
        numbers = [s.get("idx", i + 1) for i, s in enumerate(self.segments)]
        try:
            wanted = int(value)
        except ValueError:
            self.report(f"not a turn number: '{value}'", "warning")
            return
        if wanted not in numbers:
            self.report(f"no turn {wanted}: turns go from {numbers[0]} to {numbers[-1]}", "warning")
            return
        self.move_to_turn(numbers.index(wanted))

    # -- search hits ------------------------------------------------------------------
    def action_next_hit(self, direction: int) -> None:
        if not self.hits:
            self.report("no search yet: / searches forward, ? backward" if not self.search_pattern
                        else f"no hits for «{self.search_pattern}»", "warning")
            return
        self.select_hit(self.hit_from(self.cursor_origin(), direction * self.search_direction))

    def cursor_origin(self) -> int:
        span = self.selection()
        return span[0] if span else self.cursor

    def hit_from(self, origin: int, direction: int) -> int:
        """Index of the first hit after (or before) `origin`, wrapping round."""
        if direction > 0:
            later = [k for k, (s, _) in enumerate(self.hits) if s > origin]
            return later[0] if later else 0
        earlier = [k for k, (s, _) in enumerate(self.hits) if s < origin]
        return earlier[-1] if earlier else len(self.hits) - 1

    def select_hit(self, k: int) -> None:
        start, end = self.hits[k]
        self.hit_number = k + 1
        self.marking = False
        self.set_cursor(end, start)

    # -- uncoded turns -------------------------------------------------------------------
    def action_next_uncoded(self, direction: int = 1) -> None:
        """The next (or previous) turn without a coding of yours, respondents first."""
        coded = self.coded_turns()
        here, count = self.turn_index(), len(self.segments)
        order = [(here + direction * k) % count for k in range(1, count + 1)]
        uncoded = [i for i in order if i not in coded]
        respondents = [i for i in uncoded if self.segments[i].get("role") != "interviewer"]
        if not uncoded:
            self.report("every turn has a coding of yours", "information")
            return
        self.move_to_turn((respondents or uncoded)[0])
