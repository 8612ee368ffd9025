"""Alembic environment: run against the connection or engine the program hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from app.persistence.db import make_engine
from app.persistence.migrate import include_name
from app.persistence.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        _run(conn)


if context.is_offline_mode():
    raise SystemExit("Inflow migrations run online only: use `inflow db upgrade`.")
run_migrations_online()
