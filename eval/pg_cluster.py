"""A throwaway PostgreSQL cluster from Debian's binaries, for benchmarks (tests have tests/pg.py)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

USER = "saring"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries, no psycopg, or the cluster would not start."""


def find_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin with initdb and pg_ctl (or $SARING_PG_BINDIR)."""
    candidates = [os.environ.get("SARING_PG_BINDIR", "")]
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: Path(p).parent.name, reverse=True
    )
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start PostgreSQL in a temp dir on a random port (unix socket), yield its URL, remove it after."""
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable("PostgreSQL binaries not found (apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise PostgresUnavailable("psycopg is not installed") from exc
    prefix: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="saring-bench-pg-"))
    data, sock, logfile = base / "data", base / "sock", base / "postgres.log"
    sock.mkdir()
    if os.geteuid() == 0:  # initdb refuses root: run as the postgres system user
        if shutil.which("runuser") is None:
            raise PostgresUnavailable("running as root without runuser")
        prefix = ["runuser", "-u", "postgres", "--"]
        for path in (base, sock):
            shutil.chown(path, "postgres")
        os.chmod(base, 0o755)
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    port = _free_port()
    try:
        subprocess.run(
            [
                *prefix,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            env=env,
        )
        options = f"-p {port} -k {sock} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        started = subprocess.run(
            [
                *prefix,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(logfile),
                "-w",
                "start",
            ],
            capture_output=True,
            text=True,
            env=env,
        )
        if started.returncode != 0:
            log = logfile.read_text(errors="replace") if logfile.exists() else ""
            raise PostgresUnavailable(f"PostgreSQL did not start: {started.stderr}\n{log}")
        yield f"postgresql+psycopg://{USER}@/postgres?host={sock}&port={port}"
    except subprocess.CalledProcessError as exc:
        raise PostgresUnavailable(f"initdb failed: {exc.stderr!r}") from exc
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            env=env,
        )
        shutil.rmtree(base, ignore_errors=True)


def server_version(url: str) -> str:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return ".".join(str(part) for part in conn.dialect.server_version_info or ())
    finally:
        engine.dispose()
