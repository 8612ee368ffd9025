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
        "kind", "channel_id", "state", "responsible_user_id", "received_at", "quality",
    ],
    "ix_leads_report_rejections": [
        "state", "rejection_reason_id", "channel_id", "responsible_user_id", "received_at", "quality",
    ],
    "ix_leads_report_sources": [
        "ad_source", "received_at", "quality", "state", "channel_id", "responsible_user_id",
    ],
}


CALL_INDEXES = {
    "ix_call_records_report_missed": [
        "direction", "ring_at", "result", "channel_id", "lead_id", "caller_phone",
    ],
    "ix_call_records_callback": ["caller_phone", "direction", "ring_at"],
}


def upgrade() -> None:
    for table, indexes in (("leads", LEAD_INDEXES), ("call_records", CALL_INDEXES)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, columns in indexes.items():
                batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, indexes in (("call_records", CALL_INDEXES), ("leads", LEAD_INDEXES)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in indexes:
                batch_op.drop_index(name)
