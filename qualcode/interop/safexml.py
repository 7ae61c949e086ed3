"""Reading untrusted XML safely (REFI-QDA files from other tools): size caps on
what is read, no entity expansion, no DTD, no network; a DOCTYPE declaring
entities is refused before the real parse. Problems become one-line
`QualcodeError`s naming the file. Zip archives: `qualcode.interop.archive`."""
from __future__ import annotations

import re
from pathlib import Path
from xml.parsers import expat

from lxml import etree

from qualcode.errors import QualcodeError

MB = 1024 * 1024


def read_capped_file(p: Path, name: str, max_bytes: int) -> bytes:
    try:
        with open(p, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise QualcodeError(f"{name}: cannot read file ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise QualcodeError(f"{name}: file larger than {max_bytes // MB} MB; refusing to read it")
    return data


class _EntityDeclared(Exception):
    pass


class _RootReached(Exception):
    pass


def _refuse_entity_declarations(data: bytes, where: str) -> None:
    """Refuse a DOCTYPE that declares entities, before any real parse.

    Expat reads only the prolog (stopped at the root element's start tag), with
    parameter entities off; it handles UTF-16 and declared encodings itself.
    Well-formedness errors are left for the real parser to report.
    """
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def on_entity(*_args):
        raise _EntityDeclared

    def on_start(*_args):
        raise _RootReached

    parser.EntityDeclHandler = on_entity
    parser.UnparsedEntityDeclHandler = on_entity
    parser.StartElementHandler = on_start
    step = 64 * 1024
    try:
        for offset in range(0, len(data), step):
            parser.Parse(data[offset:offset + step], False)
        parser.Parse(b"", True)
    except _EntityDeclared:
        raise QualcodeError(
            f"{where}: refused: the DOCTYPE declares XML entities (REFI-QDA files never do; "
            "possible entity-expansion attack)"
        ) from None
    except (_RootReached, expat.ExpatError, ValueError, LookupError):
        return


def parse_xml(data: bytes, where: str) -> etree._Element:
    _refuse_entity_declarations(data, where)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True, remove_pis=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, msg = _syntax_error_details(exc, parser)
        prefix = f"{where}: line {line}: " if line else f"{where}: "
        raise QualcodeError(f"{prefix}XML syntax error: {msg}") from None
    except ValueError as exc:  # e.g. unusable encoding declaration
        raise QualcodeError(f"{where}: XML syntax error: {one_line(exc)}") from None
    if root is None:
        raise QualcodeError(f"{where}: XML syntax error: empty document")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise QualcodeError(f"{where}: refused: the DOCTYPE declares XML entities")
    return root


def _syntax_error_details(exc: etree.XMLSyntaxError, parser) -> tuple[int | None, str]:
    entries = list(parser.error_log.filter_from_errors())
    if entries:
        first = entries[0]
        return first.line or None, re.sub(r"\s+line \d+$", "", one_line(first.message))
    msg = re.sub(r",? line \d+, column \d+.*$", "", str(exc.msg or exc))
    return exc.lineno or None, one_line(msg)


def one_line(value) -> str:
    return " ".join(str(value).split()) or value.__class__.__name__
