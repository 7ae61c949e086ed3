"""Printing and writing `suggest evaluate` results: the summary table (sentence
windows, whole turns, cold start), precision at the thresholds in use, the
learning curve, per family; a CSV of per-code figures."""
from __future__ import annotations

from pathlib import Path

from qualcode.cli.common import console, table


def _fmt(x):
    return "—" if x is None else f"{x:.2f}"


def _row(name, figures) -> list:
    mi, ma = figures["micro"], figures["macro"]
    return [name, _fmt(mi["precision"]), _fmt(mi["recall"]), _fmt(mi["f1"]), _fmt(ma["precision"]),
            _fmt(ma["recall"]), _fmt(ma["f1"]), ma["labels"]]


def summary_rows(result: dict) -> list[list]:
    rows = [_row("leaf codes", result["leaf"]), _row("families", result["family"])]
    if "turns" in result:
        n = f"{result['turns']['units']:,}"
        rows += [_row(f"leaf codes, whole turns ({n} units)", result["turns"]["leaf"]),
                 _row("families, whole turns", result["turns"]["family"])]
    if "cold" in result:
        rows += [_row("leaf codes, cold start (codebook only)", result["cold"]["leaf"]),
                 _row("families, cold start (codebook only)", result["cold"]["family"])]
    return rows


def show_evaluation(result: dict, *, per_family: bool = True) -> None:
    out = console()
    unit = "sentence windows of respondent turns"
    out.print(f"[bold]{result['method']}[/bold] vs {result['coder']}: {result['transcripts']} transcripts, "
              f"{result['units']:,} units ({unit}), {result['folds']}-fold cross-validation by transcript, "
              f"spaCy {result.get('spacy_model', '')}" + (f", {result['cpu_seconds']} CPU s" if "cpu_seconds" in result else ""))
    table(None, ["level", "micro P", "micro R", "micro F1", "macro P", "macro R", "macro F1", "labels"],
          summary_rows(result))
    t = result.get("thresholds")
    if t:
        out.print(f"Precision at the thresholds in use: leaf {_fmt(result['precision_at_threshold'])} "
                  f"(per-code thresholds chosen inside each training fold: median {_fmt(t['leaf_median'])}, "
                  f"{_fmt(t['leaf_min'])}–{_fmt(t['leaf_max'])}), families {_fmt(result['family']['micro']['precision'])} "
                  f"(family threshold {_fmt(t['family_median'])}).")
    elif result.get("precision_at_threshold") is not None:
        out.print(f"Precision of what is suggested: leaf {_fmt(result['precision_at_threshold'])}.")
    if result.get("curve"):
        points = ", ".join(f"{p['transcripts']}: {_fmt(p['leaf_macro_f1'])} / {_fmt(p['family_macro_f1'])}"
                           for p in result["curve"])
        out.print(f"Learning curve, macro F1 leaf / family by training transcripts per fold: {points}.")
    if per_family:
        fam = result["family"]
        rows = sorted(fam["per_label"].items(), key=lambda kv: -(kv[1]["f1"] or 0))
        table("per family", ["family", "P", "R", "F1", "kappa", "support"],
              [[k, _fmt(v["precision"]), _fmt(v["recall"]), _fmt(v["f1"]), _fmt(v.get("kappa")), v["support"]]
               for k, v in rows])


def write_evaluation_csv(results: list[dict], out: Path) -> None:
    from qualcode.exports.files import write_rows

    rows = []
    for r in results:
        parts = [("", r)] + [(f" ({k})", r[k]) for k in ("turns", "cold") if k in r]
        for suffix, part in parts:
            for level in ("leaf", "family"):
                for label, m in part[level]["per_label"].items():
                    rows.append({"method": r["method"], "level": level + suffix, "code": label,
                                 "precision": m["precision"], "recall": m["recall"], "f1": m["f1"],
                                 "kappa": m.get("kappa"), "support": m["support"]})
                for avg in ("micro", "macro"):
                    m = part[level][avg]
                    rows.append({"method": r["method"], "level": level + suffix, "code": f"({avg})",
                                 "precision": m["precision"], "recall": m["recall"], "f1": m["f1"],
                                 "kappa": None, "support": m.get("support")})
        for p in r.get("curve", []):
            rows.append({"method": r["method"], "level": f"curve: {p['transcripts']} transcripts", "code": "(macro)",
                         "precision": p["leaf_precision"], "recall": None, "f1": p["leaf_macro_f1"], "kappa": None,
                         "support": None})
    write_rows(rows, out, columns=["method", "level", "code", "precision", "recall", "f1", "kappa", "support"])
