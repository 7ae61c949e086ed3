"""French wording of outputs: plurals ("1 entretien", "2 entretiens"), numbers
("1 802", "0,81", "83 %") and Word documents set up for France (A4, fr-FR).

Typography follows the usual French rules: a narrow no-break space groups
thousands and comes before "%", a comma is the decimal mark.
"""
from __future__ import annotations

NNBSP = "\u202f"  # narrow no-break space
A4_CM = (21.0, 29.7)
LANGUAGE = "fr-FR"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 entretien", "0 entretien", "2 entretiens" (French: 0 and 1 are singular)."""
    word = singular if abs(n) < 2 else (plural_form or _plural_of(singular))
    return f"{number(n)} {word}"


def _plural_of(phrase: str) -> str:
    """The plural of a noun phrase's first word ("entretien codé" -> "entretiens codés"
    is the caller's business: give plural_form for anything but one regular noun)."""
    head, sep, tail = phrase.partition(" ")
    if head.endswith(("s", "x", "z")):
        return phrase
    return head + ("x" if head.endswith(("eau", "au")) else "s") + sep + tail


def number(value, decimals: int | None = None) -> str:
    """1802 -> "1 802"; 0.8123 with decimals=2 -> "0,81"."""
    if decimals is None and isinstance(value, float) and not value.is_integer():
        decimals = 2
    text = f"{value:,.{decimals or 0}f}" if decimals or isinstance(value, (int, float)) else str(value)
    return text.replace(",", NNBSP).replace(".", ",")


def percent(share: float | None, decimals: int = 0) -> str:
    """0.8333 -> "83 %" (a share between 0 and 1); None -> ""."""
    if share is None or share != share:
        return ""
    return f"{number(share * 100, decimals)}{NNBSP}%"


def set_up_document(document, *, landscape: bool = False, margin_cm: float = 2.0) -> None:
    """A python-docx document in French (fr-FR for spelling and hyphenation, in the
    default run properties and the theme setting) on A4 pages, portrait or landscape."""
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        holder = OxmlElement("w:rPrDefault")
        rpr = OxmlElement("w:rPr")
        holder.append(rpr)
        defaults.insert(0, holder)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    for element in styles.iter(qn("w:lang")):
        element.set(qn("w:val"), LANGUAGE)
    for element in document.settings.element.iter(qn("w:themeFontLang")):
        element.set(qn("w:val"), LANGUAGE)
    document.core_properties.language = LANGUAGE
    width, height = (Cm(A4_CM[1]), Cm(A4_CM[0])) if landscape else (Cm(A4_CM[0]), Cm(A4_CM[1]))
    for section in document.sections:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = width, height
        side = Cm(1.5 if landscape else margin_cm)
        section.left_margin = section.right_margin = side
        section.top_margin = section.bottom_margin = Cm(margin_cm)
