"""Indexes of the My Sales board: unprocessed leads oldest first, per user and per role pool

Partial indexes over the open states only (new, in_progress, repeat), ordered by (received_at, id),
so the board reads the first page of 100,000 open leads in index order, without a sort, and the
closed leads of past years cost nothing. The trailing ``kind`` lets the kind filter skip rows from
the index alone. The predicate is the one app/services/board.py uses verbatim (SQLite and
PostgreSQL both prove a partial index usable only from an identical term); it names the closed
states with NOT IN so that SQLite cannot serve the board through ix_leads_state_received_at (an IN
list there means reading and sorting every open lead).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "state NOT IN ('converted', 'repeat_processed', 'rejected')"

INDEXES = (
    ("ix_leads_open_received_at", ["received_at", "id", "kind"]),
    ("ix_leads_open_user_received_at", ["responsible_user_id", "received_at", "id", "kind"]),
    # A role's pool is "role responsible, no user": both equalities, then the order.
    ("ix_leads_open_role_received_at", ["responsible_role_id", "responsible_user_id", "received_at", "id", "kind"]),
)


def upgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        for name, columns in INDEXES:
            batch_op.create_index(
                name, columns, unique=False, sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN)
            )


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        for name, _columns in reversed(INDEXES):
            batch_op.drop_index(name)
