"""Alembic, driven from code: every entry point calls :func:`upgrade_to_head` first.

Alembic itself is imported only when the schema is behind: a desktop start on a current
database checks one row of ``alembic_version`` and saves the ~0.3 s Alembic costs to import.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")

# The newest revision shipped; tests/integration/test_migrations.py checks it against Alembic's head.
HEAD_REVISION = "0009"


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave out of autogenerate what the models do not describe on purpose: the SQLite FTS5
    name-search table and its shadow tables, and PostgreSQL's expression indexes for it."""
    if type_ == "table" and name is not None and name.startswith("search_names"):
        return False
    return not (type_ == "index" and name is not None and name.endswith("_name_search"))


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the newest revision; a no-op when it already is."""
    if is_at_head(engine):
        return
    from alembic import command

    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head_revision() -> str | None:
    """The newest revision shipped with this program, as Alembic reads the scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_at_head(engine: Engine) -> bool:
    """Whether the schema is current."""
    return current_revision(engine) == HEAD_REVISION
