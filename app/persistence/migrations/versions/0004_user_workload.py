"""Open-lead counters per user, kept by triggers, for the least-loaded distribution rule

Counting the open leads of every member of a role at each intake costs milliseconds on a
million leads; a counter kept by triggers on ``leads`` costs one indexed row per member. The
triggers see every writer (services, imports, the CLI, other programs), so the counter cannot
drift the way an application-side counter would.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "('new', 'in_progress', 'repeat')"

SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER leads_workload_insert AFTER INSERT ON leads
    WHEN NEW.responsible_user_id IS NOT NULL AND NEW.state IN {OPEN}
    BEGIN
        INSERT OR IGNORE INTO user_workload (user_id, open_leads) VALUES (NEW.responsible_user_id, 0);
        UPDATE user_workload SET open_leads = open_leads + 1 WHERE user_id = NEW.responsible_user_id;
    END
    """,
    f"""
    CREATE TRIGGER leads_workload_update AFTER UPDATE OF responsible_user_id, state ON leads
    BEGIN
        UPDATE user_workload SET open_leads = open_leads - 1
        WHERE user_id = OLD.responsible_user_id AND OLD.state IN {OPEN};
        INSERT OR IGNORE INTO user_workload (user_id, open_leads)
        SELECT NEW.responsible_user_id, 0
        WHERE NEW.responsible_user_id IS NOT NULL AND NEW.state IN {OPEN};
        UPDATE user_workload SET open_leads = open_leads + 1
        WHERE user_id = NEW.responsible_user_id AND NEW.state IN {OPEN};
    END
    """,
    f"""
    CREATE TRIGGER leads_workload_delete AFTER DELETE ON leads
    WHEN OLD.responsible_user_id IS NOT NULL AND OLD.state IN {OPEN}
    BEGIN
        UPDATE user_workload SET open_leads = open_leads - 1 WHERE user_id = OLD.responsible_user_id;
    END
    """,
]

POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION inflow_user_workload() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.responsible_user_id IS NOT NULL
       AND OLD.state IN {OPEN} THEN
        UPDATE user_workload SET open_leads = open_leads - 1 WHERE user_id = OLD.responsible_user_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.responsible_user_id IS NOT NULL
       AND NEW.state IN {OPEN} THEN
        INSERT INTO user_workload (user_id, open_leads) VALUES (NEW.responsible_user_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET open_leads = user_workload.open_leads + 1;
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "user_workload",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("open_leads", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_workload_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_workload")),
    )
    op.execute(
        f"""
        INSERT INTO user_workload (user_id, open_leads)
        SELECT responsible_user_id, count(*) FROM leads
        WHERE responsible_user_id IS NOT NULL AND state IN {OPEN}
        GROUP BY responsible_user_id
        """
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(
            "CREATE TRIGGER leads_workload AFTER INSERT OR DELETE OR UPDATE OF responsible_user_id, state "
            "ON leads FOR EACH ROW EXECUTE FUNCTION inflow_user_workload()"
        )
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS leads_workload ON leads")
        op.execute("DROP FUNCTION IF EXISTS inflow_user_workload()")
    else:
        for name in ("leads_workload_insert", "leads_workload_update", "leads_workload_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("user_workload")
