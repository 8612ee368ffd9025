"""Changes committed by another process-like client reach the watcher without user action."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.persistence.uow import open_database
from app.services.intake import LeadInput, register_lead
from tests.factories import make_channel
from ui.context import AppContext


def test_another_clients_commit_is_noticed(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        channel = make_channel(uow.session, kind="request")
    other = open_database(db.url, upgrade=False)  # a second desktop on the same database
    try:
        with qtbot.waitSignal(app_context.watcher.changed, timeout=2000) as blocker, other.uow() as uow:
            register_lead(uow, LeadInput(channel_id=channel.id, phone="+7 916 555-00-11"))
        tables = blocker.args[0]
        assert "leads" in tables or "*" in tables
    finally:
        other.dispose()


def test_tasks_deliver_results_and_errors_on_the_gui_thread(app_context: AppContext, qtbot: QtBot) -> None:
    from PySide6.QtCore import QThread

    gui = QThread.currentThread()
    seen: list[tuple[object, bool]] = []

    def boom() -> int:
        raise ValueError("bad input")

    app_context.tasks.run(lambda: 41 + 1, lambda value: seen.append((value, QThread.currentThread() is gui)))
    app_context.tasks.run(boom, None, lambda error: seen.append((str(error), QThread.currentThread() is gui)))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=2000)
    assert sorted(seen, key=str) == sorted([(42, True), ("bad input", True)], key=str)
