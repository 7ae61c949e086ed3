"""The interactive review loop: each pending suggestion in its context, one key
to accept, reject, skip, change the code, or quit. Every decision is saved at once."""
from __future__ import annotations

from qualcode.assist import suggest as ops


def review_loop(project, coder: str, *, min_score=None, code=None, ask=None, ask_code=None, out=None) -> dict:
    from rich.console import Console
    from rich.prompt import Prompt
    from rich.text import Text

    out = out or Console()
    ask = ask or (lambda: Prompt.ask("[a]ccept [r]eject [s]kip [c]ode [q]uit", default="s").strip().lower())
    ask_code = ask_code or (lambda: Prompt.ask("code id"))
    counts = {"accepted": 0, "rejected": 0, "skipped": 0}
    pending = project.store.suggestions(min_score=min_score, code=code)
    pending.sort(key=lambda s: -s["score"])
    for n, s in enumerate(pending, start=1):
        text = project.store.transcript(s["transcript"])["text"]
        before = text[max(0, s["start"] - 160):s["start"]]
        after = text[s["end"]:s["end"] + 160]
        view = Text(f"\n[{n}/{len(pending)}] #{s['id']} {s['transcript']} — {s['code']} "
                    f"({s['method']}, {s['score']:.2f}) {s['explanation']}\n", style="bold")
        view.append("…" + before, style="dim")
        view.append(text[s["start"]:s["end"]], style="reverse")
        view.append(after + "…", style="dim")
        out.print(view)
        answer = ask()
        if answer == "q":
            break
        if answer == "a":
            ops.accept(project, [s["id"]], coder)
            counts["accepted"] += 1
        elif answer == "r":
            ops.reject(project, [s["id"]], coder)
            counts["rejected"] += 1
        elif answer == "c":
            ops.accept(project, [s["id"]], coder, code=ask_code().strip())
            counts["accepted"] += 1
        else:
            counts["skipped"] += 1
    out.print(f"{counts['accepted']} accepted, {counts['rejected']} rejected, {counts['skipped']} skipped")
    return counts
