"""REFI-QDA codebook exchange: reading and writing the codebook part of REFI-QDA files.

This module owns the translation between qualcode's codebook (a list of `CodeSpec`,
parents before children) and the REFI-QDA (QDA-XML 1.0) codebook:

- `read_codebook` reads a ``.qdc`` file (an XML ``<CodeBook>`` document,
  namespace ``urn:QDA-XML:codebook:1.0``) or a ``.qdpx`` project (a zip holding
  ``project.qde``, a ``<Project>`` document, namespace ``urn:QDA-XML:project:1.0``)
  and returns the codes of its ``CodeBook/Codes`` tree. Only the codebook is read:
  sources, codings, cases, notes and sets are ignored.
- `write_qdc` (in `qualcode.codebook.qdc`, re-exported here) writes a ``.qdc``
  that validates against the standard Codebook.xsd.
- The ``<Code>`` tree mapping itself lives in `qualcode.interop.codes` (shared with
  whole-project .qdpx import and export, `qualcode.interop`).

Mapping (REFI ``<Code>`` <-> `CodeSpec`):

- Nesting of ``<Code>`` elements is the hierarchy. A code's qualcode id is the
  slug path of its ancestors' names and its own (`slugify`); siblings whose slugs
  collide get ``-2``, ``-3``... (with a warning). ``label`` is the REFI ``name``,
  unchanged. Nothing is marked as a family (REFI has no such notion).
- REFI has no field for qualcode's ids, which often differ from the label
  (``freins/usagers`` labelled "Freins du côté des usagers"). `write_qdc` puts the
  last id segment in a processing instruction, ``<?qualcode slug="usagers"?>``,
  first inside each ``<Code>``: XML allows it anywhere, Codebook.xsd ignores it,
  other tools skip it. On import it is preferred to the slugified name, so a
  qualcode -> .qdc -> qualcode round trip keeps the ids.
- ``guid`` is kept in `CodeSpec.guid` (and in the YAML codebook and the store) so
  that exports keep the same guids. Ids that are not GUIDs (hand-made files use
  ``c001``) are accepted with one summarising warning; on export they are replaced
  by a deterministic uuid5 of the code id.
- ``color`` (``#rgb`` or ``#rrggbb``) becomes lower-case ``#rrggbb``.
- ``isCodable="false"`` is kept as `CodeSpec.codable` (``codable: false`` in the
  YAML codebook) and written back.
- ``<Description>``: REFI has a single free-text field. On export, the
  description is followed by a blank line and the criteria, one per line::

      Description text

      Inclure : ...
      Exclure : ...
      Exemple : ...

  On import, a final block of paragraphs starting with ``Inclure :``,
  ``Exclure :`` or ``Exemple :`` (or ``Include:``, ``Exclude:``, ``Example:``) is
  parsed back into `include`, `exclude`, `example`; lines that follow a label
  without a label of their own continue its value. Everything before the block is
  the description. So qualcode -> .qdc -> qualcode keeps the criteria, unless the
  description itself has a paragraph starting with one of those labels.
- `keywords` and `family` cannot be expressed in REFI-QDA and are not exported.
- ATLAS.ti has no code hierarchy and names codes ``Parent::Child`` instead. Such
  codes are kept flat, named exactly as in the file, with one warning: REFI's
  hierarchy is the XML nesting, the parent named by the prefix may come after its
  children or not exist, and expanding it would change ids and labels that other
  tools know.

Safety (`qualcode.interop.safexml`, `qualcode.interop.archive`): XML is parsed
with no entity expansion, no DTD loading and no network; a DOCTYPE that declares
entities is refused before the real parse. In a ``.qdpx``, a member declaring
more than 200 MB uncompressed, or members totalling more than 500 MB, or a member
name pointing outside the archive, make the archive refused, and the ``.qde`` is
read with a hard cap. Every problem with the input is raised as a one-line
`QualcodeError` naming the file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from qualcode.codebook.model import CodeSpec
from qualcode.errors import QualcodeError
from qualcode.interop.archive import QdpxArchive
from qualcode.interop.codes import (CODEBOOK_NS, PROJECT_NS, CodeWalker, children, clean_text,  # noqa: F401
                                    is_guid, local, normalize_color, split_criteria)
from qualcode.interop.safexml import MB, parse_xml, read_capped_file

MAX_MEMBER_BYTES = 200 * MB  # any single zip member, declared uncompressed size
MAX_TOTAL_BYTES = 500 * MB  # all zip members together, declared
MAX_XML_BYTES = 200 * MB  # hard cap on the bytes actually read for a .qdc / .qde

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass
class RefiCodebook:
    """The codes of a REFI-QDA codebook, parents before children, in document order."""

    codes: list[CodeSpec] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    origin: str | None = None  # the producing software (``origin`` attribute), if given


def open_archive(path: str | os.PathLike) -> QdpxArchive:
    """A checked .qdpx with this module's size limits."""
    return QdpxArchive(path, max_member=MAX_MEMBER_BYTES, max_total=MAX_TOTAL_BYTES,
                       max_xml=MAX_XML_BYTES)


def read_root(path: str | os.PathLike) -> tuple[etree._Element, str]:
    """The parsed root element of a .qdc or of a .qdpx's .qde, and a label for messages."""
    p = Path(path)
    name = p.name or str(p)
    try:
        with open(p, "rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise QualcodeError(f"{name}: cannot read file ({exc.strerror or exc})") from None

    if head.startswith(_ZIP_MAGIC):
        with open_archive(p) as archive:
            data, where = archive.qde()
    elif p.suffix.lower() == ".qdpx":
        raise QualcodeError(f"{name}: not a zip archive (a .qdpx must be a zip holding project.qde)")
    else:
        data, where = read_capped_file(p, name, MAX_XML_BYTES), name
    return parse_xml(data, where), where


def read_codebook(path: str | os.PathLike) -> RefiCodebook:
    """Read the codebook of a ``.qdc`` or ``.qdpx`` file.

    Raises `QualcodeError` (one line, naming the file) if the file cannot be read,
    is not a REFI-QDA codebook or project, is not well-formed, or looks hostile.
    """
    root, where = read_root(path)
    return codebook_from_root(root, where)


def codebook_from_root(root: etree._Element, where: str) -> RefiCodebook:
    kind = local(root)
    result = RefiCodebook(origin=root.get("origin") or None)
    if kind not in ("CodeBook", "Project"):
        raise QualcodeError(
            f"{where}: not a REFI-QDA codebook (root element is <{kind}>, expected <CodeBook> or <Project>)"
        )
    ns = etree.QName(root).namespace
    if ns not in (CODEBOOK_NS, PROJECT_NS):
        result.warnings.append(
            f"root element <{kind}> is not in a REFI-QDA namespace ({ns or 'no namespace'}); read anyway"
        )

    if kind == "Project":
        books = children(root, "CodeBook")
        if not books:
            result.warnings.append("the project has no codebook; no codes imported")
            return result
        book = books[0]
    else:
        book = root
    codes_els = children(book, "Codes")
    if not codes_els:
        result.warnings.append("the codebook has no <Codes> element; no codes imported")
        return result

    result.codes = CodeWalker(result.warnings).walk(codes_els[0])
    if not result.codes:
        result.warnings.append("the codebook has no codes")
    _warn_sets(root, book, result)
    return result


def _warn_sets(root, book, result: RefiCodebook) -> None:
    sets = []
    for holder in {id(root): root, id(book): book}.values():
        for sets_el in children(holder, "Sets"):
            sets.extend(s for s in children(sets_el, "Set") if children(s, "MemberCode"))
    if sets:
        n = len(sets)
        result.warnings.append(
            f"{n} set{'s group' if n > 1 else ' groups'} codes (e.g. {sets[0].get('name')!r}); "
            "code sets are not imported"
        )


from qualcode.codebook.qdc import write_qdc  # noqa: E402,F401  (re-export)
