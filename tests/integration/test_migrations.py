"""Alembic owns the schema: head matches the models, seeds are there, up and down both work."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select

from app.persistence.migrate import alembic_config, current_revision, head_revision, include_name
from app.persistence.models import Base, RejectionReason, Role
from app.persistence.uow import Database, open_database

REASON_CODES = {"existing_client", "spam", "duplicate", "wrong_number", "not_our_service", "no_answer_3"}
SYSTEM_ROLES = {"operator", "manager", "dispatcher", "supervisor", "admin"}


def _pending_diff(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        return list(compare_metadata(context, Base.metadata))


def _tables(engine: Engine) -> set[str]:
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    return {name for name in names if include_name(name, "table", {})}


def _open(url: str, *, upgrade: bool = True) -> Database:
    return open_database(url, upgrade=upgrade)


def test_upgrade_head_on_empty_database_leaves_no_autogenerate_diff(empty_db_url: str) -> None:
    db = _open(empty_db_url, upgrade=False)
    try:
        assert _tables(db.engine) == set()
        assert current_revision(db.engine) is None
    finally:
        db.dispose()

    db = _open(empty_db_url)
    try:
        assert current_revision(db.engine) == head_revision()
        assert _tables(db.engine) == set(Base.metadata.tables)
        diff = _pending_diff(db.engine)
        assert diff == [], f"models and migrations disagree; add a migration for: {diff}"
    finally:
        db.dispose()


def test_seeded_catalogs(db: Database) -> None:
    with db.session() as session:
        reasons = set(session.scalars(select(RejectionReason.code)))
        roles = {role.code: (role.is_system, role.can_configure) for role in session.scalars(select(Role))}
    assert reasons >= REASON_CODES
    assert set(roles) >= SYSTEM_ROLES
    assert all(roles[code][0] for code in SYSTEM_ROLES), roles
    assert roles["admin"][1]


def test_upgrading_twice_is_a_no_op(db_url: str) -> None:
    first = _open(db_url)
    try:
        with first.session() as session:
            before = sorted(session.scalars(select(RejectionReason.code)))
        revision = current_revision(first.engine)
    finally:
        first.dispose()

    second = _open(db_url)
    try:
        # Also through Alembic itself, not only through the is-at-head shortcut.
        command.upgrade(alembic_config(second.engine), "head")
        assert current_revision(second.engine) == revision == head_revision()
        with second.session() as session:
            after = sorted(session.scalars(select(RejectionReason.code)))
        assert after == before  # the seeds ran once
        assert _pending_diff(second.engine) == []
    finally:
        second.dispose()


def test_downgrade_to_base_then_upgrade_to_head(db_url: str) -> None:
    db = _open(db_url)
    try:
        command.downgrade(alembic_config(db.engine), "base")
        assert current_revision(db.engine) is None
        assert _tables(db.engine) == set()

        command.upgrade(alembic_config(db.engine), "head")
        assert current_revision(db.engine) == head_revision()
        assert _pending_diff(db.engine) == []
        with db.session() as session:
            assert set(session.scalars(select(RejectionReason.code))) >= REASON_CODES
    finally:
        db.dispose()


def test_the_shipped_head_constant_is_alembics_head() -> None:
    """Start-up compares alembic_version with HEAD_REVISION without importing Alembic."""
    from app.persistence.migrate import HEAD_REVISION, head_revision

    assert head_revision() == HEAD_REVISION
