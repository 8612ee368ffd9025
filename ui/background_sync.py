"""Fetching mail and messengers on this computer while the desktop runs (issue: connector service).

After sign-in, when the workstation setting "Fetch mail and messengers on this computer" is on
(the default), the desktop runs :class:`app.connectors.service.ConnectorService` in a thread of
its own. Leases in the database make sure that each channel is synced by exactly one process —
ten desktops on one PostgreSQL do not all fetch the same mailbox, and a desktop next to
``inflow serve`` simply finds the channels held. On quit the service is stopped before the
database closes: the leases are released, so another process takes the channels over at once.

A build without the connector service (``app.connectors.service`` missing) simply does nothing.

Threading: :meth:`BackgroundSync.start` and :meth:`BackgroundSync.stop` are called on the GUI
thread; the service syncs on its own thread and event loop and is asked how it goes (its
``statuses()`` is thread-safe) by a timer on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMainWindow

from app.persistence.uow import Database

log = logging.getLogger(__name__)

_CONTEXT = "BackgroundSync"

ServiceFactory = Callable[[Database], Any]


def can_sync_here(db: Database, channel_id: int, kind: str) -> bool:
    """Whether this computer holds the channel's secret (bot token, mailbox password).

    Secrets live in each computer's keyring (or an environment variable of ``inflow serve``): a
    desk without them would take the channel's lease and then only fail, keeping the channel from
    the desk or the service that could fetch it. Runs on the sync thread.
    """
    from app.domain.enums import ChannelKind

    try:
        with db.session() as session:
            if kind == ChannelKind.DIALOG:
                from app.connectors.base import ConnectorError
                from app.connectors.telegram import client_for_channel

                try:
                    client_for_channel(session, channel_id)  # no network: the session is made lazily
                except ConnectorError:
                    return False
                return True
            if kind == ChannelKind.EMAIL:
                from app.services.mail import mailbox_account

                return mailbox_account(session, channel_id).password is not None
    except ImportError:
        return False  # this build cannot sync that kind anyway
    except Exception:
        log.debug("checking the secret of channel %s failed", channel_id, exc_info=True)
        return False
    return True


def _default_factory() -> ServiceFactory | None:
    """The connector service of a desktop, or None when this build has none."""
    try:
        from app.connectors.service import ConnectorService
    except ImportError as error:
        log.info("background sync is not part of this build: %s", error)
        return None

    def desktop_service(db: Database, **options: Any) -> ConnectorService:
        # Only the channels whose secret this computer holds (see can_sync_here): a desk without
        # it would take the lease and only fail, keeping the channel from one that can fetch it.
        return ConnectorService(
            db, channel_filter=lambda channel_id, kind: can_sync_here(db, channel_id, kind), **options
        )

    return desktop_service


class BackgroundSync(QObject):
    """The connector service of this desktop: started after sign-in, stopped before the database closes.

    Signals:
        status_changed(int, int): channels this desktop syncs now, and how many of them fail.
    """

    status_changed = Signal(int, int)

    STATUS_INTERVAL_MS = 5_000

    def __init__(
        self,
        db: Database,
        parent: QObject | None = None,
        *,
        factory: ServiceFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._factory = factory
        self._service: Any = None
        self._last: tuple[int, int] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(self.STATUS_INTERVAL_MS)
        self._timer.timeout.connect(self.poll)

    @property
    def running(self) -> bool:
        """Whether the service was started and not stopped yet."""
        return self._service is not None

    @property
    def service(self) -> Any:
        """The running service (None when stopped or unavailable)."""
        return self._service

    def start(self) -> bool:
        """Start syncing in a background thread; False when this build has no connector service."""
        if self._service is not None:
            return True
        factory = self._factory or _default_factory()
        if factory is None:
            return False
        try:
            service = factory(self._db)
            service.start_in_thread()
        except Exception:  # never stops the desktop from starting; the log says why
            log.exception("background sync could not start")
            return False
        self._service = service
        log.info("background sync started (holder %s)", getattr(service, "holder", "?"))
        self._timer.start()
        self.poll()
        return True

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop syncing and release the leases; True when the thread ended within ``timeout`` s."""
        self._timer.stop()
        service, self._service = self._service, None
        if service is None:
            return True
        try:
            ended = bool(service.stop(timeout))
        except Exception:
            log.exception("background sync did not stop cleanly")
            return False
        if not ended:
            log.warning("background sync still runs after %.0f s; quitting anyway", timeout)
        self._publish(0, 0)
        return ended

    def statuses(self) -> list[Any]:
        """How each channel this desktop holds is doing (empty when not running)."""
        if self._service is None:
            return []
        try:
            return list(self._service.statuses())
        except Exception:
            log.debug("reading the sync statuses failed", exc_info=True)
            return []

    def poll(self) -> None:
        """Read the statuses and announce a change."""
        statuses = self.statuses()
        failing = sum(1 for status in statuses if getattr(status, "state", "") == "failing")
        self._publish(len(statuses), failing)

    def status_text(self) -> str:
        """ "Channels: syncing 2", "Channels: syncing 2, 1 failing" or "" when not running."""
        if self._service is None or self._last is None:
            return ""
        held, failing = self._last
        if held == 0:
            return QCoreApplication.translate(_CONTEXT, "Channels: synced elsewhere")
        text = QCoreApplication.translate(_CONTEXT, "Channels: syncing %1").replace("%1", str(held))
        if failing:
            text += QCoreApplication.translate(_CONTEXT, ", %1 failing").replace("%1", str(failing))
        return text

    def status_tooltip(self) -> str:
        """The channels' last errors, one per line (for the status bar's tooltip)."""
        lines = [
            QCoreApplication.translate(_CONTEXT, "Mail and messengers are fetched on this computer.")
            if self._service is not None
            else QCoreApplication.translate(_CONTEXT, "Mail and messengers are not fetched on this computer.")
        ]
        if self._service is not None and self._last is not None and self._last[0] == 0:
            lines.append(
                QCoreApplication.translate(
                    _CONTEXT,
                    "No channel to fetch here: none is set up, or another computer or the Inflow service "
                    "fetches them.",
                )
            )
        for status in self.statuses():
            error = getattr(status, "last_error", None)
            if error:
                lines.append(f"#{status.channel_id}: {error}")
        return "\n".join(lines)

    def _publish(self, held: int, failing: int) -> None:
        if (held, failing) != self._last:
            self._last = (held, failing)
            self.status_changed.emit(held, failing)


def show_in_status_bar(sync: BackgroundSync, window: QMainWindow) -> QLabel:
    """A permanent status-bar label "Channels: syncing N" that follows the sync's status."""
    label = QLabel(window)
    label.setObjectName("status_sync")
    label.setContentsMargins(6, 0, 6, 0)

    def update(*_args: object) -> None:
        label.setText(sync.status_text())
        label.setToolTip(sync.status_tooltip())
        label.setVisible(bool(label.text()))

    sync.status_changed.connect(update)
    update()
    window.statusBar().addPermanentWidget(label)
    return label
