"""A throwaway PostgreSQL server for the test session, and fresh databases cut from a template.

The server is started once per test session (``initdb`` into a temporary folder, ``pg_ctl start``
on a free port, sockets in that folder) and stopped with ``pg_ctl stop -m immediate`` at the end.
PostgreSQL refuses to run as root: as root every server command runs through
``runuser -u postgres --`` and the folder is handed to that user.

``INFLOW_TEST_PG_URL`` points the tests at an existing server instead (a SQLAlchemy or libpq URL
of a role that may create databases); ``INFLOW_PG_BIN`` names the folder with ``initdb`` and
``pg_ctl`` when they are not under ``/usr/lib/postgresql/*/bin``.

Each test gets ``CREATE DATABASE t_<n> TEMPLATE <template>``: the template is migrated to head
once per session, so a fresh migrated database costs a file copy (a few milliseconds) instead of
a full Alembic run.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

ENV_URL = "INFLOW_TEST_PG_URL"
ENV_BIN = "INFLOW_PG_BIN"
TEMPLATE = "inflow_template"
# Throwaway data: durability off. No autovacuum (a worker connected to the template would make
# CREATE DATABASE ... TEMPLATE wait). 200 connections for tests that open pools on several databases.
SERVER_SETTINGS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    " -c autovacuum=off -c max_connections=200"
)


class PgUnavailable(Exception):
    """The test PostgreSQL server could not be started or reached; the message says why."""


def find_bin_dir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: ``INFLOW_PG_BIN``, else the newest installed."""
    env = os.environ.get(ENV_BIN)
    if env:
        path = Path(env)
        if not (path / "initdb").exists():
            raise PgUnavailable(f"{ENV_BIN}={env} has no initdb")
        return path
    found = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if Path(p, "initdb").exists()]
    if not found:
        on_path = shutil.which("initdb")
        if on_path:
            return Path(on_path).parent
        raise PgUnavailable(
            "no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin or on PATH; "
            f"install the 'postgresql' package, set {ENV_BIN}, or point {ENV_URL} at a server"
        )

    def version(path: Path) -> tuple[int, ...]:
        try:
            return tuple(int(part) for part in path.parent.name.split("."))
        except ValueError:
            return (0,)

    return max(found, key=version)


def _scratch_dir() -> str | None:
    # A RAM disk when there is a roomy one (containers often give 64 MB): the server never needs
    # to survive the session, and CREATE DATABASE there takes ~15 ms instead of 100-400 ms.
    shm = Path("/dev/shm")
    try:
        stats = os.statvfs(shm)
    except OSError:
        return None
    if os.access(shm, os.W_OK | os.X_OK) and stats.f_bavail * stats.f_frsize >= 1 << 30:
        return str(shm)
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    """A PostgreSQL server the tests may create and drop databases on."""

    url: URL
    """SQLAlchemy URL (``postgresql+psycopg``) of the maintenance database ``postgres``."""
    data_dir: Path | None = None
    bin_dir: Path | None = None
    as_postgres: bool = False
    token: str = ""
    template: str = TEMPLATE
    _admin: psycopg.Connection[tuple[object, ...]] | None = field(default=None, repr=False)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1), repr=False)

    # ----------------------------------------------------------------- starting and stopping
    @classmethod
    def start(cls) -> PgServer:
        """Start a private server in a temporary folder (raises PgUnavailable with the reason)."""
        bin_dir = find_bin_dir()
        as_postgres = os.geteuid() == 0
        base = Path(tempfile.mkdtemp(prefix="inflow-pg-", dir=_scratch_dir()))
        data = base / "data"
        if as_postgres:
            try:
                shutil.chown(base, user="postgres", group="postgres")
            except (LookupError, PermissionError) as error:
                shutil.rmtree(base, ignore_errors=True)
                raise PgUnavailable(
                    f"running as root and cannot hand {base} to user postgres: {error}"
                ) from error
        server = cls(
            url=make_url("postgresql+psycopg://postgres@127.0.0.1/postgres"),
            data_dir=data,
            bin_dir=bin_dir,
            as_postgres=as_postgres,
        )
        try:
            # A UTF-8 ctype, as on real servers: name search lower-cases Cyrillic (docs/DECISIONS.md).
            initdb_options = ["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]
            server._run(["initdb", "-D", str(data), *initdb_options])
            last_error = ""
            for _attempt in range(5):
                port = free_port()
                try:
                    options = f"-p {port} -k {base} {SERVER_SETTINGS}"
                    log = str(base / "server.log")
                    server._run(
                        ["pg_ctl", "-D", str(data), "-w", "-t", "60", "-l", log, "-o", options, "start"]
                    )
                except PgUnavailable as error:
                    last_error = str(error)
                    continue
                server.url = server.url.set(port=port)
                break
            else:
                raise PgUnavailable(f"pg_ctl start failed 5 times; last: {last_error}")
            server.connect_admin()
        except BaseException:
            server.stop()
            raise
        return server

    @classmethod
    def external(cls, raw_url: str) -> PgServer:
        """Use an existing server; its databases get a per-session prefix so runs do not collide."""
        url = make_url(raw_url)
        if url.get_backend_name() != "postgresql":
            raise PgUnavailable(f"{ENV_URL} is not a PostgreSQL URL: {url.render_as_string()}")
        url = url.set(drivername="postgresql+psycopg", database="postgres")
        token = uuid.uuid4().hex[:8]
        server = cls(url=url, token=token, template=f"{TEMPLATE}_{token}")
        server.connect_admin()
        return server

    def connect_admin(self) -> None:
        """Open the autocommit connection used for CREATE / DROP DATABASE."""
        try:
            self._admin = psycopg.connect(self.conninfo("postgres"), autocommit=True, connect_timeout=10)
        except psycopg.Error as error:
            raise PgUnavailable(f"cannot connect to {self.url.render_as_string()}: {error}") from error

    def stop(self) -> None:
        """Drop what this session created (external server) or stop and delete the private server."""
        if self._admin is not None:
            if self.data_dir is None:
                with contextlib.suppress(psycopg.Error):
                    for name in self._session_databases():
                        self.drop_database(name)
            with contextlib.suppress(psycopg.Error):
                self._admin.close()
            self._admin = None
        if self.data_dir is not None:
            base = self.data_dir.parent
            if (self.data_dir / "postmaster.pid").exists():
                with contextlib.suppress(PgUnavailable):
                    self._run(["pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"])
            # After an immediate stop the server's children may still be exiting for a moment.
            for _attempt in range(20):
                shutil.rmtree(base, ignore_errors=True)
                if not base.exists():
                    break
                time.sleep(0.05)
            self.data_dir = None

    def _run(self, argv: Sequence[str]) -> None:
        assert self.bin_dir is not None
        command = [str(self.bin_dir / argv[0]), *argv[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, cwd="/"
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PgUnavailable(f"{argv[0]} could not run: {error}") from error
        if result.returncode != 0:
            log = ""
            if self.data_dir is not None:
                log_path = self.data_dir.parent / "server.log"
                with contextlib.suppress(OSError):
                    log = "\nserver log:\n" + log_path.read_text(errors="replace")[-2000:]
            raise PgUnavailable(
                f"{' '.join(command)} exited with {result.returncode}:\n"
                f"{(result.stdout + result.stderr).strip()[-2000:]}{log}"
            )

    # ----------------------------------------------------------------------- databases
    def conninfo(self, database: str) -> str:
        """A libpq URI for psycopg."""
        return self.url.set(drivername="postgresql", database=database).render_as_string(hide_password=False)

    def sqlalchemy_url(self, database: str) -> str:
        """A ``postgresql+psycopg://`` URL for the application (``open_database``)."""
        return self.url.set(database=database).render_as_string(hide_password=False)

    @property
    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """The autocommit maintenance connection."""
        if self._admin is None:
            raise PgUnavailable("the test PostgreSQL server is not connected")
        return self._admin

    def new_name(self) -> str:
        """A database name unique in this session."""
        prefix = f"t_{self.token}_" if self.token else "t_"
        return f"{prefix}{next(self._counter)}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """CREATE DATABASE name [TEMPLATE template]; returns its SQLAlchemy URL."""
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            query = sql.SQL("{} TEMPLATE {}").format(query, sql.Identifier(template))
            if self.data_dir is not None and self.admin.info.server_version >= 150000:
                # With fsync off the checkpoint FILE_COPY forces is cheap; it is ~2x faster than
                # PostgreSQL 15's default WAL_LOG for a small template.
                query = sql.SQL("{} STRATEGY FILE_COPY").format(query)
        self.admin.execute(query)
        return self.sqlalchemy_url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database even if connections to it are still open."""
        self.admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        query = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
        if self.admin.info.server_version >= 130000:
            query = sql.SQL("{} WITH (FORCE)").format(query)
        self.admin.execute(query)

    def prepare_template(self) -> None:
        """Create the template database and migrate it to head (once per session)."""
        from app.persistence.uow import open_database

        self.drop_database(self.template)
        url = self.create_database(self.template)
        db = open_database(url)
        db.dispose()

    def _session_databases(self) -> list[str]:
        rows = self.admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s OR datname = %s",
            (f"t\\_{self.token}\\_%", self.template),
        ).fetchall()
        return [str(row[0]) for row in rows]
