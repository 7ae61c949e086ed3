"""qualcode on the demo corpus ×1, ×10 and ×100, every step against its floor.

    .venv/bin/python bench/scale.py                 # ×1 and ×10, 3 paired runs
    .venv/bin/python bench/scale.py --scales 100 --runs 1

Corpora (built once under --work, default /tmp/qualcode-scale): copy 0 is the 33
demo files with their own ids; copy k ≥ 1 renames each file ID-kk and adds one
last paragraph "(copie kk)" (a w:p in the docx, a text:p in the odt, a last line
in txt/md/vtt) so that every text and hash differs; a manifest CSV gives the new
ids; the two coders' reference codings are copied with `transcript:` rewritten.
×10 = 330 transcripts and 18,020 codings, ×100 = 3,300 and 180,200.

Each step is a whole `qualcode` process, and so is its floor (start-up included,
same Python): the cheapest plain way to do the same work.
- import: read the files with python-docx, odfpy or open() (F-read);
- codings import: ruamel safe-load the YAML, str.find each quote, one executemany (F-yaml);
- matrix, agreement, cooccurrence: pandas.read_sql of codings ⋈ codes ⋈ actor type,
  two groupbys (F-pd);
- excerpts xlsx: read_sql with the quotes (substr), DataFrame.to_excel (F-xlsx);
- excerpts docx: the same rows into python-docx, a heading per code and two
  paragraphs per excerpt, inserted before the held sectPr (F-docx, linear);
- suggest (×1, ×10, cold cache): fr_core_news_sm lemma pipeline over the
  respondent turns, nlp.pipe(batch_size=32) (F-spaCy).
Figures are CPU seconds (user + sys of the process, from wait4) and its peak RSS;
runs are paired (step, floor, step, floor...) and the ratio is the median of the
pairs' ratios, so load on this shared machine moves both sides alike.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "transcripts"
BOOK = ROOT / "codebooks" / "assore.yaml"
QUALCODE = [sys.executable, "-c", "import sys; from qualcode.cli import main; sys.exit(main(sys.argv[1:]))"]
CODERS = ["--coders", "coder-a", "coder-b"]


# -- corpora ----------------------------------------------------------------------
def _mark_docx(source: Path, target: Path, text: str) -> None:
    import docx

    document = docx.Document(source)
    document.add_paragraph(text)
    document.save(target)


def _mark_odt(source: Path, target: Path, text: str) -> None:
    from odf.opendocument import load
    from odf.text import P

    document = load(str(source))
    document.text.addElement(P(text=text))
    document.save(str(target))


def make_corpus(scale: int, folder: Path) -> Path:
    """The demo corpus × `scale` in `folder` (reused when complete)."""
    done = folder / ".complete"
    if done.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "codings").mkdir(parents=True)
    with open(CORPUS / "manifest.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out_rows = []
    for k in range(scale):
        for row in rows:
            source = CORPUS / row["file"]
            tid = row["id"] if k == 0 else f"{row['id']}-{k:02d}"
            target = folder / f"{tid}{source.suffix}"
            mark = f"(copie {k:02d})"
            if k == 0:
                shutil.copy(source, target)
            elif source.suffix == ".docx":
                _mark_docx(source, target, mark)
            elif source.suffix == ".odt":
                _mark_odt(source, target, mark)
            else:  # bytes: the demo has a cp1252 file; the mark is ASCII
                target.write_bytes(source.read_bytes().rstrip(b"\n") + f"\n{mark}\n".encode("ascii"))
            out_rows.append({**row, "id": tid, "file": target.name})
            for coder_dir in (CORPUS / "codings").iterdir():
                yaml_file = coder_dir / f"{row['id']}.yaml"
                if yaml_file.exists():
                    (folder / "codings" / coder_dir.name).mkdir(exist_ok=True)
                    text = yaml_file.read_text(encoding="utf-8").replace(
                        f"\ntranscript: {row['id']}\n", f"\ntranscript: {tid}\n")
                    (folder / "codings" / coder_dir.name / f"{tid}.yaml").write_text(text, encoding="utf-8")
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(out_rows)
    done.touch()
    return folder


# -- floors (run as `scale.py --floor NAME ARGS`) ------------------------------------
def floor_read(corpus: str) -> None:
    import docx
    from odf import teletype
    from odf.opendocument import load
    from odf.text import P

    total = 0
    for path in sorted(Path(corpus).iterdir()):
        if path.suffix == ".docx":
            document = docx.Document(path)
            total += sum(len(p.text) for p in document.paragraphs)
            total += sum(len(c.text) for t in document.tables for r in t.rows for c in r.cells)
        elif path.suffix == ".odt":
            total += sum(len(teletype.extractText(p)) for p in load(str(path)).getElementsByType(P))
        elif path.suffix in (".txt", ".md", ".vtt", ".srt"):
            data = path.read_bytes()
            try:
                total += len(data.decode("utf-8"))
            except UnicodeDecodeError:
                total += len(data.decode("cp1252"))


def floor_yaml(db: str, corpus: str) -> None:
    import sqlite3

    from ruamel.yaml import YAML

    con = sqlite3.connect(db)
    texts = dict(con.execute("SELECT id, text FROM transcripts"))
    rows = []
    yaml = YAML(typ="safe")
    for path in sorted(Path(corpus, "codings").rglob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"))
        text = texts[data["transcript"]]
        for c in data["codings"]:
            start = text.find(c["quote"])
            rows.append((data["transcript"], c["code"], data["coder"], start, start + len(c["quote"])))
    con.execute("CREATE TEMP TABLE f (t, c, coder, s, e)")
    con.executemany("INSERT INTO f VALUES (?, ?, ?, ?, ?)", rows)


_FRAME_SQL = """
    SELECT c.transcript_id AS transcript, k.id AS code, c.coder, c.start, c."end", a.value AS actor_type{quote}
    FROM codings c JOIN codes k ON k.pk = c.code_pk
    LEFT JOIN attributes a ON a.transcript_id = c.transcript_id AND a.key = 'actor_type'
    {join}"""


def _frame(db: str, quotes: bool = False):
    import sqlite3

    import pandas as pd

    sql = _FRAME_SQL.format(quote=', substr(t.text, c.start + 1, c."end" - c.start) AS quote' if quotes else "",
                            join="JOIN transcripts t ON t.id = c.transcript_id" if quotes else "")
    return pd.read_sql(sql, sqlite3.connect(db))


def floor_pd(db: str) -> None:
    frame = _frame(db)
    frame.groupby(["code", "actor_type"]).size()
    frame.groupby(["code", "actor_type"])["transcript"].nunique()


def floor_xlsx(db: str, out: str) -> None:
    _frame(db, quotes=True).to_excel(out, index=False)


def floor_docx(db: str, out: str) -> None:
    import docx
    from docx.oxml import OxmlElement
    from docx.text.paragraph import Paragraph

    frame = _frame(db, quotes=True).sort_values(["code", "transcript", "start"])
    document = docx.Document()
    body, sect = document.element.body, document.element.body.sectPr

    def paragraph(text: str, style: str | None = None) -> None:
        p = OxmlElement("w:p")
        sect.addprevious(p)
        para = Paragraph(p, document._body)
        para.add_run(text)
        if style:
            p.style = style

    for code, rows in frame.groupby("code", sort=False):
        paragraph(code, "Heading1")
        for quote, transcript in zip(rows["quote"], rows["transcript"]):
            paragraph(f"« {quote} »", "Quote")
            paragraph(f"— Entretien {transcript}")
    document.save(out)


def floor_spacy(db: str) -> None:
    import sqlite3

    from qualcode.assist.nlp import load_pipeline

    nlp = load_pipeline()  # fr_core_news_sm without parser/ner/senter, lemma_index as sets
    con = sqlite3.connect(db)
    texts = [t for (t,) in con.execute("SELECT text FROM segments WHERE role = 'respondent'")]
    for _ in nlp.pipe(texts, batch_size=32):
        pass


FLOORS = {"read": floor_read, "yaml": floor_yaml, "pd": floor_pd, "xlsx": floor_xlsx, "docx": floor_docx,
          "spacy": floor_spacy}


# -- measuring ----------------------------------------------------------------------
def run(cmd: list[str]) -> tuple[float, float]:
    """(CPU seconds, peak RSS in MB) of one process, which must succeed."""
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err,
                                   env={**os.environ, "OMP_NUM_THREADS": "1"})
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            err.seek(0)
            raise SystemExit(f"failed ({process.returncode}): {' '.join(cmd[3:])}\n{err.read().decode()[-2000:]}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def floor_cmd(name: str, *args) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--floor", name, *map(str, args)]


def paired(step, floor, runs: int, before=None) -> dict:
    """Run step and floor alternately `runs` times (calling `before()` before each step)."""
    steps, floors, ratios, peaks, floor_peaks = [], [], [], [], []
    for _ in range(runs):
        if before:
            before()
        cpu, peak = run(step)
        fcpu, fpeak = run(floor)
        steps.append(cpu)
        floors.append(fcpu)
        ratios.append(cpu / fcpu)
        peaks.append(peak)
        floor_peaks.append(fpeak)
    return {"cpu": statistics.median(steps), "floor": statistics.median(floors),
            "ratio": statistics.median(ratios), "peak": max(peaks), "floor_peak": max(floor_peaks)}


def _sql(db: Path, *statements: str) -> None:
    import sqlite3

    con = sqlite3.connect(db)
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()


def measure_scale(scale: int, work: Path, runs: int, only: set[str] | None) -> dict:
    corpus = make_corpus(scale, work / f"x{scale}")
    project = work / f"p{scale}"
    db = project / "qualcode.db"
    results = {}

    def want(name):
        return not only or name in only

    def fresh_project():
        shutil.rmtree(project, ignore_errors=True)
        subprocess.run([*QUALCODE, "init", str(project)], check=True, stdout=subprocess.DEVNULL)

    def q(*args):
        return [*QUALCODE, *map(str, args), "-p", str(project)]

    import_cmd = [*QUALCODE, "import", str(corpus), "--manifest", str(corpus / "manifest.csv"), "-p", str(project)]
    if want("import") or not db.exists():
        results["import"] = paired(import_cmd, floor_cmd("read", corpus), runs if want("import") else 1,
                                   before=fresh_project)
        subprocess.run(q("codebook", "load", BOOK), check=True, stdout=subprocess.DEVNULL)
        results["codings import"] = paired(
            q("codings", "import", corpus / "codings"), floor_cmd("yaml", db, corpus), runs,
            before=lambda: _sql(db, "DELETE FROM codings", "DELETE FROM audit WHERE action = 'coding.add'"))
    out = work / "out"
    out.mkdir(exist_ok=True)
    steps = {
        "matrix": (q("matrix", "--by", "actor_type", "-m", "segments", "-m", "interviews", "-m", "people",
                     "-m", "share"), floor_cmd("pd", db)),
        "excerpts xlsx": (q("excerpts", "--out", out / "x.xlsx"), floor_cmd("xlsx", db, out / "f.xlsx")),
        "excerpts docx": (q("excerpts", "--out", out / "x.docx"), floor_cmd("docx", db, out / "f.docx")),
        "agreement character": (q("agreement", *CODERS, "--unit", "character"), floor_cmd("pd", db)),
        "agreement segment": (q("agreement", *CODERS, "--unit", "segment"), floor_cmd("pd", db)),
        "cooccurrence": (q("cooccurrence"), floor_cmd("pd", db)),
    }
    for name, (step, floor) in steps.items():
        if want(name):
            results[name] = paired(step, floor, runs)
    if want("suggest") and scale <= 10:
        results["suggest"] = paired(
            q("suggest", "--method", "both", "--train-coder", "coder-a"), floor_cmd("spacy", db), runs,
            before=lambda: _sql(db, "DELETE FROM parse_cache", "DELETE FROM suggestions"))
    return results


def table(all_results: dict[int, dict]) -> str:
    scales = sorted(all_results)
    names = list(dict.fromkeys(n for r in all_results.values() for n in r))
    lines = ["| step | " + " | ".join(f"×{s}" for s in scales) + " |", "|---|" + "---|" * len(scales)]
    for name in names:
        cells = []
        for s in scales:
            r = all_results[s].get(name)
            cells.append("—" if r is None else
                         f"{r['cpu']:.2f} s ({r['ratio']:.2f}×) · {r['peak']:.0f} MB; floor {r['floor']:.2f} s")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if len(scales) > 1:
        lines.append("")
        for name in names:
            have = [s for s in scales if name in all_results[s]]
            growth = [f"×{b}/×{a}: {all_results[b][name]['cpu'] / all_results[a][name]['cpu']:.1f}×"
                      for a, b in zip(have, have[1:])]
            if growth:
                lines.append(f"- {name}: CPU grows {', '.join(growth)} (corpus ×{have[-1] // have[0]})")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--floor":
        FLOORS[sys.argv[2]](*sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "qualcode-scale")
    parser.add_argument("--only", nargs="*", help="step names (e.g. 'import' 'excerpts docx')")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = {}
    for scale in args.scales:
        results[scale] = measure_scale(scale, args.work, args.runs, set(args.only) if args.only else None)
        print(f"×{scale} done", file=sys.stderr, flush=True)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
