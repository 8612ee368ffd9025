"""Shared fixtures: the in-memory keyring, a session PostgreSQL server, fresh databases per test.

Fixtures for database tests (see tests/pg.py for how the server is run):

``db_url``          a fresh, migrated, empty database URL, parametrized ``sqlite`` / ``postgresql``
``db``              ``open_database(db_url)``: a :class:`~app.persistence.uow.Database`, disposed after
``empty_db_url``    like ``db_url`` but not migrated (an empty database, for migration tests)
``pg_url_factory``  a callable ``(migrated=True) -> url`` of fresh PostgreSQL databases only; tests
                    using it are marked ``postgres`` automatically
``pg_server``       the session's :class:`tests.pg.PgServer`

When the server cannot be started, PostgreSQL tests are skipped with the reason, or fail when the
environment variable ``CI`` is ``true``.
"""

from __future__ import annotations

import os
import shutil

# Before anything imports Qt: no test opens a window on the desktop it runs on.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from hypothesis import settings
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from app.persistence.uow import Database, open_database
from tests.pg import ENV_URL, PgServer, PgUnavailable

# No per-example deadline: the first call of a library may load data (phonenumbers' metadata) and a
# busy CI machine is slow; a deadline there only makes flaky failures.
settings.register_profile("inflow", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "inflow"))

# ------------------------------------------------------------------------------------- keyring


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict, so tests never touch the desktop's secret store."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise PasswordDeleteError(f"no password for {username!r} in {service!r}") from None


@pytest.fixture(scope="session", autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The process-wide keyring for the whole session: an empty in-memory one."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _clean_keyring(memory_keyring: MemoryKeyring) -> Iterator[None]:
    """Secrets stored by one test are not seen by the next."""
    yield
    memory_keyring.passwords.clear()


# ---------------------------------------------------------------------------------- PostgreSQL


def _pg_unavailable(reason: str) -> None:
    message = f"PostgreSQL for tests unavailable: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def _pg_server_or_error(memory_keyring: MemoryKeyring) -> Iterator[PgServer | str]:
    # Started at most once; a failure is remembered (as its message) and reported to each test.
    try:
        external = os.environ.get(ENV_URL)
        server = PgServer.external(external) if external else PgServer.start()
    except PgUnavailable as error:
        yield str(error)
        return
    try:
        server.prepare_template()
    except Exception as error:
        server.stop()
        yield f"migrating the template database failed: {type(error).__name__}: {error}"
        return
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_server(_pg_server_or_error: PgServer | str) -> PgServer:
    """The session's PostgreSQL server (skips, or fails under CI, when there is none)."""
    if isinstance(_pg_server_or_error, str):
        _pg_unavailable(_pg_server_or_error)
    assert isinstance(_pg_server_or_error, PgServer)
    return _pg_server_or_error


PgUrlFactory = Callable[..., str]


@pytest.fixture
def pg_url_factory(pg_server: PgServer) -> Iterator[PgUrlFactory]:
    """Make fresh PostgreSQL databases: ``factory()`` migrated to head, ``factory(migrated=False)`` empty.

    Every database made is dropped (connections terminated) when the test ends.
    """
    made: list[str] = []

    def factory(*, migrated: bool = True) -> str:
        name = pg_server.new_name()
        url = pg_server.create_database(name, template=pg_server.template if migrated else None)
        made.append(name)
        return url

    yield factory
    for name in made:
        pg_server.drop_database(name)


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'inflow.db'}"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory, memory_keyring: MemoryKeyring) -> Path:
    # Migrated once per session; each test gets a copy of the file (WAL is checkpointed on dispose).
    path = tmp_path_factory.mktemp("sqlite-template") / "inflow.db"
    open_database(f"sqlite:///{path}").dispose()
    return path


ENGINES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``: the engine a parametrized database test runs on."""
    return str(request.param)


@pytest.fixture
def db_url(engine_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database migrated to head, with nothing but the seeded catalogs in it."""
    if engine_name == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_template")
        shutil.copyfile(template, tmp_path / "inflow.db")
        for suffix in ("-wal", "-shm"):
            side = template.with_name(template.name + suffix)
            if side.exists():
                shutil.copyfile(side, tmp_path / f"inflow.db{suffix}")
        return _sqlite_url(tmp_path)
    factory: PgUrlFactory = request.getfixturevalue("pg_url_factory")
    return factory()


@pytest.fixture
def empty_db_url(engine_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database with no tables at all (for migration tests)."""
    if engine_name == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    factory: PgUrlFactory = request.getfixturevalue("pg_url_factory")
    return factory(migrated=False)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """The open database of ``db_url`` (already at head); disposed after the test."""
    database = open_database(db_url)
    try:
        yield database
    finally:
        database.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that ask for a PostgreSQL database directly are ``postgres`` tests too."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if ("pg_url_factory" in names or "pg_server" in names) and not item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.postgres)
