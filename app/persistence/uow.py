"""The unit of work: the only way services reach the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.domain.errors import ConcurrentModification, DatabaseUnavailable
from app.persistence.db import WRITE_OPTION, describe, make_engine, make_session_factory


class UnitOfWork:
    """One transaction: commit on success, roll back on any error.

    Optimistic-lock conflicts (the lead's version column) and lost connections are translated
    into domain errors with a sentence, so callers never show a driver traceback.
    """

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        """The session of this unit of work (only inside ``with``)."""
        if self._session is None:
            raise RuntimeError("unit of work used outside its 'with' block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = self._factory()
        try:
            self._session.connection(execution_options={WRITE_OPTION: True})
        except OperationalError as error:
            self._session.close()
            self._session = None
            raise _translate_operational(error) from error
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc_type is None:
                try:
                    session.commit()
                except StaleDataError as error:
                    session.rollback()
                    raise ConcurrentModification(
                        "Somebody else changed this record at the same moment; reload it and try again."
                    ) from error
                except OperationalError as error:
                    session.rollback()
                    raise _translate_operational(error) from error
            else:
                session.rollback()
                if isinstance(exc, OperationalError):
                    # A deadlock or lost connection inside the block: say it in words.
                    raise _translate_operational(exc) from exc
        finally:
            session.close()
            self._session = None

    def flush(self) -> None:
        """Flush pending changes, translating a version conflict into a domain error."""
        try:
            self.session.flush()
        except StaleDataError as error:
            raise ConcurrentModification(
                "Somebody else changed this record at the same moment; reload it and try again."
            ) from error


def _translate_operational(error: DBAPIError) -> Exception:
    text = str(error.orig) if error.orig is not None else str(error)
    lowered = text.lower()
    if "database is locked" in lowered or "database is busy" in lowered:
        return DatabaseUnavailable(
            "The database is busy with another writer; try again in a moment."
        )
    if "could not serialize" in lowered or "deadlock" in lowered or "lock" in lowered:
        return ConcurrentModification(
            "Somebody else changed this record at the same moment; reload it and try again."
        )
    return DatabaseUnavailable(f"The database cannot be reached right now ({text.strip().splitlines()[0]}).")


class Database:
    """An open database: engine, session factory and a way to start units of work."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        self.session_factory = make_session_factory(self.engine)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def describe(self) -> str:
        """The database for a status bar: SQLite path or PostgreSQL host."""
        return describe(self.url)

    def uow(self) -> UnitOfWork:
        """A new unit of work."""
        return UnitOfWork(self.session_factory)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read-only session for queries that need no unit of work semantics."""
        with self.session_factory() as session:
            yield session
            session.rollback()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_database(url: str, *, upgrade: bool = True) -> Database:
    """Open a database and bring its schema to head (every entry point does this first)."""
    db = Database(url)
    if upgrade:
        from app.persistence.migrate import upgrade_to_head

        try:
            upgrade_to_head(db.engine)
        except OperationalError as error:
            db.dispose()
            raise _translate_operational(error) from error
    return db
