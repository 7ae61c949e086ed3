"""Reading untrusted XML and zip archives safely (REFI-QDA files from other
tools): size caps on what is read, no entity expansion, no DTD, no network; a
DOCTYPE declaring entities is refused before the real parse. Problems become
one-line `QualcodeError`s naming the file."""
from __future__ import annotations

import re
import zipfile
import zlib
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


def read_qde_from_zip(p: Path, name: str, *, max_member: int, max_total: int, max_xml: int) -> tuple[bytes, str]:
    """The bytes of the project's .qde, and a label for messages (``x.qdpx: project.qde``)."""
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise QualcodeError(f"{name}: not a valid zip archive ({one_line(exc)})") from None
    except OSError as exc:
        raise QualcodeError(f"{name}: cannot read file ({exc.strerror or exc})") from None
    with zf:
        infos = zf.infolist()
        total = 0
        for info in infos:
            if info.file_size > max_member:
                raise QualcodeError(
                    f"{name}: archive member {info.filename!r} declares {info.file_size // MB} MB "
                    f"uncompressed (limit {max_member // MB} MB); refusing to open it"
                )
            total += info.file_size
        if total > max_total:
            raise QualcodeError(
                f"{name}: archive declares {total // MB} MB uncompressed in total "
                f"(limit {max_total // MB} MB); refusing to open it"
            )

        info = _pick_qde(infos, name)
        where = f"{name}: {info.filename}"
        try:
            with zf.open(info) as member:
                data = _read_capped(member, max_xml + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
                ValueError, OSError) as exc:
            raise QualcodeError(f"{where}: cannot extract from the archive ({one_line(exc)})") from None
        if len(data) > max_xml:
            raise QualcodeError(f"{where}: larger than {max_xml // MB} MB; refusing to read it")
        return data, where


def _pick_qde(infos: list[zipfile.ZipInfo], name: str) -> zipfile.ZipInfo:
    at_root = [i for i in infos if not i.is_dir() and "/" not in i.filename.strip("/")
               and i.filename.lower().endswith(".qde")]
    if len(at_root) == 1:
        return at_root[0]
    exact = [i for i in at_root if i.filename == "project.qde"]
    if len(exact) == 1:
        return exact[0]
    if at_root:
        found = ", ".join(i.filename for i in at_root)
        raise QualcodeError(f"{name}: several .qde files at the root of the archive ({found}); expected one project.qde")
    nested = [i.filename for i in infos if i.filename.lower().endswith(".qde")]
    hint = f"; found {nested[0]} in a subfolder" if nested else ""
    raise QualcodeError(f"{name}: not a REFI-QDA project (no project.qde{hint})")


def _read_capped(stream, limit: int) -> bytes:
    chunks, size = [], 0
    while size < limit:
        chunk = stream.read(min(1 * MB, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


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
