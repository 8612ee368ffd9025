"""Indexes and stored derived values for the built-in reports (issue: built-in reports)

SQLite has no hash aggregation: a GROUP BY that no index order gives sorts every row of the period
(about a second per million leads). Each index here leads with a report's grouping columns and
carries the filter columns after ``received_at``, so a year of a million leads is aggregated by
walking one index in order (docs/PERFORMANCE.md "Reports").

The response-time, missed-calls, control and KPI reports also read values stored at write time by
triggers on both engines (a lead's response seconds, an inbound call's first call back and its
lead's manager, a client's open interests / contact points / next planned interaction) instead of
computing them per row for a million rows; the upgrade backfills them for existing rows.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.persistence.types

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
        "ad_source", "quality", "state", "received_at", "channel_id", "responsible_user_id",
    ],
    "ix_leads_report_response": [
        "channel_id", "responsible_user_id", "response_seconds", "response_within_sla", "received_at", "quality",
    ],
}
# Partial indexes: (columns, predicate). The predicates are repeated verbatim in report_queries.py
# (both engines use a partial index only for a query carrying the identical terms).
UNANSWERED = "first_action_at IS NULL AND sla_due_at IS NOT NULL"
MISSED = "direction = 'in' AND result <> 'answered'"
OVERDUE = "state NOT IN ('converted', 'repeat_processed', 'rejected') AND sla_due_at IS NOT NULL"
LEAD_PARTIAL_INDEXES = {
    "ix_leads_report_unanswered": (
        ["received_at", "sla_due_at", "channel_id", "responsible_user_id", "quality"], UNANSWERED,
    ),
    "ix_leads_report_overdue": (["sla_due_at", "responsible_user_id", "channel_id", "quality"], OVERDUE),
}
CALL_PARTIAL_INDEXES = {
    "ix_call_records_report_missed": (
        ["channel_id", "lead_responsible_user_id", "callback_seconds", "ring_at", "lead_id"], MISSED,
    ),
}


CALL_INDEXES = {
    "ix_call_records_callback": ["caller_phone", "direction", "ring_at"],
}
CLIENT_INDEXES = {
    "ix_clients_report_control": [
        "responsible_user_id", "open_interest_count", "next_planned_at", "portrait_filled", "contact_point_count",
    ],
}


# ------------------------------------------------------------------------------- stored report facts
# Derived values the slow reports read instead of computing them per row (docs/PERFORMANCE.md
# "Built-in reports", docs/DECISIONS.md "Reports: definitions"). Kept by triggers, like
# user_workload (0004): every writer (services, the demo, imports, the bench's bulk fill, other
# programs) keeps them right without knowing about them.

# Whole seconds from arrival to the first action, exactly as the report computed them before
# (rounded to the millisecond, then truncated: julianday arithmetic gives 89999.9999… for 25 h).
SQLITE_RESPONSE = (
    "CAST(round((julianday(NEW.first_action_at) - julianday(NEW.received_at)) * 86400.0, 3) AS INTEGER)"
)
SQLITE_WITHIN = (
    "CASE WHEN NEW.sla_due_at IS NULL OR NEW.first_action_at IS NULL THEN NULL "
    "WHEN NEW.first_action_at <= NEW.sla_due_at THEN 1 ELSE 0 END"
)
SQLITE_CALLBACK = (
    "(SELECT min(o.ring_at) FROM call_records o WHERE o.direction = 'out' "
    "AND o.caller_phone = call_records.caller_phone AND o.ring_at > call_records.ring_at)"
)

SQLITE_REPORT_TRIGGERS = [
    # leads: the response time of a lead whenever its arrival, first action or deadline is written.
    f"""
    CREATE TRIGGER leads_response_insert AFTER INSERT ON leads
    WHEN NEW.first_action_at IS NOT NULL
    BEGIN
        UPDATE leads SET response_seconds = {SQLITE_RESPONSE}, response_within_sla = {SQLITE_WITHIN}
        WHERE id = NEW.id;
    END
    """,
    f"""
    CREATE TRIGGER leads_response_update AFTER UPDATE OF first_action_at, received_at, sla_due_at ON leads
    BEGIN
        UPDATE leads SET response_seconds = {SQLITE_RESPONSE}, response_within_sla = {SQLITE_WITHIN}
        WHERE id = NEW.id;
    END
    """,
    # leads → call_records: a call's manager is its lead's responsible user, now.
    """
    CREATE TRIGGER leads_call_manager_update AFTER UPDATE OF responsible_user_id ON leads
    BEGIN
        UPDATE call_records SET lead_responsible_user_id = NEW.responsible_user_id WHERE lead_id = NEW.id;
    END
    """,
    # call_records: an inbound call's first call back (an outbound call to the same number later).
    f"""
    CREATE TRIGGER call_records_report_insert AFTER INSERT ON call_records
    BEGIN
        UPDATE call_records SET
            callback_at = CASE WHEN direction = 'in' THEN {SQLITE_CALLBACK} END,
            lead_responsible_user_id = (SELECT l.responsible_user_id FROM leads l WHERE l.id = NEW.lead_id)
        WHERE id = NEW.id;
        UPDATE call_records SET callback_at = NEW.ring_at
        WHERE NEW.direction = 'out' AND caller_phone = NEW.caller_phone AND direction = 'in'
          AND ring_at < NEW.ring_at AND (callback_at IS NULL OR callback_at > NEW.ring_at);
    END
    """,
    f"""
    CREATE TRIGGER call_records_report_move AFTER UPDATE OF direction, caller_phone, ring_at ON call_records
    BEGIN
        UPDATE call_records SET callback_at = CASE WHEN direction = 'in' THEN {SQLITE_CALLBACK} END
        WHERE caller_phone IN (OLD.caller_phone, NEW.caller_phone) OR id = NEW.id;
    END
    """,
    f"""
    CREATE TRIGGER call_records_report_delete AFTER DELETE ON call_records
    WHEN OLD.direction = 'out'
    BEGIN
        UPDATE call_records SET callback_at = {SQLITE_CALLBACK}
        WHERE caller_phone = OLD.caller_phone AND direction = 'in' AND callback_at = OLD.ring_at;
    END
    """,
    """
    CREATE TRIGGER call_records_report_lead AFTER UPDATE OF lead_id ON call_records
    BEGIN
        UPDATE call_records
        SET lead_responsible_user_id = (SELECT l.responsible_user_id FROM leads l WHERE l.id = NEW.lead_id)
        WHERE id = NEW.id;
    END
    """,
    # Whole seconds to the call back, as the report computed them before.
    """
    CREATE TRIGGER call_records_report_seconds AFTER UPDATE OF callback_at, ring_at ON call_records
    BEGIN
        UPDATE call_records SET callback_seconds =
            CAST(round((julianday(NEW.callback_at) - julianday(NEW.ring_at)) * 86400.0, 3) AS INTEGER)
        WHERE id = NEW.id;
    END
    """,
]
SQLITE_REPORT_TRIGGER_NAMES = [
    "leads_response_insert", "leads_response_update", "leads_call_manager_update",
    "call_records_report_insert", "call_records_report_move", "call_records_report_delete",
    "call_records_report_lead", "call_records_report_seconds",
]

PG_SECONDS = "floor(round(extract(epoch FROM {later} - {earlier})::float8::numeric, 3))::integer"
PG_REPORT_FUNCTIONS = [
    f"""
    CREATE FUNCTION inflow_lead_response() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.response_seconds := {PG_SECONDS.format(later="NEW.first_action_at", earlier="NEW.received_at")};
        NEW.response_within_sla := CASE WHEN NEW.sla_due_at IS NULL OR NEW.first_action_at IS NULL THEN NULL
            WHEN NEW.first_action_at <= NEW.sla_due_at THEN 1 ELSE 0 END;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE FUNCTION inflow_lead_call_manager() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE call_records SET lead_responsible_user_id = NEW.responsible_user_id
        WHERE lead_id = NEW.id AND lead_responsible_user_id IS DISTINCT FROM NEW.responsible_user_id;
        RETURN NULL;
    END
    $$
    """,
    # The row's own facts, before it is written.
    f"""
    CREATE FUNCTION inflow_call_report_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.direction = 'in' THEN
            NEW.callback_at := (SELECT min(o.ring_at) FROM call_records o WHERE o.direction = 'out'
                                AND o.caller_phone = NEW.caller_phone AND o.ring_at > NEW.ring_at);
        ELSE
            NEW.callback_at := NULL;
        END IF;
        NEW.callback_seconds := {PG_SECONDS.format(later="NEW.callback_at", earlier="NEW.ring_at")};
        IF TG_OP = 'INSERT' OR NEW.lead_id IS DISTINCT FROM OLD.lead_id THEN
            NEW.lead_responsible_user_id := (SELECT l.responsible_user_id FROM leads l WHERE l.id = NEW.lead_id);
        END IF;
        RETURN NEW;
    END
    $$
    """,
    # An outbound call written, moved or deleted: the inbound calls it may be (or was) the call
    # back of are touched, and the row trigger above recomputes them.
    """
    CREATE FUNCTION inflow_call_callbacks() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.direction = 'out' THEN
            UPDATE call_records SET callback_at = NULL
            WHERE caller_phone = OLD.caller_phone AND direction = 'in' AND callback_at = OLD.ring_at;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.direction = 'out' THEN
            UPDATE call_records SET callback_at = NULL
            WHERE caller_phone = NEW.caller_phone AND direction = 'in' AND ring_at < NEW.ring_at
              AND (callback_at IS NULL OR callback_at > NEW.ring_at);
        END IF;
        RETURN NULL;
    END
    $$
    """,
]
PG_REPORT_TRIGGERS = [
    "CREATE TRIGGER leads_response BEFORE INSERT OR UPDATE OF first_action_at, received_at, sla_due_at "
    "ON leads FOR EACH ROW EXECUTE FUNCTION inflow_lead_response()",
    "CREATE TRIGGER leads_call_manager AFTER UPDATE OF responsible_user_id ON leads "
    "FOR EACH ROW EXECUTE FUNCTION inflow_lead_call_manager()",
    "CREATE TRIGGER call_records_report_row BEFORE INSERT OR UPDATE ON call_records "
    "FOR EACH ROW EXECUTE FUNCTION inflow_call_report_row()",
    "CREATE TRIGGER call_records_callbacks AFTER INSERT OR DELETE OR UPDATE OF direction, caller_phone, ring_at "
    "ON call_records FOR EACH ROW EXECUTE FUNCTION inflow_call_callbacks()",
]
PG_REPORT_DROPS = [
    "DROP TRIGGER IF EXISTS leads_response ON leads",
    "DROP TRIGGER IF EXISTS leads_call_manager ON leads",
    "DROP TRIGGER IF EXISTS call_records_report_row ON call_records",
    "DROP TRIGGER IF EXISTS call_records_callbacks ON call_records",
    "DROP FUNCTION IF EXISTS inflow_lead_response()",
    "DROP FUNCTION IF EXISTS inflow_lead_call_manager()",
    "DROP FUNCTION IF EXISTS inflow_call_report_row()",
    "DROP FUNCTION IF EXISTS inflow_call_callbacks()",
]

# The traffic light's per-client facts (control report): open interests, phone/e-mail contact
# points and the earliest planned interaction, recomputed for the clients a write touches.
CLIENT_FACTS = {
    "open_interest_count": (
        "(SELECT count(*) FROM interests i JOIN stages s ON s.id = i.stage_id "
        "WHERE i.client_id = clients.id AND s.kind = 'open')"
    ),
    "contact_point_count": (
        "(SELECT count(*) FROM contact_points p WHERE p.client_id = clients.id "
        "AND p.kind IN ('phone', 'email'))"
    ),
    "next_planned_at": (
        "(SELECT min(x.planned_at) FROM interactions x WHERE x.client_id = clients.id "
        "AND x.status = 'planned')"
    ),
}
# The client's own portrait check (a company also needs its INN), as the report computed it before.
PORTRAIT = (
    "CASE WHEN length(trim(coalesce({p}portrait, ''))) > 0 AND ({p}kind <> 'company' "
    "OR length(trim(coalesce({p}inn, ''))) > 0) THEN 1 ELSE 0 END"
)

# (table, the fact it feeds, the columns whose change matters)
CLIENT_FACT_SOURCES = (
    ("interests", "open_interest_count", "client_id, stage_id"),
    ("contact_points", "contact_point_count", "client_id, kind"),
    ("interactions", "next_planned_at", "client_id, status, planned_at"),
)


def _sqlite_client_triggers() -> list[str]:
    statements = []
    for table, fact, columns in CLIENT_FACT_SOURCES:
        value = CLIENT_FACTS[fact]
        statements += [
            f"CREATE TRIGGER {table}_client_facts_insert AFTER INSERT ON {table} BEGIN "
            f"UPDATE clients SET {fact} = {value} WHERE id = NEW.client_id; END",
            f"CREATE TRIGGER {table}_client_facts_update AFTER UPDATE OF {columns} ON {table} BEGIN "
            f"UPDATE clients SET {fact} = {value} WHERE id IN (OLD.client_id, NEW.client_id); END",
            f"CREATE TRIGGER {table}_client_facts_delete AFTER DELETE ON {table} BEGIN "
            f"UPDATE clients SET {fact} = {value} WHERE id = OLD.client_id; END",
        ]
    statements += [
        # (A new client without a portrait keeps the default 0: no second write for it.)
        "CREATE TRIGGER clients_portrait_insert AFTER INSERT ON clients WHEN NEW.portrait IS NOT NULL BEGIN "
        f"UPDATE clients SET portrait_filled = {PORTRAIT.format(p='NEW.')} WHERE id = NEW.id; END",
        "CREATE TRIGGER clients_portrait_update AFTER UPDATE OF portrait, inn, kind ON clients BEGIN "
        f"UPDATE clients SET portrait_filled = {PORTRAIT.format(p='NEW.')} WHERE id = NEW.id; END",
    ]
    # A stage turning open / won / lost changes the clients with interests on it.
    statements.append(
        "CREATE TRIGGER stages_client_facts_update AFTER UPDATE OF kind ON stages BEGIN "
        f"UPDATE clients SET open_interest_count = {CLIENT_FACTS['open_interest_count']} "
        "WHERE id IN (SELECT client_id FROM interests WHERE stage_id = NEW.id); END"
    )
    return statements


SQLITE_CLIENT_TRIGGER_NAMES = [
    f"{table}_client_facts_{event}"
    for table, _, _ in CLIENT_FACT_SOURCES
    for event in ("insert", "update", "delete")
] + ["stages_client_facts_update", "clients_portrait_insert", "clients_portrait_update"]


def _pg_client_functions() -> list[str]:
    statements = []
    for table, fact, columns in CLIENT_FACT_SOURCES:
        value = CLIENT_FACTS[fact]
        statements += [
            f"""
            CREATE FUNCTION inflow_{table}_client_facts() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    UPDATE clients SET {fact} = {value} WHERE id = OLD.client_id;
                END IF;
                IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.client_id IS DISTINCT FROM OLD.client_id) THEN
                    UPDATE clients SET {fact} = {value} WHERE id = NEW.client_id;
                END IF;
                RETURN NULL;
            END
            $$
            """,
            f"CREATE TRIGGER {table}_client_facts AFTER INSERT OR DELETE OR UPDATE OF {columns} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION inflow_{table}_client_facts()",
        ]
    statements += [
        f"""
        CREATE FUNCTION inflow_stages_client_facts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE clients SET open_interest_count = {CLIENT_FACTS['open_interest_count']}
            WHERE id IN (SELECT client_id FROM interests WHERE stage_id = NEW.id);
            RETURN NULL;
        END
        $$
        """,
        "CREATE TRIGGER stages_client_facts AFTER UPDATE OF kind ON stages "
        "FOR EACH ROW EXECUTE FUNCTION inflow_stages_client_facts()",
        f"""
        CREATE FUNCTION inflow_client_portrait() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.portrait_filled := {PORTRAIT.format(p='NEW.')};
            RETURN NEW;
        END
        $$
        """,
        "CREATE TRIGGER clients_portrait BEFORE INSERT OR UPDATE OF portrait, inn, kind ON clients "
        "FOR EACH ROW EXECUTE FUNCTION inflow_client_portrait()",
    ]
    return statements


PG_CLIENT_DROPS = [
    f"DROP TRIGGER IF EXISTS {table}_client_facts ON {table}" for table, _, _ in CLIENT_FACT_SOURCES
] + ["DROP TRIGGER IF EXISTS stages_client_facts ON stages"] + [
    f"DROP FUNCTION IF EXISTS inflow_{table}_client_facts()" for table, _, _ in CLIENT_FACT_SOURCES
] + [
    "DROP TRIGGER IF EXISTS clients_portrait ON clients",
    "DROP FUNCTION IF EXISTS inflow_stages_client_facts()",
    "DROP FUNCTION IF EXISTS inflow_client_portrait()",
]


def _add_columns() -> None:
    op.add_column("leads", sa.Column("response_seconds", sa.Integer(), nullable=True))
    op.add_column("leads", sa.Column("response_within_sla", sa.Integer(), nullable=True))
    op.add_column("call_records", sa.Column("callback_at", app.persistence.types.UTCDateTime(timezone=True),
                                            nullable=True))
    op.add_column("call_records", sa.Column("callback_seconds", sa.Integer(), nullable=True))
    op.add_column("call_records", sa.Column("lead_responsible_user_id", sa.Integer(), nullable=True))
    op.add_column("clients", sa.Column("open_interest_count", sa.Integer(), server_default="0", nullable=False))
    op.add_column("clients", sa.Column("contact_point_count", sa.Integer(), server_default="0", nullable=False))
    op.add_column("clients", sa.Column("portrait_filled", sa.Integer(), server_default="0", nullable=False))
    op.add_column("clients", sa.Column("next_planned_at", app.persistence.types.UTCDateTime(timezone=True),
                                       nullable=True))


def _backfill(sqlite: bool) -> None:
    """The stored values of existing rows, by set-based UPDATEs before the triggers exist."""
    if sqlite:
        response = SQLITE_RESPONSE.replace("NEW.", "")
        within = SQLITE_WITHIN.replace("NEW.", "")
        seconds = "CAST(round((julianday(callback_at) - julianday(ring_at)) * 86400.0, 3) AS INTEGER)"
    else:
        response = PG_SECONDS.format(later="first_action_at", earlier="received_at")
        within = SQLITE_WITHIN.replace("NEW.", "")
        seconds = PG_SECONDS.format(later="callback_at", earlier="ring_at")
    op.execute(
        f"UPDATE leads SET response_seconds = {response}, response_within_sla = {within} "
        "WHERE first_action_at IS NOT NULL"
    )
    op.execute(
        f"UPDATE call_records SET callback_at = {SQLITE_CALLBACK}, "
        "lead_responsible_user_id = (SELECT l.responsible_user_id FROM leads l WHERE l.id = call_records.lead_id) "
        "WHERE direction = 'in'"
    )
    op.execute(f"UPDATE call_records SET callback_seconds = {seconds} WHERE callback_at IS NOT NULL")
    # Only the clients that have any (the columns default to 0 / NULL).
    having = {
        "open_interest_count": "SELECT i.client_id FROM interests i JOIN stages s ON s.id = i.stage_id "
        "WHERE s.kind = 'open'",
        "contact_point_count": "SELECT client_id FROM contact_points WHERE kind IN ('phone', 'email')",
        "next_planned_at": "SELECT client_id FROM interactions WHERE status = 'planned'",
    }
    for fact, value in CLIENT_FACTS.items():
        op.execute(f"UPDATE clients SET {fact} = {value} WHERE id IN ({having[fact]})")
    op.execute(f"UPDATE clients SET portrait_filled = 1 WHERE {PORTRAIT.format(p='')} = 1")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _add_columns()
    _backfill(sqlite)
    if sqlite:
        for statement in SQLITE_REPORT_TRIGGERS + _sqlite_client_triggers():
            op.execute(statement)
    else:
        for statement in PG_REPORT_FUNCTIONS + PG_REPORT_TRIGGERS + _pg_client_functions():
            op.execute(statement)
    for table, indexes in (("leads", LEAD_INDEXES), ("call_records", CALL_INDEXES), ("clients", CLIENT_INDEXES)):
        for name, columns in indexes.items():
            op.create_index(name, table, columns, unique=False)
    for table, partial in (("leads", LEAD_PARTIAL_INDEXES), ("call_records", CALL_PARTIAL_INDEXES)):
        for name, (columns, where) in partial.items():
            op.create_index(
                name, table, columns, unique=False,
                sqlite_where=sa.text(where), postgresql_where=sa.text(where),
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_REPORT_TRIGGER_NAMES + SQLITE_CLIENT_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for statement in PG_REPORT_DROPS + PG_CLIENT_DROPS:
            op.execute(statement)
    for table, indexes in (
        ("clients", CLIENT_INDEXES),
        ("call_records", {**CALL_INDEXES, **CALL_PARTIAL_INDEXES}),
        ("leads", {**LEAD_INDEXES, **LEAD_PARTIAL_INDEXES}),
    ):
        for name in indexes:
            op.drop_index(name, table_name=table)
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): no copy of a million-row table.
    for table, column in (
        ("clients", "next_planned_at"), ("clients", "portrait_filled"), ("clients", "contact_point_count"), ("clients", "open_interest_count"),
        ("call_records", "lead_responsible_user_id"), ("call_records", "callback_seconds"),
        ("call_records", "callback_at"), ("leads", "response_within_sla"), ("leads", "response_seconds"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
