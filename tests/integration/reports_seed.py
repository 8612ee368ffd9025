"""Seeded data for the report tests, and brute-force Python counts over the same rows.

The seed writes leads, calls, interests, clients and interactions straight through the ORM with
known field values (no services), keeps a plain copy of every row, and :class:`Truth` recomputes
each report's figures from those copies with loops and ``sorted`` — the definitions of
docs/DECISIONS.md "Reports" written the slow, obvious way.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.domain.enums import ClientKind, LeadState, StageKind
from app.persistence.models import (
    CallRecord,
    ContactPoint,
    Interaction,
    Interest,
    Lead,
    RejectionReason,
    Stage,
)
from app.persistence.uow import Database
from tests.factories import make_channel, make_client, make_department, make_user, role

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
START = datetime(2026, 2, 25, tzinfo=UTC)
SOURCES = ["yandex", "google", "avito", None, ""]
STATES = [s.value for s in LeadState]
QUALITIES = ["target", "repeat", "non_target", "unchecked"]


@dataclass
class Seeded:
    """Ids and plain copies of what was written."""

    managers: list[int] = field(default_factory=list)
    departments: list[int] = field(default_factory=list)
    user_department: dict[int, int | None] = field(default_factory=dict)
    manager_role_id: int = 0
    channels: dict[str, int] = field(default_factory=dict)
    channel_kind: dict[int, str] = field(default_factory=dict)
    not_counted: set[int] = field(default_factory=set)
    reasons: dict[int, str] = field(default_factory=dict)
    leads: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    interests: list[dict[str, Any]] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)
    clients: list[dict[str, Any]] = field(default_factory=list)


def seed(db: Database, n_leads: int = 400, seed_value: int = 7) -> Seeded:
    """Write the data set; returns the plain copies."""
    rng = random.Random(seed_value)
    out = Seeded()
    with db.uow() as uow:
        s = uow.session
        d1, d2 = make_department(s), make_department(s)
        out.departments = [d1.id, d2.id]
        users = [
            make_user(s, roles=("manager",), department=d1),
            make_user(s, roles=("manager",), department=d1),
            make_user(s, roles=("manager",), department=d2),
        ]
        out.managers = [u.id for u in users]
        out.user_department = {u.id: u.department_id for u in users}
        out.manager_role_id = role(s, "manager").id
        for name, kind, source, counted in (
            ("Линия 1", "call", None, True),
            ("Почта", "email", None, True),
            ("Telegram", "dialog", None, True),
            ("Сайт", "request", "yandex", True),
            ("Импорт", "request", None, False),
        ):
            channel = make_channel(s, name, kind=kind, ad_source=source)
            channel.counts_in_stats = counted
            out.channels[name] = channel.id
            out.channel_kind[channel.id] = kind
            if not counted:
                out.not_counted.add(channel.id)
        s.flush()
        out.reasons = {
            row.id: row.name for row in s.execute(select(RejectionReason.id, RejectionReason.name))
        }
        reason_ids = sorted(out.reasons)
        stages = list(s.scalars(select(Stage).order_by(Stage.pipeline_id, Stage.position, Stage.id)))
        out.stages = [
            {
                "id": st.id,
                "pipeline_id": st.pipeline_id,
                "position": st.position,
                "kind": st.kind,
                "name": st.name,
            }
            for st in stages
        ]

        # Clients with the four control checks varied.
        for i in range(40):
            kind = rng.choice([ClientKind.PERSON.value, ClientKind.COMPANY.value])
            inn = rng.choice([None, "7707083893"]) if kind == "company" else None
            phones = [f"+7 916 100-00-{i:02d}"] if rng.random() < 0.6 else []
            emails = [f"c{i}@example.ru"] if rng.random() < 0.3 else []
            manager = rng.choice([*out.managers, None])
            client = make_client(
                s,
                f"Клиент {i}",
                kind=kind,
                inn=inn,
                phones=phones,
                emails=emails,
                responsible=manager,
                contact="Иван" if i % 3 == 0 else None,
            )
            client.portrait = rng.choice([None, "", "  ", "Покупает окна для дачи"])
            if not phones and not emails and rng.random() < 0.3:
                s.add(ContactPoint(client_id=client.id, kind="messenger", value=f"telegram:{i}"))
            overdue = False
            # Overdue is judged against the clock when the report runs.
            clock = datetime.now(UTC)
            for _ in range(rng.choice([0, 0, 1, 2])):
                status = rng.choice(["planned", "done"])
                planned = clock + timedelta(hours=rng.choice([-50, -2, 3, 40]))
                s.add(
                    Interaction(
                        kind="task",
                        status=status,
                        client_id=client.id,
                        user_id=manager,
                        subject="Позвонить",
                        planned_at=planned,
                        done_at=planned if status == "done" else None,
                    )
                )
                overdue = overdue or (status == "planned" and planned < clock)
            s.flush()
            out.clients.append(
                {
                    "id": client.id,
                    "name": client.name,
                    "kind": kind,
                    "inn": client.inn,
                    "portrait": client.portrait,
                    "manager": manager,
                    "contacts": bool(phones or emails),
                    "overdue": overdue,
                    "active_interest": False,
                }
            )

        # Leads.
        clients_by_id = {c["id"]: c for c in out.clients}
        channel_ids = list(out.channels.values())
        boundary_times = [
            datetime(2026, 3, 10, 20, 30, tzinfo=UTC),  # 23:30 in Moscow on the 10th
            datetime(2026, 3, 10, 21, 10, tzinfo=UTC),  # 00:10 in Moscow on the 11th
            datetime(2026, 3, 10, 13, 30, tzinfo=UTC),  # 23:30 in Vladivostok on the 10th
            datetime(2026, 3, 10, 14, 10, tzinfo=UTC),  # 00:10 in Vladivostok on the 11th
            datetime(2026, 3, 9, 20, 59, 59, tzinfo=UTC),
            datetime(2026, 3, 9, 21, 0, tzinfo=UTC),
        ]
        for i in range(n_leads):
            channel_id = rng.choice(channel_ids)
            received = (
                boundary_times[i]
                if i < len(boundary_times)
                else START + timedelta(seconds=rng.randrange(int((NOW - START).total_seconds())))
            )
            state = rng.choice(STATES)
            responsible = rng.choice([*out.managers, None])
            role_id = out.manager_role_id if responsible is None and rng.random() < 0.5 else None
            first_action = (
                received + timedelta(seconds=rng.randrange(30, 20000)) if rng.random() < 0.7 else None
            )
            sla = received + timedelta(minutes=rng.choice([30, 120])) if rng.random() < 0.6 else None
            client_id = rng.choice([None, None, *clients_by_id])
            processed_at = processor = None
            if state == "converted" and responsible is not None:
                processed_at, processor = received + timedelta(hours=2), responsible
            lead = Lead(
                channel_id=channel_id,
                kind=out.channel_kind[channel_id],
                received_at=received,
                contact_name=f"Контакт {i}",
                phone=f"+7916200{i:04d}",
                ad_source=rng.choice(SOURCES),
                client_id=client_id,
                responsible_user_id=responsible,
                responsible_role_id=role_id,
                state=state,
                quality=rng.choice(QUALITIES),
                sla_due_at=sla,
                first_action_at=first_action,
                processed_at=processed_at,
                processor_id=processor,
                rejection_reason_id=rng.choice([*reason_ids, None]) if state == "rejected" else None,
                created_by_id=rng.choice([None, None, *out.managers]),
            )
            s.add(lead)
            s.flush()
            out.leads.append(
                {
                    "id": lead.id,
                    "channel_id": channel_id,
                    "kind": lead.kind,
                    "received_at": received,
                    "state": state,
                    "quality": lead.quality,
                    "ad_source": lead.ad_source,
                    "responsible": responsible,
                    "role": role_id,
                    "created_by": lead.created_by_id,
                    "first_action_at": first_action,
                    "sla_due_at": sla,
                    "reason": lead.rejection_reason_id,
                    "client_id": client_id,
                    "processed_at": processed_at,
                    "processor": processor,
                }
            )

        # Calls: every call lead rang; some missed, some called back later (or before: no callback).
        serial = 0
        for lead_row in out.leads:
            if lead_row["kind"] != "call":
                continue
            serial += 1
            result = rng.choice(["answered", "answered", "no_answer", "busy", "failed", None])
            phone = f"+7916300{serial % 60:04d}"
            ring = lead_row["received_at"]
            s.add(
                CallRecord(
                    sip_call_id=f"in-{serial}",
                    direction="in",
                    channel_id=lead_row["channel_id"],
                    caller=phone,
                    caller_phone=phone,
                    ring_at=ring,
                    result=result,
                    lead_id=lead_row["id"],
                )
            )
            out.calls.append(
                {
                    "direction": "in",
                    "phone": phone,
                    "ring_at": ring,
                    "result": result,
                    "channel_id": lead_row["channel_id"],
                    "lead": lead_row,
                }
            )
            for k in range(rng.choice([0, 0, 1, 2])):
                back = ring + timedelta(seconds=rng.choice([-300, 45, 600, 7200, 90000]) + k)
                s.add(
                    CallRecord(
                        sip_call_id=f"out-{serial}-{k}",
                        direction="out",
                        channel_id=lead_row["channel_id"],
                        caller="101",
                        caller_phone=phone,
                        called=phone,
                        ring_at=back,
                        result="answered",
                    )
                )
                out.calls.append({"direction": "out", "phone": phone, "ring_at": back})
        for k in range(5):  # missed calls that made no lead (e.g. the lead was merged away)
            ring = NOW - timedelta(days=k + 1, hours=3)
            phone = f"+7916400{k:04d}"
            s.add(
                CallRecord(
                    sip_call_id=f"orphan-{k}",
                    direction="in",
                    channel_id=out.channels["Линия 1"],
                    caller=phone,
                    caller_phone=phone,
                    ring_at=ring,
                    result="no_answer",
                )
            )
            out.calls.append(
                {
                    "direction": "in",
                    "phone": phone,
                    "ring_at": ring,
                    "result": "no_answer",
                    "channel_id": out.channels["Линия 1"],
                    "lead": None,
                }
            )

        # Interests on every stage.
        for i in range(120):
            stage = rng.choice(out.stages)
            client = rng.choice(out.clients)
            lead_row = rng.choice([None, *out.leads[:200]])
            created = START + timedelta(seconds=rng.randrange(int((NOW - START).total_seconds())))
            amount = rng.choice([None, Decimal("1000.50"), Decimal("25000"), Decimal("199.99")])
            responsible = rng.choice([*out.managers, None])
            interest = Interest(
                client_id=client["id"],
                pipeline_id=stage["pipeline_id"],
                stage_id=stage["id"],
                title=f"Сделка {i}",
                amount=amount,
                responsible_user_id=responsible,
                lead_id=lead_row["id"] if lead_row else None,
                created_at=created,
            )
            s.add(interest)
            s.flush()
            if stage["kind"] == StageKind.OPEN.value:
                client["active_interest"] = True
            out.interests.append(
                {
                    "id": interest.id,
                    "stage": stage,
                    "amount": amount,
                    "created_at": created,
                    "responsible": responsible,
                    "lead": lead_row,
                    "client": client,
                }
            )
    return out


# ----------------------------------------------------------------------------------- brute force


def nearest_rank(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (the report's definition, over whole seconds)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def local_day_bounds(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """UTC bounds of inclusive local dates."""
    start = datetime(first.year, first.month, first.day, tzinfo=zone)
    end = datetime(last.year, last.month, last.day, tzinfo=zone) + timedelta(days=1)
    return start.astimezone(UTC), end.astimezone(UTC)


@dataclass
class Truth:
    """Brute-force figures over the seeded rows for one period and set of filters."""

    data: Seeded
    start: datetime
    end: datetime
    channels: set[int] | None = None
    managers: set[int] | None = None
    qualities: set[str] | None = None
    sources: set[str | None] | None = None
    viewer: int | None = None  # a manager with "own" visibility, or None for everything

    def visible(self, lead: dict[str, Any]) -> bool:
        """The lead visibility rule for an "own" manager."""
        if self.viewer is None:
            return True
        return (
            lead["responsible"] == self.viewer
            or lead["created_by"] == self.viewer
            or lead["role"] == self.data.manager_role_id
        )

    def lead_passes(self, lead: dict[str, Any], period: bool = True) -> bool:
        """Every lead filter."""
        if lead["channel_id"] in self.data.not_counted:
            return False
        if period and not (self.start <= lead["received_at"] < self.end):
            return False
        if self.channels is not None and lead["channel_id"] not in self.channels:
            return False
        if self.managers is not None and lead["responsible"] not in self.managers:
            return False
        if self.qualities is not None and lead["quality"] not in self.qualities:
            return False
        if self.sources is not None:
            source = lead["ad_source"] or None
            if source not in self.sources:
                return False
        return self.visible(lead)

    def leads(self, period: bool = True) -> list[dict[str, Any]]:
        """The leads that count."""
        return [lead for lead in self.data.leads if self.lead_passes(lead, period)]

    def leads_table(self) -> dict[tuple[str, int], dict[str, int]]:
        """(kind, channel) → state → count."""
        table: dict[tuple[str, int], dict[str, int]] = {}
        for lead in self.leads():
            row = table.setdefault((lead["kind"], lead["channel_id"]), dict.fromkeys(STATES, 0))
            row[lead["state"]] += 1
        return table

    def rejections(self) -> dict[str, Counter[Any]]:
        """group → key → rejected count."""
        groups: dict[str, Counter[Any]] = {"reason": Counter(), "channel": Counter(), "manager": Counter()}
        for lead in self.leads():
            if lead["state"] == "rejected":
                groups["reason"][lead["reason"]] += 1
                groups["channel"][lead["channel_id"]] += 1
                groups["manager"][lead["responsible"]] += 1
        return groups

    def sources_table(self) -> dict[str | None, tuple[int, int, int, int]]:
        """source → (leads, target, converted, rejected)."""
        table: dict[str | None, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for lead in self.leads():
            row = table[lead["ad_source"] or None]
            row[0] += 1
            row[1] += lead["quality"] == "target"
            row[2] += lead["state"] == "converted"
            row[3] += lead["state"] == "rejected"
        return {k: (v[0], v[1], v[2], v[3]) for k, v in table.items()}

    def response(self, now: datetime) -> dict[tuple[str, Any], dict[str, Any]]:
        """(group, key) → leads, answered, median, p90, within-SLA share."""
        buckets: dict[tuple[str, Any], list[dict[str, Any]]] = defaultdict(list)
        for lead in self.leads():
            buckets[("channel", lead["channel_id"])].append(lead)
            buckets[("manager", lead["responsible"])].append(lead)
            buckets[("total", 0)].append(lead)
        result = {}
        for key, leads in buckets.items():
            delays = [
                (x["first_action_at"] - x["received_at"]).total_seconds()
                for x in leads
                if x["first_action_at"] is not None
            ]
            with_sla = [
                x
                for x in leads
                if x["sla_due_at"] is not None and (x["first_action_at"] is not None or x["sla_due_at"] < now)
            ]
            in_sla = [
                x
                for x in with_sla
                if x["first_action_at"] is not None and x["first_action_at"] <= x["sla_due_at"]
            ]
            result[key] = {
                "leads": len(leads),
                "answered": len(delays),
                "median": nearest_rank([math.floor(d) for d in delays], 0.5),
                "p90": nearest_rank([math.floor(d) for d in delays], 0.9),
                "within": (len(in_sla) / len(with_sla)) if with_sla else None,
            }
        return result

    def missed(self) -> list[dict[str, Any]]:
        """Missed calls of the period with their callback time."""
        rows = []
        outbound = [c for c in self.data.calls if c["direction"] == "out"]
        for call in self.data.calls:
            if call["direction"] != "in" or call["result"] in (None, "answered"):
                continue
            if not (self.start <= call["ring_at"] < self.end):
                continue
            if call["channel_id"] in self.data.not_counted:
                continue
            if self.channels is not None and call["channel_id"] not in self.channels:
                continue
            lead = call["lead"]
            filtered = (
                self.managers is not None
                or self.qualities is not None
                or self.sources is not None
                or self.viewer is not None
            )
            if filtered and (lead is None or not self.lead_passes(lead, period=False)):
                continue
            later = [
                o["ring_at"]
                for o in outbound
                if o["phone"] == call["phone"] and o["ring_at"] > call["ring_at"]
            ]
            back = min(later) if later else None
            rows.append(
                {
                    "channel_id": call["channel_id"],
                    "manager": lead["responsible"] if lead else None,
                    "delay": (back - call["ring_at"]).total_seconds() if back else None,
                }
            )
        return rows

    def missed_table(self) -> dict[tuple[str, Any], dict[str, Any]]:
        """(group, key) → missed, called back, median, p90."""
        buckets: dict[tuple[str, Any], list[dict[str, Any]]] = defaultdict(list)
        for row in self.missed():
            buckets[("channel", row["channel_id"])].append(row)
            buckets[("manager", row["manager"])].append(row)
            buckets[("total", 0)].append(row)
        result = {}
        for key, rows in buckets.items():
            delays = [r["delay"] for r in rows if r["delay"] is not None]
            result[key] = {
                "missed": len(rows),
                "called_back": len(delays),
                "median": nearest_rank([math.floor(d) for d in delays], 0.5),
                "p90": nearest_rank([math.floor(d) for d in delays], 0.9),
            }
        return result

    def interests(self) -> list[dict[str, Any]]:
        """Interests created in the period that the filters keep."""
        rows = []
        for interest in self.data.interests:
            if not (self.start <= interest["created_at"] < self.end):
                continue
            if self.viewer is not None and interest["responsible"] != self.viewer:
                continue
            if self.managers is not None and interest["responsible"] not in self.managers:
                continue
            if self.channels is not None or self.qualities is not None or self.sources is not None:
                lead = interest["lead"]
                if lead is None:
                    continue
                probe = Truth(
                    self.data, self.start, self.end, self.channels, None, self.qualities, self.sources
                )
                if not probe.lead_passes(lead, period=False):
                    continue
            rows.append(interest)
        return rows

    def funnel(self) -> dict[int, dict[str, Any]]:
        """stage id → count, amount, reached (None for lost stages)."""
        chosen = self.interests()
        result: dict[int, dict[str, Any]] = {}
        for stage in self.data.stages:
            on = [i for i in chosen if i["stage"]["id"] == stage["id"]]
            reached = None
            if stage["kind"] != "lost":
                reached = sum(
                    1
                    for i in chosen
                    if i["stage"]["pipeline_id"] == stage["pipeline_id"]
                    and i["stage"]["kind"] != "lost"
                    and (i["stage"]["position"], i["stage"]["id"]) >= (stage["position"], stage["id"])
                )
            result[stage["id"]] = {
                "count": len(on),
                "amount": sum((i["amount"] or Decimal(0)) for i in on),
                "reached": reached,
            }
        return result

    def control(self) -> dict[int, dict[str, Any]]:
        """client id → the four checks and the light (clients with a manager only)."""
        result = {}
        for client in self.data.clients:
            if client["manager"] is None:
                continue
            if self.managers is not None and client["manager"] not in self.managers:
                continue
            portrait = bool((client["portrait"] or "").strip()) and (
                client["kind"] != "company" or bool(client["inn"])
            )
            checks = {
                "active_interest": client["active_interest"],
                "no_overdue": not client["overdue"],
                "portrait": portrait,
                "contacts": client["contacts"],
            }
            failed = 4 - sum(checks.values())
            light = "green" if failed == 0 else "yellow" if failed == 1 else "red"
            result[client["id"]] = {**checks, "light": light, "manager": client["manager"]}
        return result
