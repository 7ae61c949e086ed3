"""Roll-up counts per code for `codebook show`: a coding on a child counts for
each ancestor; a parent counts an interview once."""
from __future__ import annotations

from qualcode.codebook.model import ancestors


def rollup_counts(codes: list[str], codings: list[dict]) -> dict[str, dict]:
    """codes: ids; codings: dicts with code, coder, transcript.
    Returns id -> {"direct": n, "by_coder": {coder: n}, "interviews": n} (rolled up)."""
    out = {c: {"direct": 0, "by_coder": {}, "interviews": set()} for c in codes}
    for coding in codings:
        code = coding["code"]
        if code in out:
            out[code]["direct"] += 1
        for target in (code, *ancestors(code)):
            if target in out:
                entry = out[target]
                entry["by_coder"][coding["coder"]] = entry["by_coder"].get(coding["coder"], 0) + 1
                entry["interviews"].add(coding["transcript"])
    for entry in out.values():
        entry["interviews"] = len(entry["interviews"])
    return out
