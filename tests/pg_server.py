"""A throw-away PostgreSQL server for the SQL-backend tests (and ``bench/sql.py``).

``initdb`` in a temporary folder, ``pg_ctl start`` on 127.0.0.1 with a free port, trust
authentication for the local user only; stopped and deleted by ``stop()``. PostgreSQL
refuses to run as root, so as root the server runs as the ``postgres`` system user that
Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def pg_bindir() -> Path | None:
    """Debian puts the server binaries in /usr/lib/postgresql/<major>/bin, not on PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("initdb") and shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    bindir: Path
    root: Path
    port: int
    user: str

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    def url(self, db: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{db}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> None:
        self.datadir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, self.user)
            shutil.chown(self.datadir, self.user)
        init = self._run("initdb", "-D", str(self.datadir), "-U", self.user, "-A", "trust",
                         "-E", "UTF8", "--no-locale", "--no-sync")
        if init.returncode:
            raise RuntimeError(f"initdb failed: {init.stderr}")
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c fsync=off "
                f"-c unix_socket_directories={self.root} -c shared_buffers=64MB")
        started = self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.root / "log"),
                            "-o", opts, "-w", "-t", "60", "start")
        if started.returncode:
            log = (self.root / "log").read_text() if (self.root / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {started.stderr}\n{log[-2000:]}")

    def createdb(self, name: str, template: str | None = None) -> str:
        """A new database, empty or a copy of ``template`` (a file copy inside the server:
        far cheaper than loading the data again). One SQL statement over the server's own
        connection, not a ``createdb`` process per test."""
        import psycopg
        from psycopg import sql

        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(statement)
        return self.url(name)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def skip_reason() -> str | None:
    """Why the SQL tests cannot run here, or None."""
    if pg_bindir() is None:
        return "PostgreSQL server binaries not found (apt-get install postgresql)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser"
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server"
    try:
        import psycopg  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (pip install -r requirements.txt)"
    return None


def start_server(attempts: int = 3) -> PgServer:
    """A server on a free port. Parallel test workers each start their own: a port another
    process took between ``_free_port`` and ``pg_ctl start`` is retried on a new one."""
    import getpass

    bindir = pg_bindir()
    assert bindir is not None
    user = "postgres" if os.geteuid() == 0 else getpass.getuser()
    for attempt in range(attempts):
        root = Path(tempfile.mkdtemp(prefix="zones-pg-"))
        server = PgServer(bindir, root, _free_port(), user)
        try:
            server.start()
        except Exception:
            shutil.rmtree(root, ignore_errors=True)
            if attempt == attempts - 1:
                raise
            continue
        return server
    raise AssertionError("unreachable")
