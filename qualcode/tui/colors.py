"""Colours of codes: a code's own colour from the codebook, else a variation of
its nearest coloured ancestor's (so codes of one family look related but can
be told apart), else a stable colour derived from its id."""
from __future__ import annotations

import colorsys
import zlib


def _rgb(color: str) -> tuple[float, float, float]:
    return tuple(int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def _hex(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, x)) * 255):02x}" for x in (r, g, b))


def code_color(code_id: str, color: str | None = None) -> str:
    """The code's own colour, else a stable one derived from its id."""
    if color:
        return color
    hue = (zlib.crc32(code_id.encode("utf-8")) % 360) / 360
    return _hex(*colorsys.hsv_to_rgb(hue, 0.55, 0.9))


def variation(base: str, code_id: str) -> str:
    """A colour near `base` (same family), different for each code id."""
    h, s, v = colorsys.rgb_to_hsv(*_rgb(base))
    n = zlib.crc32(code_id.encode("utf-8"))
    h = (h + ((n % 9) - 4) * 0.022) % 1.0
    v = min(1.0, max(0.55, v + (((n // 9) % 5) - 2) * 0.08))
    s = min(1.0, max(0.35, s + (((n // 45) % 3) - 1) * 0.12))
    return _hex(*colorsys.hsv_to_rgb(h, s, v))


def code_colors(specs) -> dict[str, str]:
    """{code id: colour} for `CodeSpec`s (objects with id and color)."""
    own = {s.id: s.color for s in specs if s.color}
    out = {}
    for spec in specs:
        if spec.color:
            out[spec.id] = spec.color
            continue
        parts = spec.id.split("/")
        ancestor = next((own["/".join(parts[:i])] for i in range(len(parts) - 1, 0, -1)
                         if "/".join(parts[:i]) in own), None)
        out[spec.id] = variation(ancestor, spec.id) if ancestor else code_color(spec.id)
    return out


def blend(background: str, color: str, share: float) -> str:
    """`color` laid over `background` with opacity `share`."""
    bg, fg = _rgb(background), _rgb(color)
    return _hex(*(b + (f - b) * share for b, f in zip(bg, fg)))
