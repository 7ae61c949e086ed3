"""The codebook YAML file: parse with line numbers, validate (every error as
file:line:column), convert to `CodeSpec`s, and write changes back keeping the
file's comments and order (ruamel.yaml round-trip mode)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from qualcode.codebook.model import SLUG_RE, CodeSpec
from qualcode.errors import ManyErrors, QualcodeError
from qualcode.exports.safe import has_control

FIELDS = {"id", "label", "description", "include", "exclude", "example", "keywords", "color",
          "family", "guid", "codable"}
TEXT_FIELDS = ("label", "description", "include", "exclude", "example", "guid")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


class CodebookInvalid(ManyErrors):
    """A codebook file with one or more errors; `errors` lists them all."""


@dataclass
class CodebookFile:
    path: Path
    document: object  # ruamel CommentedMap
    codes: list[CodeSpec]
    source: str | None = None  # the text it was read from

    @property
    def entries(self):
        return self.document["codes"]


def _yaml():
    from qualcode import yamlsafe

    yaml = yamlsafe.make()  # no aliases, no tags, bounded depth and strings
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def read(path: str | Path) -> CodebookFile:
    """Parse and validate; raise `CodebookInvalid` with every error found."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QualcodeError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise QualcodeError(f"{path}: not UTF-8 (byte {exc.start})") from None
    return parse(source, path)


def parse(source: str, path: Path) -> CodebookFile:
    """Parse and validate the text of a codebook file named `path`."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        document = _yaml().load(source)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else f"{path}:1:1"
        context = ""
        if exc.problem and exc.context and exc.context_mark is not None and exc.context_mark is not mark:
            # e.g. an unclosed quote: say where the quoted text started
            context = (f" ({exc.context} at line {exc.context_mark.line + 1}, "
                       f"column {exc.context_mark.column + 1})")
        raise CodebookInvalid([f"{where}: bad YAML: {exc.problem or exc.context}{context}"]) from None
    except YAMLError as exc:
        raise CodebookInvalid([f"{path}:1:1: bad YAML: {exc}"]) from None
    codes, errors = _validate(document, path)
    if errors:
        raise CodebookInvalid(errors)
    return CodebookFile(path, document, codes, source)


def validate(path: str | Path) -> list[str]:
    try:
        read(path)
    except CodebookInvalid as exc:
        return exc.errors
    return []


def _pos(node, key=None) -> tuple[int, int]:
    try:
        if key is not None and key in node:
            line, col = node.lc.value(key)
        else:
            line, col = node.lc.line, node.lc.col
        return line + 1, col + 1
    except (AttributeError, TypeError, KeyError):
        return 1, 1


def _validate(document, path: Path) -> tuple[list[CodeSpec], list[str]]:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not isinstance(document, CommentedMap) or "codes" not in document:
        return [], [f"{path}:1:1: a codebook is a mapping with a 'codes' list"]
    entries = document["codes"]
    if not isinstance(entries, CommentedSeq):
        line, col = _pos(document, "codes")
        return [], [f"{path}:{line}:{col}: 'codes' must be a list"]
    errors: list[str] = []
    codes: list[CodeSpec] = []
    first_line: dict[str, int] = {}
    for i, entry in enumerate(entries):
        line, col = (entries.lc.item(i)[0] + 1, entries.lc.item(i)[1] + 1)
        at = f"{path}:{line}:{col}"
        if not isinstance(entry, CommentedMap):
            errors.append(f"{at}: each code must be a mapping with at least 'id' and 'label'")
            continue
        code_id = entry.get("id")
        if code_id is None:
            errors.append(f"{at}: code without an 'id'")
            continue
        where = "%s:%d:%d" % ((path,) + _pos(entry, "id"))
        code_id = str(code_id)
        if not SLUG_RE.match(code_id):
            errors.append(f"{where}: bad id '{code_id}': use lower-case slugs (a-z, 0-9, -) joined by '/'")
            continue
        if code_id in first_line:
            errors.append(f"{where}: duplicate id '{code_id}' (first at line {first_line[code_id]})")
            continue
        parent = code_id.rsplit("/", 1)[0] if "/" in code_id else None
        if parent and parent not in first_line:
            later = any(str(e.get("id")) == parent for e in entries[i + 1:] if isinstance(e, CommentedMap))
            problem = (f"parent '{parent}' must come before its child" if later
                       else f"unknown parent '{parent}'")
            errors.append(f"{where}: {problem}")
        first_line[code_id] = _pos(entry, "id")[0]
        for key in entry:
            if key not in FIELDS:
                line_k, col_k = entry.lc.key(key)
                errors.append(f"{path}:{line_k + 1}:{col_k + 1}: unknown field '{key}' in code '{code_id}'")
        label = entry.get("label")
        if label is None or not str(label).strip():
            errors.append(f"{at}: code '{code_id}' has no label")
        elif has_control(str(label)):
            errors.append("%s:%d:%d: label of '%s' has control characters" % ((path,) + _pos(entry, "label") + (code_id,)))
        for key in TEXT_FIELDS:
            if key in entry and entry[key] is not None and not isinstance(entry[key], (str, int, float)):
                errors.append("%s:%d:%d: '%s' of '%s' must be text" % ((path,) + _pos(entry, key) + (key, code_id)))
        keywords = entry.get("keywords") or []
        if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() for k in keywords):
            errors.append("%s:%d:%d: 'keywords' of '%s' must be a list of words or phrases" % ((path,) + _pos(entry, "keywords") + (code_id,)))
            keywords = []
        color = entry.get("color")
        if color is not None and not COLOR_RE.match(str(color)):
            errors.append("%s:%d:%d: color of '%s' must be #rrggbb, not '%s'" % ((path,) + _pos(entry, "color") + (code_id, color)))
            color = None
        family = entry.get("family", False)
        if not isinstance(family, bool):
            errors.append("%s:%d:%d: 'family' of '%s' must be true or false" % ((path,) + _pos(entry, "family") + (code_id,)))
            family = False
        codable = entry.get("codable", True)
        if not isinstance(codable, bool):
            errors.append("%s:%d:%d: 'codable' of '%s' must be true or false" % ((path,) + _pos(entry, "codable") + (code_id,)))
            codable = True
        codes.append(CodeSpec(
            id=code_id, label=str(label or "").strip(),
            description=_text(entry.get("description")), include=_text(entry.get("include")),
            exclude=_text(entry.get("exclude")), example=_text(entry.get("example")),
            keywords=[k.strip() for k in keywords], color=str(color).lower() if color else None,
            family=family, guid=_text(entry.get("guid")) or None, codable=codable, line=line,
        ))
    return codes, errors


def _text(value) -> str:
    return "" if value is None else str(value).strip()


# -- writing back -------------------------------------------------------------
def entry_for(spec: CodeSpec):
    """A new YAML mapping for a code, with only the fields that have values."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    entry = CommentedMap()
    entry["id"] = spec.id
    entry["label"] = spec.label
    if spec.family:
        entry["family"] = True
    for key in ("description", "include", "exclude", "example"):
        if getattr(spec, key):
            entry[key] = getattr(spec, key)
    if spec.keywords:
        seq = CommentedSeq(spec.keywords)
        seq.fa.set_flow_style()
        entry["keywords"] = seq
    if spec.color:
        entry["color"] = spec.color
    if spec.guid:
        entry["guid"] = spec.guid
    if not spec.codable:
        entry["codable"] = False
    return entry


# ruamel.yaml keeps the comment lines that sit between two codes either as a
# "pre" comment of the next list item (indexed by position: moved along by
# `insert` and `del`) or, after a plain or block value, glued to the previous
# code's last key. Before editing, the second kind is moved to the first, so
# that a comment between codes stays where it is when codes around it are
# added, moved or removed, instead of travelling with (or vanishing with) the
# code above it.
def _trailing_slot(entry):
    """(holder, key, slot index) of the comment token after an entry's last value."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not isinstance(entry, CommentedMap) or not entry:
        return None
    key = list(entry.keys())[-1]
    value = entry[key]
    if isinstance(value, CommentedSeq) and len(value) and not value.fa.flow_style():
        return value, len(value) - 1, 0
    if isinstance(value, (CommentedMap, CommentedSeq)):
        return None
    return entry, key, 2


def _pop_trailing(entry) -> list:
    """Detach the comment lines that follow an entry (not its own end-of-line
    comment) and return them as separate comment tokens."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    where = _trailing_slot(entry)
    if where is None:
        return []
    holder, key, slot = where
    item = holder.ca.items.get(key)
    token = item[slot] if item and len(item) > slot else None
    if token is None or not isinstance(token.value, str) or "\n" not in token.value:
        return []
    value = token.value
    own, rest = value[: value.index("\n") + 1], value[value.index("\n") + 1:]
    if not rest:
        return []
    if own.strip():
        token.value = own
    else:
        item[slot] = None
        if not any(item):
            del holder.ca.items[key]
    tokens = []
    for line in rest.splitlines(keepends=True):
        text = line.lstrip(" ")
        if not text.strip():
            tokens.append(CommentToken("\n", CommentMark(0), None))
        else:
            tokens.append(CommentToken(text if text.endswith("\n") else text + "\n",
                                       CommentMark(len(line) - len(text)), None))
    return tokens


def _add_before(entries, index: int, tokens: list) -> None:
    """Comment lines placed before item `index` (or at the end of the list)."""
    if not tokens:
        return
    if index >= len(entries):
        if entries.ca.comment is None:  # ruamel only writes `end` comments next to these
            entries.ca.comment = [None, None]
        entries.ca.end = tokens + list(entries.ca.end or [])
        return
    slot = entries.ca.items.setdefault(index, [None, None, None, None])
    slot[1] = tokens + list(slot[1] or [])


def hoist_comments(entries) -> None:
    """Make every comment between codes a comment before the next code (or at
    the end of the list), so that edits by position keep it in place."""
    for i in range(len(entries)):
        _add_before(entries, i + 1, _pop_trailing(entries[i]))


def remove_entry(entries, index: int):
    """Remove the code at `index` (after `hoist_comments`), keeping the comment
    lines that were above it in their place. Returns the removed entry."""
    entry = entries[index]
    above = (entries.ca.items.get(index) or [None, None])[1] or []
    del entries[index]  # CommentedSeq.__delitem__ shifts the indexed comments
    _add_before(entries, index, list(above))
    return entry


def dumps(book: CodebookFile) -> str:
    """The file text of a (possibly edited) codebook document."""
    import io

    out = io.StringIO()
    _yaml().dump(book.document, out)
    return out.getvalue()


def write(book: CodebookFile, path: Path | None = None) -> None:
    """Write atomically: a synced temporary file in the same folder, then rename."""
    from qualcode.exports.files import atomic_write

    text = dumps(book)
    atomic_write(Path(path or book.path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def dumps_specs(specs: list[CodeSpec], *, name: str = "Codebook") -> str:
    """The text of a fresh YAML file from specs (export, or a codebook imported from REFI-QDA)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    document = CommentedMap()
    document["name"] = name
    document["version"] = 1
    document["codes"] = CommentedSeq([entry_for(s) for s in specs])
    return dumps(CodebookFile(Path(), document, specs))


def dump_specs(specs: list[CodeSpec], path: Path, *, name: str = "Codebook") -> None:
    """A fresh YAML file from specs, written atomically."""
    from qualcode.exports.files import atomic_write

    text = dumps_specs(specs, name=name)
    atomic_write(Path(path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
