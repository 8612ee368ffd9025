"""The tray icon and its notifications: a lead newly assigned to me, a lead of mine past its SLA.

:class:`LeadNotifier` asks ``app.services.notifications`` on a pool thread after every change
notification and once a minute, and announces each lead once. :class:`Tray` shows the
announcements as tray messages; where the desktop has no tray (a headless machine, some Wayland
shells), the main window shows them in its status bar instead.

Signals (LeadNotifier):
    notice(str, str, int): title, text, and the lead to open (0 for a summary of several).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from app.services.notifications import LeadNotice
from ui.context import AppContext
from ui.icons import icon

log = logging.getLogger(__name__)

CHECK_INTERVAL_MS = 60_000
# More news than this at once becomes one summary line instead of a message per lead.
SUMMARY_THRESHOLD = 3
# History entries are stamped by the writing desktop's clock and committed a little later; look
# back this far on each check (what was announced is remembered, so nothing repeats).
_LOOK_BACK = timedelta(minutes=5)


def _now() -> datetime:
    return datetime.now(UTC)


class LeadNotifier(QObject):
    """Finds leads newly assigned to the signed-in user and their overdue leads; each announced once."""

    notice = Signal(str, str, int)

    def __init__(
        self,
        context: AppContext,
        parent: QObject | None = None,
        *,
        since: datetime | None = None,
        interval_ms: int = CHECK_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._since = since or _now()
        self._announced_assigned: set[int] = set()
        self._announced_overdue: set[int] = set()
        self._running = False
        self._again = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        context.watcher.changed.connect(self._on_watcher_changed)

    def start(self) -> None:
        """Check now and then every interval."""
        self._timer.start()
        self.check()

    def stop(self) -> None:
        """Stop checking."""
        self._timer.stop()

    def _on_watcher_changed(self, tables: object) -> None:
        names = tables if isinstance(tables, set) else {"*"}
        if "*" in names or "leads" in names or "lead_history" in names:
            self.check()

    def check(self) -> None:
        """Ask the database (off the GUI thread); a check asked for while one runs runs after it."""
        if self._running:
            self._again = True
            return
        self._running = True
        db, actor = self._context.db, self._context.actor
        since = self._since
        started = _now()

        def work() -> tuple[list[LeadNotice], list[LeadNotice]]:
            from app.services.notifications import my_new_assignments, my_overdue

            with db.session() as session:
                return my_new_assignments(session, actor, since), my_overdue(session, actor, started)

        self._context.tasks.run(
            work,
            lambda found: self._on_checked(found, started),
            self._on_failed,
        )

    def _on_checked(self, found: tuple[list[LeadNotice], list[LeadNotice]], started: datetime) -> None:
        self._running = False
        self._since = max(self._since, started - _LOOK_BACK)
        assigned, overdue = found
        self.announce(assigned, overdue)
        if self._again:
            self._again = False
            self.check()

    def _on_failed(self, error: BaseException) -> None:
        self._running = False
        self._again = False
        # A database that is away for a moment must not pop dialogs every minute.
        log.warning("checking for new and overdue leads failed: %s", error)

    def announce(self, assigned: list[LeadNotice], overdue: list[LeadNotice]) -> tuple[list[int], list[int]]:
        """Emit :attr:`notice` for what was not announced before; the ids announced now."""
        new_assigned = [n for n in assigned if n.lead_id not in self._announced_assigned]
        new_overdue = [n for n in overdue if n.lead_id not in self._announced_overdue]
        self._announced_assigned.update(n.lead_id for n in new_assigned)
        self._announced_overdue.update(n.lead_id for n in new_overdue)
        if len(new_assigned) > SUMMARY_THRESHOLD:
            self.notice.emit(
                self.tr("New leads for you"),
                self.tr("%n leads were assigned to you.", "", len(new_assigned)),
                0,
            )
        else:
            for item in new_assigned:
                self.notice.emit(self.tr("A new lead for you"), _describe(item), item.lead_id)
        if len(new_overdue) > SUMMARY_THRESHOLD:
            self.notice.emit(
                self.tr("Overdue leads"),
                self.tr("%n of your leads are past their deadline.", "", len(new_overdue)),
                0,
            )
        else:
            for item in new_overdue:
                self.notice.emit(self.tr("A lead is overdue"), _describe(item), item.lead_id)
        return [n.lead_id for n in new_assigned], [n.lead_id for n in new_overdue]


def _describe(item: LeadNotice) -> str:
    parts = [item.contact] if item.contact else []
    if item.subject:
        parts.append(item.subject.strip()[:100])
    return " — ".join(parts) or f"#{item.lead_id}"


class Tray(QObject):
    """The tray icon: Show / Accept inquiry / Quit, and messages that open their lead when clicked.

    Signals:
        show_requested(), accept_inquiry_requested(), quit_requested(), lead_requested(int)
    """

    show_requested = Signal()
    accept_inquiry_requested = Signal()
    quit_requested = Signal()
    lead_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._last_lead = 0
        self.icon = QSystemTrayIcon(icon("inflow"), self)
        self.icon.setToolTip(self.tr("Inflow"))
        menu = QMenu(parent)
        show = QAction(self.tr("&Show Inflow"), menu)
        show.triggered.connect(self.show_requested.emit)
        accept = QAction(icon("accept"), self.tr("&Accept inquiry…"), menu)
        accept.triggered.connect(self.accept_inquiry_requested.emit)
        quit_action = QAction(self.tr("&Quit"), menu)
        quit_action.triggered.connect(self.quit_requested.emit)
        menu.addAction(show)
        menu.addAction(accept)
        menu.addSeparator()
        menu.addAction(quit_action)
        self._menu = menu
        self.icon.setContextMenu(menu)
        self.icon.activated.connect(self._on_icon_activated)
        self.icon.messageClicked.connect(self._on_icon_message_clicked)

    @staticmethod
    def available() -> bool:
        """Whether this desktop has a system tray."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        """Put the icon into the tray."""
        self.icon.show()

    def hide(self) -> None:
        """Take the icon out of the tray."""
        self.icon.hide()

    def message(self, title: str, text: str, lead_id: int = 0) -> None:
        """Show a tray message; clicking it opens ``lead_id`` (or the window, for 0)."""
        self._last_lead = lead_id
        self.icon.showMessage(title, text, icon("inflow"), 10_000)

    def _on_icon_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_requested.emit()

    def _on_icon_message_clicked(self) -> None:
        self.show_requested.emit()
        if self._last_lead:
            self.lead_requested.emit(self._last_lead)
