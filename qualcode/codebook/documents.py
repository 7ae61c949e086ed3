"""Readable codebook documents that a team circulates: Markdown and Word, with
the hierarchy, definitions, inclusion/exclusion criteria, examples and keywords."""
from __future__ import annotations

from pathlib import Path

from qualcode.codebook.model import CodeSpec


def _rows(spec: CodeSpec) -> list[tuple[str, str]]:
    rows = [("Définition", spec.description), ("Inclure", spec.include), ("Exclure", spec.exclude),
            ("Exemple", spec.example)]
    if spec.keywords:
        rows.append(("Mots-clés", ", ".join(spec.keywords)))
    return [(k, v) for k, v in rows if v]


def to_markdown(specs: list[CodeSpec], *, title: str) -> str:
    lines = [f"# {title}", "", f"{len(specs)} codes.", ""]
    for spec in specs:
        level = min(spec.depth + 1, 6)
        family = " *(famille)*" if spec.family else ""
        lines += [f"{'#' * level} {spec.label}{family}", "", f"`{spec.id}`", ""]
        for key, value in _rows(spec):
            lines.append(f"- **{key}** : {value}")
        lines.append("")
    return "\n".join(lines)


def write_docx(specs: list[CodeSpec], path: Path, *, title: str) -> None:
    from docx.shared import RGBColor

    from qualcode.exports.docxbody import document as linear_document

    document = linear_document()
    document.add_heading(title, level=0)
    document.add_paragraph(f"{len(specs)} codes. Identifiants entre crochets.")
    for spec in specs:
        heading = document.add_heading(spec.label, level=min(spec.depth, 9))
        if spec.color:
            heading.runs[0].font.color.rgb = RGBColor.from_string(spec.color[1:].upper())
        document.add_paragraph(f"[{spec.id}]" + (" — famille" if spec.family else ""))
        for key, value in _rows(spec):
            para = document.add_paragraph()
            para.add_run(f"{key} : ").bold = True
            para.add_run(value)
    document.save(str(path))
