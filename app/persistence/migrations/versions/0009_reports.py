"""Indexes for the built-in reports (issue: built-in reports)

SQLite has no hash aggregation: a GROUP BY that no index order gives sorts every row of the period
(about a second per million leads). Each index here leads with a report's grouping columns and
carries the filter columns after ``received_at``, so a year of a million leads is aggregated by
walking one index in order (docs/PERFORMANCE.md "Reports").

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""
from collections.abc import Sequence

from alembic import op

import app.persistence.types  # noqa: F401

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEAD_INDEXES = {
    "ix_leads_report_channel_state": [
        "kind", "channel_id", "state", "received_at", "responsible_user_id", "quality",
    ],
    "ix_leads_report_rejections": [
        "state", "rejection_reason_id", "channel_id", "responsible_user_id", "received_at", "quality",
    ],
    "ix_leads_report_sources": [
        "ad_source", "received_at", "quality", "state", "channel_id", "responsible_user_id",
    ],
}


def upgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        for name, columns in LEAD_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        for name in LEAD_INDEXES:
            batch_op.drop_index(name)
