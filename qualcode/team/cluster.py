"""A throw-away local PostgreSQL cluster, for the tests, `make team-demo` and
`bench/team.py`: initdb + pg_ctl from Debian's packages into a temporary folder,
listening on a Unix socket only, removed by `stop()`.

initdb and postgres refuse to run as root: as root, the cluster belongs to the
`postgres` system user (which Debian's package creates) and commands run through
`runuser`. Nothing here is used by a real team's server.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from qualcode.errors import QualcodeError

SUPERUSER = "qualcode_admin"


def find_bindir() -> Path | None:
    """Folder of initdb/pg_ctl: $QUALCODE_PG_BIN, Debian's newest, or PATH."""
    if os.environ.get("QUALCODE_PG_BIN"):
        given = Path(os.environ["QUALCODE_PG_BIN"])
        return given if (given / "initdb").is_file() else None
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class LocalCluster:
    def __init__(self, bindir: Path | None = None, port: int = 54329):
        self.bindir = bindir or find_bindir()
        if self.bindir is None:
            raise QualcodeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="qualcode-pg-"))
        self.data, self.socket = self.root / "data", self.root / "socket"
        self.as_root = os.geteuid() == 0
        self.started = False

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            raise QualcodeError(f"{args[0]} failed: {(done.stderr or done.stdout).strip()[-500:]}")

    def start(self) -> "LocalCluster":
        self.socket.mkdir()
        if self.as_root:
            shutil.chown(self.root, "postgres"), shutil.chown(self.socket, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "--no-sync",
                  "-E", "UTF8", "--locale=C")
        self._start()
        return self

    def url(self, database: str = "postgres", user: str | None = SUPERUSER) -> str:
        """A URL over the Unix socket; without `user`, libpq's PGUSER (or the login name) applies."""
        who = f"{user}@" if user else ""
        return f"postgresql://{who}/{database}?host={self.socket}&port={self.port}"

    def psql_admin(self, sql: str, database: str = "postgres") -> None:
        """Run administrative SQL as the superuser (CREATE DATABASE and the like)."""
        import psycopg

        with psycopg.connect(host=str(self.socket), port=self.port, user=SUPERUSER, dbname=database,
                             autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str) -> str:
        self.psql_admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self, remove: bool = True) -> None:
        if self.started:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            self.started = False
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    def restart(self) -> None:
        """Start again after `stop(remove=False)`."""
        self._start()

    def _start(self) -> None:
        """pg_ctl start: Unix socket only, durability off (a throw-away cluster)."""
        options = (f"-k {self.socket} -p {self.port} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                  "-w", "-t", "60", "start")
        self.started = True

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
