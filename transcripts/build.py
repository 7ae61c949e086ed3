"""Render the fictional demo corpus from its text sources.

    python transcripts/build.py          # writes transcripts/<ID>.<ext> from src/<ID>.txt

Every interview here is FICTION written for the qualcode demo: names are invented
pseudonyms and no real person is quoted. Each source (`src/<ID>.txt`, see
src/README.md) is rendered into the file named in manifest.csv, in the styles a
real evaluation team's folder holds: Word files with bold speaker names or
`E :`/`R1 :` prefixes and a metadata table or `Clé : valeur` lines, OpenDocument
files, text and Markdown with YAML front matter (one text file saved in cp1252,
as Windows editors do) and WebVTT exports of video calls.
"""
from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
NOTICE = ("Transcription fictive rédigée pour la démonstration de qualcode. Les noms sont des "
          "pseudonymes inventés ; aucune personne réelle n'est citée.")
# docx speaker style (bold names or label prefixes) and metadata style (table or lines)
DOCX_STYLES = {
    "P01": ("prefix", "table"), "P03": ("bold", "table"), "P04": ("prefix", "lines"),
    "P05": ("bold", "lines"), "P06": ("prefix", "table"), "D01": ("bold", "table"),
    "D02": ("prefix", "lines"), "D04": ("bold", "lines"), "D06": ("prefix", "table"),
    "L01": ("bold", "table"), "L04": ("prefix", "lines"), "A01": ("bold", "table"),
    "A04": ("prefix", "table"), "U01": ("bold", "lines"), "U03": ("bold", "table"),
    "U05": ("prefix", "lines"), "U07": ("bold", "table"), "U10": ("bold", "lines"),
    "U12": ("bold", "table"), "U13": ("prefix", "lines"),
}
CP1252 = {"U04"}
LABELS = [("id", "Identifiant"), ("title", "Titre"), ("actor_type", "Type d'acteur"),
          ("structure", "Structure"), ("people", "Nombre de personnes"), ("date", "Date"),
          ("mode", "Modalité"), ("interviewer", "Enquêteur·rice")]
_TIME = re.compile(r"^\[(\d{2}:\d{2}:\d{2})\]\s*")


def parse_source(path: Path) -> tuple[dict[str, str], list[tuple[str, list[str]]]]:
    """(speakers label -> name, turns [(label, paragraphs)])."""
    text = path.read_text(encoding="utf-8")
    _, header, body = text.split("---\n", 2)
    speakers: dict[str, str] = {}
    for line in header.splitlines():
        match = re.match(r"^\s+(\w+):\s*(.+?)\s*(#.*)?$", line)
        if match:
            speakers[match.group(1)] = match.group(2)
    turns: list[tuple[str, list[str]]] = []
    for no, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        match = re.match(r"^(\w+) : (.*)$", line)
        if match and match.group(1) in speakers:
            turns.append((match.group(1), [match.group(2).strip()]))
        elif turns:
            turns[-1][1].append(line.strip())
        else:
            raise SystemExit(f"{path}:{no}: text before the first speaker")
    return speakers, turns


def metadata(row: dict) -> list[tuple[str, str]]:
    return [(label, row[key]) for key, label in LABELS if row.get(key)]


def _split_time(paragraph: str) -> tuple[str, str]:
    match = _TIME.match(paragraph)
    return (f"[{match.group(1)}] ", paragraph[match.end():]) if match else ("", paragraph)


def plain_lines(speakers, turns, *, bold_md=False, names=True) -> list[str]:
    lines = []
    for label, paragraphs in turns:
        who = speakers[label] if names else label
        time, first = _split_time(paragraphs[0])
        lines.append(f"{time}**{who} :** {first}" if bold_md else f"{time}{who} : {first}")
        lines.extend(paragraphs[1:])
    return lines


def front_matter(row: dict) -> str:
    keys = ["id", "title", "actor_type", "structure", "people", "date", "mode", "interviewer"]
    lines = ["---"] + [f"{k}: \"{row[k]}\"" if k != "people" else f"{k}: {row[k]}" for k in keys if row.get(k)]
    lines.append(f"avertissement: \"{NOTICE}\"")
    return "\n".join(lines + ["---", ""])


def build_docx(path: Path, row: dict, speakers, turns) -> None:
    import docx

    names, meta = DOCX_STYLES.get(row["id"], ("prefix", "table"))
    document = docx.Document()
    document.add_heading(f"Entretien {row['id']} — {row['title']}", level=1)
    document.add_paragraph(NOTICE).runs[0].italic = True
    if meta == "table":
        rows = metadata(row)
        table = document.add_table(rows=len(rows), cols=2)
        for i, (key, value) in enumerate(rows):
            table.cell(i, 0).text, table.cell(i, 1).text = key, value
    else:
        for key, value in metadata(row):
            document.add_paragraph(f"{key} : {value}")
    document.add_paragraph("")
    for label, paragraphs in turns:
        time, first = _split_time(paragraphs[0])
        para = document.add_paragraph()
        if names == "bold":
            if time:
                para.add_run(time)
            para.add_run(f"{speakers[label]} :").bold = True
            para.add_run(f" {first}")
        else:
            para.add_run(f"{time}{label} : {first}")
        for more in paragraphs[1:]:
            document.add_paragraph(more)
    document.core_properties.title = f"Entretien {row['id']} (fictif)"
    document.core_properties.author = "qualcode demo"
    document.save(str(path))


def build_odt(path: Path, row: dict, speakers, turns) -> None:
    def p(text, style="Standard"):
        return f'<text:p text:style-name="{style}">{text}</text:p>'

    body = [p(escape(f"Entretien {row['id']} — {row['title']}"), "Heading"), p(escape(NOTICE))]
    cells = "".join(
        f"<table:table-row><table:table-cell>{p(escape(k))}</table:table-cell>"
        f"<table:table-cell>{p(escape(v))}</table:table-cell></table:table-row>"
        for k, v in metadata(row))
    body.append(f'<table:table table:name="Metadonnees"><table:table-column table:number-columns-repeated="2"/>{cells}</table:table>')
    for label, paragraphs in turns:
        time, first = _split_time(paragraphs[0])
        body.append(p(f'{escape(time)}<text:span text:style-name="Bold">{escape(speakers[label])} :</text:span> {escape(first)}'))
        body.extend(p(escape(more)) for more in paragraphs[1:])
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
               '<office:automatic-styles><style:style style:name="Bold" style:family="text">'
               '<style:text-properties fo:font-weight="bold"/></style:style></office:automatic-styles>'
               f'<office:body><office:text>{"".join(body)}</office:text></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype", (1980, 1, 1, 0, 0, 0)), "application/vnd.oasis.opendocument.text")
        for name, data in (("content.xml", content), ("META-INF/manifest.xml", manifest)):
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


def build_vtt(path: Path, row: dict, speakers, turns) -> None:
    lines = ["WEBVTT", "", "NOTE", NOTICE, f"Entretien {row['id']} — {row['title']} — {row['date']}", ""]
    clock, number = 2.0, 1
    for label, paragraphs in turns:
        words = " ".join(paragraphs).split()
        for i in range(0, len(words), 12):
            chunk = words[i:i + 12]
            length = max(1.2, len(chunk) * 0.38)
            lines += [str(number), f"{_stamp(clock)} --> {_stamp(clock + length)}",
                      f"<v {speakers[label]}>{' '.join(chunk)}", ""]
            clock += length + 0.2
            number += 1
        clock += 0.8
    path.write_text("\n".join(lines), encoding="utf-8")


def _stamp(seconds: float) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"


def build(row: dict) -> Path:
    source = HERE / "src" / f"{row['id']}.txt"
    speakers, turns = parse_source(source)
    target = HERE / row["file"]
    ext = target.suffix
    if ext == ".docx":
        build_docx(target, row, speakers, turns)
    elif ext == ".odt":
        build_odt(target, row, speakers, turns)
    elif ext == ".vtt":
        build_vtt(target, row, speakers, turns)
    elif ext in (".txt", ".md"):
        text = front_matter(row) + "\n".join(plain_lines(speakers, turns, bold_md=ext == ".md")) + "\n"
        encoding = "cp1252" if row["id"] in CP1252 else "utf-8"
        target.write_bytes(text.replace("\n", "\r\n" if encoding == "cp1252" else "\n").encode(encoding))
    else:
        raise SystemExit(f"{target}: no renderer for {ext}")
    return target


def main() -> None:
    with open(HERE / "manifest.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    missing = [r["id"] for r in rows if not (HERE / "src" / f"{r['id']}.txt").exists()]
    for row in rows:
        if row["id"] not in missing:
            print(f"{row['id']}: {build(row).name}")
    if missing:
        print(f"missing sources: {', '.join(missing)}")


if __name__ == "__main__":
    main()
