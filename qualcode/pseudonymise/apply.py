"""The hook every outgoing text passes through: transcript id + span ->
pseudonymised text, and free strings (speakers, attributes, memos) likewise.

Stored transcripts and coding offsets never change: pseudonyms are applied when
text leaves the project. What is replaced: the accepted candidates, plus every
whole-word occurrence of an accepted form anywhere (so a name the detectors
missed in one place, or in a transcript imported later, is replaced too),
minus occurrences rejected one by one. A span that starts or ends inside a
name is widened to the whole name, which comes out as its pseudonym.
"""
from __future__ import annotations

from qualcode.errors import QualcodeError
from qualcode.pseudonymise.forms import capitalised, hashed_key, hashed_occurrences, occurrences
from qualcode.pseudonymise.replace import fit_case

SETTING = "exports.pseudonymise"
MODES = ("always", "off")
KEEP_COLUMNS = {"transcript", "code", "coder", "id", "family", "start", "end", "segment", "origin", "created_at",
                "actor_type", "date", "people", "hotel_type", "mode", "sex", "age_band", "time_in_assore"}


class Pseudonymiser:
    def __init__(self, store):
        from qualcode.pseudonymise.scan import allow_keys

        self.store = store
        allow = allow_keys(store)
        accepted = store.pseudonym_forms(status="accepted")
        self.salt = store.get_meta("pseudonym_salt") or ""
        # after `forget`, accepted forms are known by a salted one-way key only ("h:…")
        self.hashed = {f["key"]: f for f in accepted if f["key"].startswith("h:")}
        known = {f["key"]: f for f in accepted if not f["key"].startswith(("h:", "t:"))}
        # ages are replaced where they were found, never matched elsewhere as text
        self.forms = {k: f for k, f in known.items() if k not in allow and f["kind"] != "date"}
        # an allow-listed word that is also someone's name ("Madame Aurore"): only after a title
        self.titled = {k: f for k, f in known.items() if k in allow}
        self.titled.update({f["key"]: f for f in accepted if f["key"].startswith("t:")})
        self.accepted = len(accepted)
        self._texts: dict[str, str] = {}
        self._placements: dict[str, list[tuple[int, int, str]]] = {}

    def text(self, transcript_id: str) -> str:
        if transcript_id not in self._texts:
            row = self.store.transcript(transcript_id)
            self._texts[transcript_id] = row["text"] if row else ""
        return self._texts[transcript_id]

    def _matches(self, text: str) -> list[tuple[int, int, str]]:
        out = []
        found = occurrences(text, self.forms)
        if self.hashed:
            found += [m for m in hashed_occurrences(text, set(self.hashed), self.salt)
                      if not any(s < m[1] and m[0] < e for s, e, _ in found)]
        for start, end, key in found:
            form = self.forms.get(key) or self.hashed[key]
            if form["lexical"] and not capitalised(text[start:end]):
                continue  # "claire" the adjective is not Claire (a capital, even at a sentence start, is)
            out.append((start, end, form["replacement"]))
        if self.titled:
            from qualcode.pseudonymise.forms import form_key
            from qualcode.pseudonymise.patterns import title_names

            for c in title_names(text):
                key = form_key(c.text)
                form = self.titled.get(key) or self.titled.get("t:" + hashed_key(key, self.salt)[2:])
                if form and not any(s < c.end and c.start < e for s, e, _ in out):
                    out.append((c.start, c.end, form["replacement"]))
        out.sort()
        return out

    def placements(self, transcript_id: str) -> list[tuple[int, int, str]]:
        """Non-overlapping (start, end, pseudonym) of a transcript, in text order."""
        if transcript_id in self._placements:
            return self._placements[transcript_id]
        explicit, rejected = [], set()
        for row in self.store.pseudonym_candidates(transcript=transcript_id):
            status = row["form_status"] if row["status"] == "form" else row["status"]
            if status == "accepted" and row["replacement"]:
                explicit.append((row["start"], row["end"], row["replacement"]))
            elif status == "rejected":
                rejected.add((row["start"], row["end"]))
        found = [m for m in self._matches(self.text(transcript_id)) if (m[0], m[1]) not in rejected]
        chosen: list[tuple[int, int, str]] = []
        for place in sorted(explicit, key=lambda p: (p[0], -p[1])) + found:
            if not any(s < place[1] and place[0] < e for s, e, _ in chosen):
                chosen.append(place)
        self._placements[transcript_id] = sorted(chosen)
        return self._placements[transcript_id]

    def pieces(self, transcript_id: str, cuts: list[int]) -> list[str]:
        """The text between consecutive `cuts`, pseudonymised. A name across a cut
        goes whole into the piece where it starts; the outer cuts widen to whole names."""
        text, places = self.text(transcript_id), self.placements(transcript_id)
        cuts = list(cuts)
        for s, e, _ in places:
            if s < cuts[0] < e:
                cuts[0] = s
            if s < cuts[-1] < e:
                cuts[-1] = e
        out = []
        for lo, hi in zip(cuts, cuts[1:]):
            parts, pos = [], lo
            for s, e, pseudonym in places:
                if e <= lo or s >= hi:
                    continue
                if s < lo:  # already written whole by the previous piece
                    pos = max(pos, e)
                    continue
                parts += [text[pos:s] if s > pos else "", fit_case(text[s:e], pseudonym)]
                pos = e
            parts.append(text[pos:hi] if hi > pos else "")
            out.append("".join(parts))
        return out

    def remap(self, transcript_id: str, starts, ends):
        """(the whole pseudonymised text, place(offset, is_end) -> its offset in it).
        A start inside a name moves to the name's start, an end to its end."""
        text, places = self.text(transcript_id), self.placements(transcript_id)

        def snap(offset: int, is_end: bool) -> int:
            for s, e, _ in places:
                if s < offset < e:
                    return e if is_end else s
            return offset

        cuts = sorted({0, len(text)} | {snap(o, False) for o in starts} | {snap(o, True) for o in ends})
        pieces = self.pieces(transcript_id, cuts)
        moved, pos = {}, 0
        for cut, piece in zip(cuts, [*pieces, ""]):
            moved[cut] = pos
            pos += len(piece)
        return "".join(pieces), lambda offset, is_end: moved[snap(offset, is_end)]

    def span(self, transcript_id: str, start: int, end: int) -> str:
        return self.pieces(transcript_id, [start, end])[0]

    def string(self, value):
        """Free text (a speaker, an attribute, a memo, a title), pseudonymised."""
        if not isinstance(value, str) or not value:
            return value
        out, pos = [], 0
        for s, e, pseudonym in self._matches(value):
            out += [value[pos:s], fit_case(value[s:e], pseudonym)]
            pos = e
        return "".join(out) + value[pos:]

    def frame(self, frame, *, quote: str = "quote"):
        """A copy of a codings/excerpts DataFrame: the quote rebuilt from its span,
        every other text column (speaker, memo, attributes) through `string`."""
        from pandas.api.types import is_numeric_dtype

        frame = frame.copy()
        if quote in frame.columns and {"transcript", "start", "end"} <= set(frame.columns):
            frame[quote] = [self.span(t, int(s), int(e))
                            for t, s, e in zip(frame["transcript"], frame["start"], frame["end"])]
        for column in frame.columns:
            if column not in KEEP_COLUMNS and column != quote and not is_numeric_dtype(frame[column]):
                frame[column] = frame[column].map(self.string)
        return frame


def is_team_supervisor(project) -> bool:
    """True for a supervisor on a team server (PostgreSQL roles, issue 13)."""
    check = getattr(project.store, "is_supervisor", None)
    return bool(check()) if callable(check) else False


def for_output(project, flag: bool | None) -> Pseudonymiser | None:
    """The pseudonymiser an output must use, or None: `flag` is --pseudonymise
    (True), --no-pseudonymise (False) or neither (None: the project setting)."""
    mode = project.store.setting(SETTING) or "off"
    if flag is False and mode == "always":
        if not is_team_supervisor(project):
            raise QualcodeError(f"this project pseudonymises every export ({SETTING} = always); "
                                "--no-pseudonymise is only for a supervisor on a team server")
        return None
    if not flag and mode != "always":
        return None
    pseudonymiser = Pseudonymiser(project.store)
    if not pseudonymiser.accepted:
        raise QualcodeError("nothing to pseudonymise with: no accepted candidate yet "
                            "(run 'qualcode pseudonymise scan', then 'qualcode pseudonymise review')")
    return pseudonymiser


def passages(pseudonymiser: Pseudonymiser, items) -> None:
    """Pseudonymise disagreement passages in place: the passage and the sentence
    around it (`before`, `text`, `after`) cut at the same places, the speakers."""
    for p in items:
        before, after = p.before.lstrip("…"), p.after.rstrip("…")
        left, right = p.start - len(before), p.end + len(after)
        new_before, p.text, new_after = pseudonymiser.pieces(p.transcript, [left, p.start, p.end, right])
        p.before = ("…" if p.before.startswith("…") else "") + new_before
        p.after = new_after + ("…" if p.after.endswith("…") else "")
        p.speaker = pseudonymiser.string(p.speaker)
