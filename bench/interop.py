"""Speed of the REFI-QDA exchange, in CPU seconds (user + system), each the
minimum of 3 runs measured pairwise with its floor (A B A B ...):

- reading the NVivo for Windows sample (2 sources, 1.2 M characters, 330
  codings): `interop.reader.read_qdpx` vs the floor of parsing its project.qde
  with lxml and decoding its two source files;
- importing it into a fresh project (reading, placing, writing in one transaction);
- exporting the demo corpus as a project (33 transcripts, 1,802 codings) vs the
  floor of writing the same source texts into a zip;
- importing that export into a fresh project.

The samples live in ../shared/interop/refi-qda (skipped when absent).
"""
from __future__ import annotations

import csv
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "interop" / "refi-qda" / "nvivo-win-12.6_two-coders_oltas_teszt.qdpx"
sys.path.insert(0, str(ROOT))


def cpu() -> float:
    return time.process_time()  # user + system CPU of this process


def timed(fn) -> float:
    started = cpu()
    fn()
    return cpu() - started


def pairwise(a, b, runs: int = 3) -> tuple[float, float]:
    ta, tb = [], []
    for _ in range(runs):
        ta.append(timed(a))
        tb.append(timed(b))
    return min(ta), min(tb)


def parse_floor() -> None:
    from lxml import etree

    with zipfile.ZipFile(SAMPLE) as archive:
        etree.fromstring(archive.read("project.qde"))
        for name in archive.namelist():
            if name.endswith(".txt"):
                archive.read(name).decode("utf-8-sig")


def demo_project(folder: Path):
    from qualcode import Project
    from qualcode.codings_file import import_files

    corpus = ROOT / "transcripts"
    with open(corpus / "manifest.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    project = Project.init(folder / "demo")
    project.import_files([corpus / r["file"] for r in rows], manifest=corpus / "manifest.csv", actor="bench")
    shutil.copy(ROOT / "codebooks" / "assore.yaml", folder / "demo" / "assore.yaml")
    project.load_codebook(folder / "demo" / "assore.yaml", actor="bench")
    import_files(project, [corpus / "codings"])
    return project


def best_import(archive: Path, folder: Path, runs: int = 3) -> float:
    """Least CPU time of importing `archive` into a new project."""
    from qualcode import Project

    def once(n: int):
        with Project.init(folder / str(n)) as project:
            project.import_qdpx(archive, actor="bench")

    return min(timed(lambda n=n: once(n)) for n in range(runs))


def main() -> None:
    from qualcode.interop.reader import read_qdpx

    work = Path(tempfile.mkdtemp(prefix="qualcode-bench-interop-"))
    try:
        if SAMPLE.exists():
            floor, read = pairwise(parse_floor, lambda: read_qdpx(SAMPLE))
            print(f"read NVivo sample (330 codings): {read:.2f} s CPU; floor lxml parse + decode "
                  f"{floor:.2f} s; ratio {read / floor:.1f}x")
            best = best_import(SAMPLE, work / "nvivo")
            print(f"import NVivo sample into a new project: {best:.2f} s CPU ({best / 330 * 1000:.2f} ms per coding)")
        else:
            print(f"NVivo sample absent ({SAMPLE}); skipped")

        project = demo_project(work)
        out = work / "demo.qdpx"
        project.export_qdpx(out)  # GUIDs made and stored once, as on a first export
        texts = [project.store.transcript(t)["text"] for t in project.store.transcript_ids()]

        def zip_floor():
            with zipfile.ZipFile(work / "floor.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for i, text in enumerate(texts):
                    archive.writestr(f"sources/{i}.txt", text.encode("utf-8"))

        floor, export = pairwise(zip_floor, lambda: project.export_qdpx(out))
        n = len(project.codings())
        print(f"export demo ({len(texts)} transcripts, {n} codings): {export:.2f} s CPU; floor zip of the "
              f"texts {floor:.2f} s; ratio {export / floor:.1f}x")
        project.close()
        best = best_import(out, work / "back")
        print(f"import the demo export into a new project: {best:.2f} s CPU ({best / n * 1000:.2f} ms per coding)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
