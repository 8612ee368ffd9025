"""Tray notifications: a lead newly assigned to me and my overdue leads, each announced once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot

from app.persistence.models import Lead
from app.persistence.uow import Database
from app.services.intake import LeadInput, register_lead
from app.services.notifications import my_new_assignments, my_overdue
from app.services.permissions import Actor
from app.services.processing import assign_lead
from tests.factories import make_channel
from tests.ui.conftest import make_context
from tests.ui.shell_helpers import offscreen_windows
from ui.tray import LeadNotifier

pytestmark = offscreen_windows


def _now() -> datetime:
    return datetime.now(UTC)


def test_a_newly_assigned_lead_is_reported_once(db: Database, qtbot: QtBot) -> None:
    manager = make_context(db, "m1", "manager")
    other = make_context(db, "m2", "manager")
    since = _now() - timedelta(seconds=1)
    with db.uow() as uow:
        channel = make_channel(uow.session, kind="request", user=manager.actor.user_id, rule="fixed")
        channel_id = channel.id
    with db.uow() as uow:
        mine = register_lead(uow, LeadInput(channel_id=channel_id, phone="+7 916 555-00-01", subject="Окна"))
        theirs = register_lead(uow, LeadInput(channel_id=channel_id, phone="+7 916 555-00-02"))
    assert mine.lead is not None and theirs.lead is not None
    with db.uow() as uow:  # a dispatcher hands the second one to m2
        assign_lead(uow, Actor.system(), theirs.lead.id, other.actor.user_id or 0)

    with db.session() as session:
        found = my_new_assignments(session, manager.actor, since)
        for_other = my_new_assignments(session, other.actor, since)
        later = my_new_assignments(session, manager.actor, _now() + timedelta(seconds=1))
    assert [n.lead_id for n in found] == [mine.lead.id]
    assert found[0].contact == "+7 916 555-00-01" and found[0].subject == "Окна"
    assert [n.lead_id for n in for_other] == [theirs.lead.id]
    assert later == []  # nothing new after that moment

    notifier = LeadNotifier(manager)
    notices: list[tuple[str, str, int]] = []
    notifier.notice.connect(lambda title, text, lead_id: notices.append((title, text, lead_id)))
    assert notifier.announce(found, []) == ([mine.lead.id], [])
    assert notifier.announce(found, []) == ([], [])  # the same lead is not announced twice
    assert notices == [("A new lead for you", "+7 916 555-00-01 — Окна", mine.lead.id)]
    manager.tasks.wait()
    other.tasks.wait()


def test_a_lead_i_take_myself_is_no_news(db: Database) -> None:
    manager = make_context(db, "m1", "manager")
    since = _now() - timedelta(seconds=1)
    with db.uow() as uow:
        channel = make_channel(
            uow.session, kind="request", rule="pool", role=next(iter(manager.actor.role_ids))
        )
        channel_id = channel.id
    with db.uow() as uow:
        pooled = register_lead(uow, LeadInput(channel_id=channel_id, phone="+7 916 555-00-03"))
    assert pooled.lead is not None
    with db.uow() as uow:
        assign_lead(uow, manager.actor, pooled.lead.id, manager.actor.user_id or 0)
    with db.session() as session:
        assert my_new_assignments(session, manager.actor, since) == []
    manager.tasks.wait()


def test_overdue_leads_are_mine_and_open_only(db: Database) -> None:
    manager = make_context(db, "m1", "manager")
    with db.uow() as uow:
        channel = make_channel(
            uow.session, kind="call", user=manager.actor.user_id, rule="fixed", sla_minutes=15
        )
        channel_id = channel.id
    with db.uow() as uow:
        late = register_lead(uow, LeadInput(channel_id=channel_id, phone="+7 916 555-00-04"))
        fresh = register_lead(uow, LeadInput(channel_id=channel_id, phone="+7 916 555-00-05"))
    assert late.lead is not None and fresh.lead is not None
    with db.uow() as uow:
        lead = uow.session.get(Lead, late.lead.id)
        assert lead is not None
        lead.sla_due_at = _now() - timedelta(minutes=5)
    with db.session() as session:
        overdue = my_overdue(session, manager.actor, _now())
        nobody = my_overdue(session, Actor.system(), _now())
    assert [n.lead_id for n in overdue] == [late.lead.id]
    assert nobody == []
    manager.tasks.wait()


def test_many_news_at_once_become_one_summary(db: Database, qtbot: QtBot) -> None:
    manager = make_context(db, "m1", "manager")
    with db.uow() as uow:
        channel = make_channel(uow.session, kind="request", user=manager.actor.user_id, rule="fixed")
        channel_id = channel.id
    since = _now() - timedelta(seconds=1)
    with db.uow() as uow:
        for i in range(5):
            register_lead(uow, LeadInput(channel_id=channel_id, phone=f"+7 916 555-01-0{i}"))
    notifier = LeadNotifier(manager, since=since)
    with qtbot.waitSignal(notifier.notice, timeout=5000) as blocker:
        notifier.check()  # off the GUI thread
    assert blocker.args == ["New leads for you", "5 leads were assigned to you.", 0]
    manager.tasks.wait()


def test_clicking_a_tray_message_opens_its_lead(qtbot: QtBot) -> None:
    from ui.tray import Tray

    tray = Tray()  # not shown: the offscreen test platform has no tray
    opened: list[object] = []
    tray.show_requested.connect(lambda: opened.append("window"))
    tray.lead_requested.connect(opened.append)
    tray.message("A new lead for you", "+7 916 555-00-01", 42)
    tray._on_icon_message_clicked()
    assert opened == ["window", 42]
    tray.message("New leads for you", "5 leads were assigned to you.", 0)
    tray._on_icon_message_clicked()
    assert opened == ["window", 42, "window"]  # a summary opens the window only
