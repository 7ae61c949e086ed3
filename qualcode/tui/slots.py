"""The number keys of the coding screen: nine slots whose numbers do not move.

Pinned codes (`P`) keep their number across sessions (saved per coder in the
project's settings); a code used from the picker takes the lowest free number
and keeps it while the screen is open; when all nine are taken, the unpinned
code used longest ago gives its number up.
"""
from __future__ import annotations

import json

SLOTS = 9


class Slots:
    def __init__(self, pinned: dict[int, str] | None = None, recent: list[str] = ()):
        """`pinned`: {number: code}; `recent`: codes most recent first (they fill
        the free numbers in that order)."""
        self.codes: list[str | None] = [None] * SLOTS
        self.pinned: set[str] = set()
        self.tick = 0
        self.last_use: dict[str, int] = {}
        for number, code in sorted((pinned or {}).items()):
            if 1 <= number <= SLOTS and code not in self.codes:
                self.codes[number - 1] = code
                self.pinned.add(code)
        recent = [c for c in dict.fromkeys(recent) if c not in self.codes]
        for age, code in enumerate(recent):  # the most recent takes the lowest free number
            if None not in self.codes:
                break
            self.codes[self.codes.index(None)] = code
            self.last_use[code] = -age

    def number(self, code: str) -> int | None:
        return self.codes.index(code) + 1 if code in self.codes else None

    def code(self, number: int) -> str | None:
        return self.codes[number - 1] if 1 <= number <= SLOTS else None

    def use(self, code: str) -> int | None:
        """Note a use of `code`; returns its number (None when every slot is pinned)."""
        self.tick += 1
        self.last_use[code] = self.tick
        if code in self.codes:
            return self.number(code)
        if None in self.codes:
            i = self.codes.index(None)
        else:
            free = [i for i, c in enumerate(self.codes) if c not in self.pinned]
            if not free:
                return None
            i = min(free, key=lambda k: self.last_use.get(self.codes[k], 0))
        self.codes[i] = code
        return i + 1

    def toggle_pin(self, code: str) -> bool | None:
        """Pin (or unpin) `code`; returns True when now pinned, None when no
        number is free for it."""
        if code in self.pinned:
            self.pinned.discard(code)
            return False
        if self.use(code) is None:
            return None
        self.pinned.add(code)
        return True

    def remove(self, code: str) -> None:
        """Forget a code (deleted from the codebook meanwhile)."""
        if code in self.codes:
            self.codes[self.codes.index(code)] = None
        self.pinned.discard(code)

    def pinned_numbers(self) -> dict[int, str]:
        return {i + 1: c for i, c in enumerate(self.codes) if c in self.pinned}


def _key(coder: str) -> str:
    return f"tag.pins.{coder}"


def load_pins(store, coder: str) -> dict[int, str]:
    raw = store.get_meta(_key(coder))
    try:
        data = json.loads(raw) if raw else {}
        return {int(k): str(v) for k, v in data.items()}
    except (ValueError, AttributeError):
        return {}  # a damaged setting only loses the pins


def save_pins(store, coder: str, pins: dict[int, str]) -> None:
    with store.transaction():
        store.set_meta(_key(coder), json.dumps({str(k): v for k, v in sorted(pins.items())}))
