"""Speed of the coding screen (`qualcode tag`) in a real terminal (a pty, 160×45),
against Textual's floor: the same measures on an app whose only widget is a
status line.

Prints, for the longest demo transcript (P05):
- time to first paint: from starting the command to the status line on screen
  (wall and CPU seconds of the process), 3 runs each of tag and floor, taken in
  turns (A B A B...), medians; target <= 0.5 s;
- mean keystroke latency over 200 scripted moves (characters, words, lines,
  sentences, turns, search hits): from writing the key to the new cursor
  position in the terminal output; CPU milliseconds per key; target <= 30 ms;
  the floor answers keys that change its status line.
The machine is shared: wall times are noisy, CPU times and ratios less so.
"""
from __future__ import annotations

import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import tempfile
import termios
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _demo import demo_project  # noqa: E402

SIZE = (45, 160)
TRANSCRIPT, CODER = "P05", "coder-a"
FLOOR = textwrap.dedent('''
    from textual.app import App
    from textual.widgets import Static

    class Floor(App):
        BINDINGS = [("right", "step", "")]
        n = 0

        def compose(self):
            yield Static("turn 1/93 · 0 · ready", id="status")

        def action_step(self):
            self.n += 1
            self.query_one("#status", Static).update(f"turn 1/93 · {self.n} · ready")

    Floor().run()
''')


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Session:
    """A command in a pseudo-terminal; `wait_for` reads its output until a text shows."""

    def __init__(self, argv: list[str], cwd: Path):
        self.started = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(cwd)
            os.environ["TERM"] = "xterm-256color"
            os.execv(argv[0], argv)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", *SIZE, 0, 0))
        self.seen = b""

    def wait_for(self, needle: bytes, timeout: float = 30.0) -> float:
        """Seconds until `needle` appears in output read from now on."""
        start = time.perf_counter()
        self.seen = b""
        while needle not in self.seen:
            left = timeout - (time.perf_counter() - start)
            if left <= 0:
                raise TimeoutError(f"no {needle!r} after {timeout} s")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                self.seen += os.read(self.fd, 65536)
        return time.perf_counter()

    def key(self, data: bytes) -> None:
        os.write(self.fd, data)

    def close(self) -> None:
        self.key(b"q")
        try:
            self.wait_for(b"\x1b[?1049l", timeout=10)  # the screen is given back
        except (TimeoutError, OSError):
            os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def first_paint(argv, cwd, needle: bytes) -> tuple[float, float, Session]:
    session = Session(argv, cwd)
    painted = session.wait_for(needle)
    return painted - session.started, cpu_seconds(session.pid), session


KEYS = {"right": b"\x1b[C", "down": b"\x1b[B", "w": b"w", ")": b")", "}": b"}", "n": b"n"}
SCRIPT = ["right"] * 40 + ["w"] * 40 + [")"] * 40 + ["down"] * 40 + ["}"] * 20 + ["n"] * 20


def expected_cursors(project) -> list[int]:
    """The cursor after each scripted key, from the same keys in a headless run."""
    import asyncio

    from qualcode.tui.tag import TagApp

    async def run():
        app = TagApp(project, TRANSCRIPT, CODER)
        out = []
        async with app.run_test(size=(SIZE[1], SIZE[0])) as pilot:
            await pilot.press("slash", *"hôtel", "enter", "home")
            for key in SCRIPT:
                await pilot.press(key)
                out.append(app.cursor)
        return out

    return asyncio.run(run())


def keystrokes(session: Session, cursors: list[int]) -> tuple[list[float], float]:
    session.key(b"/")
    session.wait_for(b"search forward")  # the field has the focus: type into it
    session.key("hôtel".encode())
    session.key(b"\r")
    session.wait_for(b"hits")
    session.key(b"\x1b[H")  # home
    session.wait_for(b"turn 1/")
    times, cpu0 = [], cpu_seconds(session.pid)
    for key, cursor in zip(SCRIPT, cursors):
        sent = time.perf_counter()
        session.key(KEYS[key])
        times.append(session.wait_for(f" · {cursor} · ".encode()) - sent)
    return times, (cpu_seconds(session.pid) - cpu0) / len(times)


def floor_keystrokes(session: Session) -> tuple[list[float], float]:
    times, cpu0 = [], cpu_seconds(session.pid)
    for n in range(1, len(SCRIPT) + 1):
        sent = time.perf_counter()
        session.key(KEYS["right"])
        times.append(session.wait_for(f" · {n} · ".encode()) - sent)
    return times, (cpu_seconds(session.pid) - cpu0) / len(times)


def main():
    project = demo_project()
    root = Path(project.root)
    text = project.store.transcript(TRANSCRIPT)["text"]
    turns = len(project.store.segments(TRANSCRIPT))
    cursors = expected_cursors(project)
    project.close()
    qualcode = str(Path(sys.executable).with_name("qualcode"))
    tag = [qualcode, "tag", TRANSCRIPT, "--coder", CODER]
    with tempfile.TemporaryDirectory() as tmp:
        floor_file = Path(tmp) / "floor.py"
        floor_file.write_text(FLOOR, encoding="utf-8")
        floor = [sys.executable, str(floor_file)]
        paints = {"tag": [], "floor": []}
        keys = {}
        for run in range(3):
            for name, argv, needle in (("tag", tag, f"turn 1/{turns}".encode()), ("floor", floor, b"turn 1/93")):
                wall, cpu, session = first_paint(argv, root, needle)
                paints[name].append((wall, cpu))
                if run == 0:
                    keys[name] = keystrokes(session, cursors) if name == "tag" else floor_keystrokes(session)
                session.close()
    print(f"qualcode tag {TRANSCRIPT} (the longest demo transcript: {len(text):,} characters, {turns} turns), "
          f"pty {SIZE[1]}×{SIZE[0]}")
    med = {name: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for name, v in paints.items()}
    print(f"first paint, median of 3:  tag {med['tag'][0]:.2f} s wall, {med['tag'][1]:.2f} s CPU"
          f"  ·  empty Textual app {med['floor'][0]:.2f} s wall, {med['floor'][1]:.2f} s CPU"
          f"  ·  ratio {med['tag'][1] / med['floor'][1]:.1f}× (CPU)   (target <= 0.5 s)")
    for name in ("tag", "floor"):
        times, cpu = keys[name]
        ms = sorted(t * 1000 for t in times)
        label = f"{len(times)} scripted moves" if name == "tag" else f"{len(times)} keys (floor)"
        print(f"keystrokes, {label}: mean {statistics.mean(ms):.1f} ms, median {statistics.median(ms):.1f}, "
              f"p90 {ms[int(len(ms) * 0.9)]:.1f}, max {ms[-1]:.1f} ms wall; {cpu * 1000:.1f} ms CPU per key"
              + ("   (target <= 30 ms)" if name == "tag" else ""))
    ratio = statistics.mean(keys["tag"][0]) / statistics.mean(keys["floor"][0])
    print(f"keystroke ratio tag / floor: {ratio:.1f}× (wall), "
          f"{keys['tag'][1] / max(keys['floor'][1], 1e-6):.1f}× (CPU)")


if __name__ == "__main__":
    main()
