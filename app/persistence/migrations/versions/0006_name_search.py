"""Word-prefix name search over clients, contact persons and leads

Global search must answer within 100 ms on a million leads; ``LIKE '%…%'`` scans every row.
SQLite gets an FTS5 index (``search_names``) kept by triggers; PostgreSQL gets GIN indexes on
``to_tsvector('simple', …)`` of the names. In both, "ё" is read as "е" (Russians write both),
and a query matches names having words that begin with each of its words.

On SQLite each source has its own FTS5 table ``search_names_<table>`` with rowid = the row's id.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table, name column
SOURCES = (("clients", "name"), ("contact_persons", "name"), ("leads", "contact_name"))


def _folded(expression: str) -> str:
    return f"replace(replace({expression}, 'ё', 'е'), 'Ё', 'Е')"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, column in SOURCES:
            op.execute(
                f"CREATE INDEX ix_{table}_name_search ON {table} "
                f"USING gin (to_tsvector('simple', {_folded(column)}))"
            )
        return
    for table, column in SOURCES:
        fts = f"search_names_{table}"
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(name, tokenize='unicode61 remove_diacritics 2')")
        op.execute(
            f"INSERT INTO {fts} (rowid, name) SELECT id, {_folded(column)} FROM {table} WHERE {column} IS NOT NULL"
        )
        op.execute(
            f"CREATE TRIGGER {table}_search_insert AFTER INSERT ON {table} "
            f"WHEN NEW.{column} IS NOT NULL BEGIN "
            f"INSERT INTO {fts} (rowid, name) VALUES (NEW.id, {_folded('NEW.' + column)}); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_search_update AFTER UPDATE OF {column} ON {table} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = OLD.id; "
            f"INSERT INTO {fts} (rowid, name) SELECT NEW.id, {_folded('NEW.' + column)} "
            f"WHERE NEW.{column} IS NOT NULL; END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_search_delete AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = OLD.id; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, _ in SOURCES:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_name_search")
        return
    for table, _ in SOURCES:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_search_{event}")
        op.execute(f"DROP TABLE IF EXISTS search_names_{table}")
