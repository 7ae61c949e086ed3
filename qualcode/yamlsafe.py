"""The one way qualcode reads YAML written by people (codebooks, codings files,
transcript front matter): anchors and aliases, which let a file of a few hundred
bytes expand to millions of characters ("billion laughs"), are refused; so are
explicit tags other than YAML's plain types, nesting deeper than `MAX_DEPTH`,
strings longer than `MAX_STRING` characters and text that is not valid Unicode
(lone surrogates from "\\ud800" escapes). Each refusal is a ruamel
`MarkedYAMLError` carrying the line, so callers report `file:line: problem`.
"""
from __future__ import annotations

import re

MAX_DEPTH = 40
MAX_STRING = 200_000  # characters in one scalar: longer than any quote or memo
MAX_NAME = 200  # characters in a name (coder, transcript id, code id)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq",
                                                   "timestamp", "omap", "set", "binary")}


def make(typ: str = "rt"):
    """A ruamel `YAML` loader with the checks above (pure Python: the C loader
    cannot be checked as it composes)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ=typ, pure=True)
    yaml.Composer = _composer_class()
    return yaml


def problem(exc) -> tuple[int, str]:
    """(1-based line, message) of a ruamel YAML error."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    text = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc).splitlines()[0]
    return (mark.line + 1 if mark else 1), text


_CLASS = None


def _composer_class():
    global _CLASS
    if _CLASS is not None:
        return _CLASS
    from ruamel.yaml.composer import Composer, ComposerError
    from ruamel.yaml.events import AliasEvent, ScalarEvent

    class CheckedComposer(Composer):
        def compose_node(self, parent, index):
            event = self.parser.peek_event()
            mark = event.start_mark
            if isinstance(event, AliasEvent) or event.anchor is not None:
                raise ComposerError(None, None, "anchors and aliases (&name, *name) are not allowed", mark)
            if self.depth >= MAX_DEPTH:
                raise ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep", mark)
            tag = getattr(event, "ctag", None)
            if tag is not None and str(tag) not in ("!", *_PLAIN_TAGS):
                raise ComposerError(None, None, f"tag {tag} is not allowed (plain values only)", mark)
            if isinstance(event, ScalarEvent):
                value = event.value
                if len(value) > MAX_STRING:
                    raise ComposerError(None, None, f"text of {len(value)} characters is too long "
                                        f"(limit {MAX_STRING})", mark)
                bad = _SURROGATE.search(value)
                if bad:
                    raise ComposerError(None, None, f"invalid Unicode: lone surrogate "
                                        f"U+{ord(bad.group()):04X} in the text", mark)
            return super().compose_node(parent, index)

    _CLASS = CheckedComposer
    return _CLASS
