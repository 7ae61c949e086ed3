"""`make team-demo`: a team project on a throw-away local PostgreSQL server.

Starts a cluster, puts a new project on it, adds two coders and a supervisor,
turns blind mode on, lets the two coders code the same three transcripts at the
same time from separate processes (each connected as their own role), shows that
each sees only their own work, then as supervisor switches blind mode off and
prints agreement and the top disagreements. The corpus is the fictional Assore
demo corpus. Each step prints the command a team would type against its
institution's server (there, PGUSER is simply each person's login).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THREE = ("A02", "D02", "U02")  # coded by both reference coders
CODERS, SUPERVISOR, OWNER = ("coder-a", "coder-b"), "superviseur", "qualcode_admin"


def qualcode(role: str, *args: str, capture: bool = False, background: bool = False):
    """Run `qualcode ARGS` connected as `role`, printing the command first."""
    print(f"\n[{role}]$ qualcode {' '.join(args)}", flush=True)
    env = {**os.environ, "PGUSER": role}
    command = [sys.executable, "-c", "import sys; from qualcode.cli import main; sys.exit(main())", *args]
    if background:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    done = subprocess.run(command, env=env, capture_output=capture, text=True)
    if done.returncode:
        sys.exit(f"team demo: step failed ({done.stderr if capture else ''})")
    return done.stdout


def main() -> None:
    from qualcode.errors import QualcodeError
    from qualcode.team.cluster import LocalCluster, find_bindir

    if find_bindir() is None:
        sys.exit("team demo: PostgreSQL is not installed (Debian: apt-get install postgresql)")
    print("qualcode team demo — a local PostgreSQL server, two coders, one supervisor "
          "(FICTIONAL Assore corpus)")
    try:
        cluster = LocalCluster(port=54400).start()
    except QualcodeError as exc:
        sys.exit(f"team demo: {exc}")
    work = Path(tempfile.mkdtemp(prefix="qualcode-team-demo-"))
    try:
        cluster.create_database("assore")
        url = f"postgresql:///assore?host={cluster.socket}&port={cluster.port}"
        folder = str(work / "assore")
        p = ("--project", folder)
        qualcode(OWNER, "init", folder, "--server", url)
        qualcode(OWNER, "import", "--manifest", str(ROOT / "transcripts" / "manifest.csv"), *p)
        qualcode(OWNER, "codebook", "load", str(ROOT / "codebooks" / "assore.yaml"), *p)
        for coder in CODERS:
            qualcode(OWNER, "team", "add-coder", coder, *p)
        qualcode(OWNER, "team", "add-supervisor", SUPERVISOR, *p)
        qualcode(OWNER, "team", "blind", "on", *p)
        qualcode(OWNER, "team", "list", *p)
        print("\n# the two coders code the same three transcripts at the same time, each on their machine")
        running = [qualcode(coder, "codings", "import", *[str(ROOT / "transcripts" / "codings" / coder / f"{t}.yaml")
                                                         for t in THREE], *p, background=True)
                   for coder in CODERS]
        for proc in running:
            out, _ = proc.communicate()
            print(out.rstrip())
            if proc.returncode:
                sys.exit("team demo: a coder's import failed")
        for coder in CODERS:
            rows = json.loads(qualcode(coder, "codings", "--json", *p, capture=True))
            seen = sorted({r["coder"] for r in rows})
            print(f"  {coder} sees {len(rows)} codings, by: {', '.join(seen)}")
            if seen != [coder]:
                sys.exit("team demo: blind mode leaked another coder's work")
        qualcode(SUPERVISOR, "team", "blind", "off", *p)
        qualcode(SUPERVISOR, "agreement", "--coders", *CODERS, *[a for t in THREE for a in ("-t", t)],
                 "--level", "family", *p)
        qualcode(SUPERVISOR, "disagreements", "--coders", *CODERS, "--transcript", THREE[0], "--code", "profil", *p)
        qualcode(SUPERVISOR, "log", "--limit", "5", *p)
    finally:
        cluster.stop()
        subprocess.run(["rm", "-rf", str(work)])
    print("\nOn a real server: the owner runs 'qualcode init FOLDER --server postgresql://HOST/DB' and the "
          "team commands; each member runs 'qualcode init FOLDER --server postgresql://HOST/DB' once, "
          "with their password in ~/.pgpass or PGPASSWORD.")


if __name__ == "__main__":
    main()
