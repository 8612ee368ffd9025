"""PostgreSQL change notifications for live updates across desktops

Every statement that writes one of the watched tables fires ``NOTIFY inflow_changes, '<table>'``
(statement-level, so an import of 500 rows is one notification per statement). SQLite needs
nothing: desktops there watch ``PRAGMA data_version``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WATCHED = (
    "leads",
    "lead_history",
    "interests",
    "processes",
    "clients",
    "contact_persons",
    "channels",
    "users",
    "stages",
    "rejection_reasons",
    "exclusions",
    "call_records",
    "interactions",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION inflow_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('inflow_changes', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$
        """
    )
    for table in WATCHED:
        op.execute(
            f"CREATE TRIGGER {table}_notify_change AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION inflow_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in WATCHED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify_change ON {table}")
    op.execute("DROP FUNCTION IF EXISTS inflow_notify_change()")
