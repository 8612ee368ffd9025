"""Background sync of the desktop: the real connector service on a real database (both engines),
with a connector that only counts its passes (no network)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QMainWindow
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.connectors.base import ConnectorFactory, ConnectorOptions
from app.connectors.service import ConnectorService
from app.domain.enums import ChannelKind
from app.persistence.models import Channel, ConnectorLease
from app.persistence.uow import Database
from app.services.secrets import SecretKind, set_secret
from tests.bot_api_double import BotApiDouble
from tests.factories import make_channel
from ui import background_sync
from ui.app_settings import FETCH_CHANNELS, AppSettings
from ui.background_sync import BackgroundSync, can_sync_here, show_in_status_bar
from ui.context import AppContext
from ui.settings import SettingsWorkspace


class CountingConnector:
    """Syncs nothing, slowly: counts its passes."""

    passes: dict[int, int] = {}
    lock = threading.Lock()

    def __init__(self, db: Database, channel_id: int, options: ConnectorOptions) -> None:
        self.channel_id = channel_id

    async def sync_once(self) -> int:
        with self.lock:
            self.passes[self.channel_id] = self.passes.get(self.channel_id, 0) + 1
        await asyncio.sleep(0.05)
        return 0

    async def aclose(self) -> None:
        return None


def counting_lookup(kind: ChannelKind) -> ConnectorFactory | None:
    return CountingConnector if kind is ChannelKind.DIALOG else None


def service_factory(holder: str) -> Any:
    def make(db: Database) -> ConnectorService:
        return ConnectorService(
            db, holder=holder, scan_interval=0.2, min_cycle=0.05, lease_ttl=30, factory_lookup=counting_lookup
        )

    return make


def lease_holders(db: Database) -> dict[int, str]:
    with db.session() as session:
        return {row.channel_id: row.holder for row in session.scalars(select(ConnectorLease))}


def test_the_setting_is_on_by_default() -> None:
    assert FETCH_CHANNELS.default is True


def test_one_desk_syncs_a_channel_the_other_finds_it_held_and_quit_releases(
    db: Database, qtbot: QtBot
) -> None:
    with db.uow() as uow:
        channel = make_channel(uow.session, "Бот", kind="dialog").id
    CountingConnector.passes.clear()
    first = BackgroundSync(db, factory=service_factory("desk-1"))
    second = BackgroundSync(db, factory=service_factory("desk-2"))
    window = QMainWindow()
    qtbot.addWidget(window)
    label = show_in_status_bar(first, window)
    try:
        assert first.start()
        qtbot.waitUntil(lambda: lease_holders(db).get(channel) == "desk-1", timeout=10_000)
        qtbot.waitUntil(lambda: CountingConnector.passes.get(channel, 0) >= 2, timeout=10_000)
        qtbot.waitUntil(lambda: len(first.statuses()) == 1, timeout=10_000)
        first.poll()
        assert first.status_text() == "Channels: syncing 1"
        assert label.text() == "Channels: syncing 1"
        assert window.findChild(QLabel, "status_sync") is label

        assert second.start()
        qtbot.wait(600)  # a few scans of the second desk: it finds the lease held
        second.poll()
        assert [status.channel_id for status in second.statuses()] == []
        assert second.status_text() == "Channels: synced elsewhere"
        assert lease_holders(db) == {channel: "desk-1"}
    finally:
        assert first.stop(10.0)
    # Quitting released the lease: the other desk takes the channel over without waiting it out.
    try:
        assert not first.running and first.status_text() == ""
        qtbot.waitUntil(lambda: lease_holders(db).get(channel) == "desk-2", timeout=10_000)
    finally:
        assert second.stop(10.0)
    assert lease_holders(db) == {}


def test_a_build_without_the_service_does_nothing(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(background_sync, "_default_factory", lambda: None)
    sync = BackgroundSync(db)
    assert sync.start() is False
    assert not sync.running and sync.statuses() == [] and sync.stop() is True and sync.status_text() == ""


def test_the_settings_page_switches_it_off_for_this_computer(
    app_context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    path = str(tmp_path / "desk.ini")
    workspace = SettingsWorkspace(app_context, settings=QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(workspace)
    check = workspace.language.fetch_check
    assert check.isChecked()  # on by default
    check.setChecked(False)
    stored = AppSettings(QSettings(path, QSettings.Format.IniFormat))
    assert stored.get(FETCH_CHANNELS) is False
    qtbot.waitUntil(lambda: not app_context.tasks.busy, timeout=5000)


def test_a_desk_takes_only_the_channels_whose_secret_it_holds(db: Database, qtbot: QtBot) -> None:
    with db.uow() as uow:
        ids = tuple(
            make_channel(uow.session, name, kind=kind).id
            for name, kind in (
                ("С токеном", "dialog"),
                ("Без токена", "dialog"),
                ("Почта без пароля", "email"),
            )
        )
    with BotApiDouble() as bot:
        with db.uow() as uow:
            for channel_id in ids[:2]:
                uow.session.get_one(Channel, channel_id).settings = {"api_url": bot.url}
        set_secret(SecretKind.TELEGRAM_TOKEN, ids[0], bot.token)
        assert can_sync_here(db, ids[0], "dialog")
        assert not can_sync_here(db, ids[1], "dialog")
        assert not can_sync_here(db, ids[2], "email")
        service_class = background_sync._default_factory()
        assert service_class is not None
        sync = BackgroundSync(
            db, factory=lambda database: service_class(database, scan_interval=0.2, poll_timeout=0.3)
        )
        assert sync.start()
        try:
            holder = sync.service.holder
            qtbot.waitUntil(lambda: lease_holders(db).get(ids[0]) == holder, timeout=10_000)
            qtbot.wait(800)  # a few more scans: the channels without a secret stay free
            assert lease_holders(db) == {ids[0]: holder}
        finally:
            assert sync.stop(10.0)
