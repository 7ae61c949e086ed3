"""The one-line bars under the transcript: what is under the cursor, the nine
numbered codes, the status, and the key bar. Each fits its width: labels are
shortened, never wrapped, and the key bar always keeps search, help and quit."""
from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

PIN_STYLE = "bold black on #ffd75f"
NUMBER_STYLE = "bold reverse"

# (key, what) in order of importance; the last three are always shown
KEY_BAR = [("c", "code"), ("1-9", "apply"), ("s", "sentence"), ("t", "turn"), ("v", "mark"),
           ("x", "remove"), ("u", "undo"), ("m", "memo"), ("n", "next hit"), ("g", "go to"),
           ("p", "codes"), ("P", "pin"), ("o", "others"), ("F", "finished")]
KEY_BAR_ALWAYS = [("/ ?", "search"), ("h", "keys"), ("q", "quit")]


def clip(text: str, width: int) -> str:
    if width <= 0:
        return ""
    return text if cell_len(text) <= width else text[: max(0, width - 1)] + "…"


_SMALL_WORDS = {"de", "des", "du", "la", "le", "les", "et", "à", "a", "au", "aux", "en", "pour", "lors",
                "dans", "sur", "par", "un", "une", "d", "l", "of", "the", "and", "in", "to"}


def abbreviate(label: str, width: int) -> str:
    """A label in `width` cells that stays recognisable: small words dropped,
    then each word shortened ("Inclusions massives lors des évacuations" ->
    "Incl mass évac")."""
    if cell_len(label) <= width:
        return label
    words = [w for w in label.replace("'", "' ").replace("’", "’ ").split()
             if w.strip("'’").lower() not in _SMALL_WORDS] or label.split()
    words = [w.rstrip("'’") for w in words]
    if cell_len(" ".join(words)) <= width:
        return " ".join(words)
    for size in range(6, 2, -1):
        short = " ".join(w[:size] for w in words)
        if cell_len(short) <= width:
            return short
    return clip(" ".join(words), width)


def key_bar(width: int) -> Text:
    """As many keys as fit in `width` cells, then search, help and quit."""
    def entry(key: str, what: str) -> Text:
        t = Text(f" {key} ", style="bold reverse")
        t.append(f" {what} ")
        return t

    tail = Text().join(entry(k, w) for k, w in KEY_BAR_ALWAYS)
    out = Text()
    room = width - tail.cell_len - 1
    for key, what in KEY_BAR:
        piece = entry(key, what)
        if out.cell_len + piece.cell_len > room:
            break
        out.append_text(piece)
    out.append(" " * max(0, room - out.cell_len + 1))
    out.append_text(tail)
    return out


def share(wanted: list[int], total: int) -> list[int]:
    """Split `total` cells between items wanting `wanted` cells: short ones get
    what they want, the rest share what is left equally."""
    sizes = [0] * len(wanted)
    todo = sorted(range(len(wanted)), key=lambda i: wanted[i])
    left = total
    while todo:
        fair = left // len(todo)
        i = todo.pop(0)
        sizes[i] = min(wanted[i], fair)
        left -= sizes[i]
    return sizes


def slots_bar(codes: list[str | None], pinned: set[str], label, color, width: int) -> Text:
    """`1 label 2 label …` on one line: every used number, labels shortened to fit."""
    used = [(n, c) for n, c in enumerate(codes, start=1) if c]
    if not used:
        return Text("keys 1-9: none yet (c opens the code picker; P pins a code to its number)", style="dim")
    sizes = share([cell_len(label(c)) for _, c in used], max(len(used) * 3, width - 2 * len(used)))
    out = Text()
    for (n, code), size in zip(used, sizes):
        out.append(str(n), style=PIN_STYLE if code in pinned else NUMBER_STYLE)
        out.append(f"{abbreviate(label(code), max(3, size))} ", style=color(code))
    return out


def here_bar(at: list[dict], others: list[dict], label, color, hover: str | None) -> Text:
    """The codings under the cursor (innermost first, then other coders'), or what
    the mouse points at in the stripes."""
    if hover:
        return Text(hover, style="bold")
    if not at and not others:
        return Text("no coding of yours at the cursor", style="dim")
    out = Text()
    for n, c in enumerate(at):
        out.append("▌", style=color(c["code"]))
        out.append(f"{label(c['code'])} #{c['id']}", style="bold" if n == 0 else "")
        if c.get("memo"):
            out.append(" ✎", style="italic")
        out.append("  ")
    for c in others:
        out.append("╏", style=color(c["code"]))
        out.append(f"{c['coder']}: {label(c['code'])}  ", style="dim italic")
    return out


def status_bar(*, turn: int, turns: int, cursor: int, selection, coded: int, finished: bool,
               marking: bool, search: str | None, hit: int | None, hits: int, action: str) -> Text:
    out = Text()
    out.append(f"turn {turn}/{turns}", style="bold")
    out.append(f" · {cursor}")
    if selection:
        out.append(f" · sel {selection[1] - selection[0]} ({selection[0]}:{selection[1]})")
    if marking:
        out.append(" · MARK", style="bold reverse")
    out.append(f" · coded {coded}/{turns}")
    if finished:
        out.append(" · ✓ finished", style="bold green")
    if search:
        where = f"{hit}/{hits}" if hit else f"{hits} hits"
        out.append(f" · /{search} {where}", style="yellow")
    out.append(f" · {action}")
    return out
