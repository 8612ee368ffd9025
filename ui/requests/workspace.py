"""The Requests workspace (DOMAIN §1 dispatcher, §6 "Requests"): every request with filters.

Walk-ins entered with "Accept inquiry", web-form submissions and imported rows are leads of the
request channels. The dispatcher sees all of them (closed ones too) newest first, filters by
period, channel, state, advertising source and text, opens a lead with a double click and acts
on it from the context menu with the same actions (and shortcuts) as My Sales.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QDate, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import OPEN_STATES, LeadState
from app.services import requests as service
from app.services.requests import RequestChannel, RequestFilter, RequestRow
from ui.app_settings import QT_TRANSLATE_NOOP
from ui.context import AppContext
from ui.dialogs import LeadTarget
from ui.dialogs.errors import sentence, show_message
from ui.my_sales import words
from ui.my_sales.lead_actions import LeadActions
from ui.my_sales.row_models import guarded
from ui.requests.request_table_model import Column, RequestTableModel

log = logging.getLogger(__name__)

# Tables whose change may alter what the list shows ("*": SQLite cannot tell which).
_TABLES = {"*", "leads", "channels", "users", "clients", "roles"}

CHOICES_MAX_AGE_S = 60.0

PERIODS: dict[str, str] = {
    "all": QT_TRANSLATE_NOOP("RequestsWorkspace", "All time"),
    "today": QT_TRANSLATE_NOOP("RequestsWorkspace", "Today"),
    "week": QT_TRANSLATE_NOOP("RequestsWorkspace", "Last 7 days"),
    "month": QT_TRANSLATE_NOOP("RequestsWorkspace", "Last 30 days"),
    "custom": QT_TRANSLATE_NOOP("RequestsWorkspace", "Dates…"),
}

_STATE_CHOICES: list[tuple[str, str, frozenset[LeadState] | None]] = [
    ("any", QT_TRANSLATE_NOOP("RequestsWorkspace", "Any state"), None),
    ("open", QT_TRANSLATE_NOOP("RequestsWorkspace", "Not processed yet"), frozenset(OPEN_STATES)),
    *((state.value, "", frozenset({state})) for state in LeadState),
]


def target_of(row: RequestRow) -> LeadTarget:
    """What the lead dialogs need to know about a request."""
    return LeadTarget(
        id=row.id,
        version=row.version,
        contact=row.contact,
        channel_name=row.channel_name,
        reason_required=row.reason_required,
        state=row.state,
        responsible_user_id=row.responsible_user_id,
        responsible_role_id=row.responsible_role_id,
        phone=row.phone,
        email=row.email,
    )


def _local_midnight(day: date) -> datetime:
    """The start of a local calendar day as an aware timestamp."""
    return datetime.combine(day, time.min).astimezone()


class RequestsWorkspace(QWidget):
    """Requests: a filter bar over a lazily paged table of request-channel leads.

    Signals:
        open_lead_requested(int): a lead card should open (the main window opens it; standing
            alone, without a receiver, the workspace opens it itself).
        refreshed(): a refresh after a change was applied (tests, status bar).

    Threading: all reads and writes go through ``context.tasks``; widgets change only in
    callbacks on the GUI thread.
    """

    open_lead_requested = Signal(int)
    refreshed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requests")
        self.context = context
        self._cards: dict[int, Any] = {}
        self._choices_read_at = 0.0

        self.model = RequestTableModel(context, self)
        self.model.total_changed.connect(self._update_header)
        self.model.failed.connect(self._on_model_failed)
        self.model.refreshed.connect(self.refreshed)

        self.actions_ = LeadActions(context, self)
        self.actions_.open_requested.connect(self._on_actions_open_requested)
        self.actions_.changed.connect(lambda _lead_id: self.model.refresh())
        self.actions_.failed.connect(lambda _lead_id, _text: self.model.refresh())

        self._build_filter_bar()
        self._build_table()
        self.header = QLabel()
        self.header.setObjectName("requests_header")
        self.header.setStyleSheet("padding: 2px 4px; font-weight: bold;")
        self._update_header()
        layout = QVBoxLayout(self)
        layout.addLayout(self.filter_bar)
        # The count and the search share a line: the filter bar stays narrow enough for a small window.
        header_row = QHBoxLayout()
        header_row.addWidget(self.header)
        header_row.addStretch(1)
        header_row.addWidget(self.search_edit, 1)
        layout.addLayout(header_row)
        layout.addWidget(self.table, 1)

        refresh = QAction(self.tr("Refresh"), self)
        refresh.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        refresh.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.triggered.connect(self.refresh)
        self.addAction(refresh)
        find = QAction(self.tr("Search requests"), self)
        find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(lambda: self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason))
        self.addAction(find)

        # Typing in the search field waits for a pause before reading.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        self._search_timer.timeout.connect(self._apply_filter)

        context.watcher.changed.connect(self._on_watcher_changed)
        self._read_choices()
        self.model.set_filter(self.current_filter())

    # -- building -----------------------------------------------------------------------------

    def _build_filter_bar(self) -> None:
        bar = QHBoxLayout()
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("period_combo")
        for key, title in PERIODS.items():
            self.period_combo.addItem(QCoreApplication.translate("RequestsWorkspace", title), key)
        self.period_combo.setCurrentIndex(self.period_combo.findData("month"))
        self.period_combo.currentIndexChanged.connect(self._on_period_changed)
        today = QDate.currentDate()
        self.from_edit = QDateEdit(today.addDays(-30))
        self.from_edit.setObjectName("from_edit")
        self.from_edit.setCalendarPopup(True)
        self.from_edit.setAccessibleName(self.tr("From"))
        self.to_edit = QDateEdit(today)
        self.to_edit.setObjectName("to_edit")
        self.to_edit.setCalendarPopup(True)
        self.to_edit.setAccessibleName(self.tr("To (inclusive)"))
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(self._apply_filter)
            edit.setVisible(False)

        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("channel_combo")
        self.channel_combo.addItem(self.tr("All request channels"), None)
        self.channel_combo.currentIndexChanged.connect(self._apply_filter)

        self.state_combo = QComboBox()
        self.state_combo.setObjectName("state_combo")
        for key, title, _states in _STATE_CHOICES:
            text = QCoreApplication.translate("RequestsWorkspace", title) if title else words.state_name(key)
            self.state_combo.addItem(text, key)
        self.state_combo.currentIndexChanged.connect(self._apply_filter)

        self.source_combo = QComboBox()
        self.source_combo.setObjectName("source_combo")
        self.source_combo.addItem(self.tr("Any source"), None)
        self.source_combo.currentIndexChanged.connect(self._apply_filter)

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search_edit")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(self.tr("Phone, e-mail, name or words of the message"))
        self.search_edit.setAccessibleName(self.tr("Search requests"))
        self.search_edit.setMinimumWidth(160)
        self.search_edit.setMaximumWidth(420)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._apply_filter)

        # Combos shrink with the window (a long channel or source name is elided, not a wall).
        for combo in (self.period_combo, self.channel_combo, self.state_combo, self.source_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(7)
            combo.setMaximumWidth(280)
        for label, widget in (
            (self.tr("&Period:"), self.period_combo),
            (None, self.from_edit),
            (None, self.to_edit),
            (self.tr("&Channel:"), self.channel_combo),
            (self.tr("S&tate:"), self.state_combo),
            (self.tr("S&ource:"), self.source_combo),
        ):
            if label is not None:
                caption = QLabel(label)
                caption.setBuddy(widget)
                bar.addWidget(caption)
            # The combos share the spare width: as wide as they may be, no wider than needed.
            bar.addWidget(widget, 1 if isinstance(widget, QComboBox) else 0)
        self.filter_bar = bar

    def _build_table(self) -> None:
        table = QTableView()
        table.setObjectName("requests_table")
        table.setAccessibleName(self.tr("Requests"))
        table.setModel(self.model)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.setTabKeyNavigation(False)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        # The message takes what is left; the others get what their usual content needs.
        widths = {
            # As wide as a timestamp in the user's locale (the "C" locale's is long).
            Column.RECEIVED: table.fontMetrics().horizontalAdvance(
                words.local_time(datetime.now().astimezone())
            )
            + 16,
            Column.CHANNEL: 80,
            Column.CONTACT: 150,
            Column.PHONE: 110,
            Column.EMAIL: 150,
            Column.SOURCE: 150,
            Column.STATE: 100,
            Column.RESPONSIBLE: 140,
        }
        for column, width in widths.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(Column.MESSAGE, QHeaderView.ResizeMode.Stretch)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._on_table_context_menu)
        table.activated.connect(self._on_table_activated)
        table.selectionModel().currentChanged.connect(self._on_current_changed)
        # Their shortcuts work while the table has the focus, and show in its menu.
        for action in self.actions_.actions():
            if action is not None:
                table.addAction(action)
        self.table = table

    # -- filter -------------------------------------------------------------------------------

    def current_filter(self) -> RequestFilter:
        """The filter the bar describes now."""
        period = self.period_combo.currentData()
        received_from: datetime | None = None
        received_to: datetime | None = None
        today = date.today()
        if period == "today":
            received_from = _local_midnight(today)
        elif period == "week":
            received_from = _local_midnight(today - timedelta(days=6))
        elif period == "month":
            received_from = _local_midnight(today - timedelta(days=29))
        elif period == "custom":
            first = self.from_edit.date().toPython()
            last = self.to_edit.date().toPython()
            assert isinstance(first, date) and isinstance(last, date)
            if last < first:
                first, last = last, first
            received_from = _local_midnight(first)
            received_to = _local_midnight(last + timedelta(days=1))
        state_key = self.state_combo.currentData()
        states = next((states for key, _title, states in _STATE_CHOICES if key == state_key), None)
        return RequestFilter(
            received_from=received_from,
            received_to=received_to,
            channel_id=self.channel_combo.currentData(),
            states=states,
            source=self.source_combo.currentData(),
            text=self.search_edit.text().strip(),
        )

    def _apply_filter(self, *_args: object) -> None:
        self._search_timer.stop()
        flt = self.current_filter()
        if flt != self.model.filter:
            self.model.set_filter(flt)
            self.actions_.set_target(None)

    def _on_period_changed(self, *_args: object) -> None:
        custom = self.period_combo.currentData() == "custom"
        self.from_edit.setVisible(custom)
        self.to_edit.setVisible(custom)
        self._apply_filter()

    def refresh(self) -> None:
        """Re-read what is shown (F5) and the filter's choices."""
        self.model.refresh()
        self._read_choices()

    # -- choices (channels, sources) ----------------------------------------------------------

    def _read_choices(self) -> None:
        self._choices_read_at = monotonic()
        db, actor = self.context.db, self.context.actor

        def work() -> tuple[list[RequestChannel], list[str]]:
            with db.session() as session:
                return service.request_channels(session), service.request_sources(session, actor)

        def failed(error: BaseException) -> None:
            log.warning("the Requests filter choices could not be read: %s", sentence(error))

        self.context.tasks.run(work, guarded(self, self._on_choices_read), guarded(self, failed))

    def _on_choices_read(self, result: tuple[list[RequestChannel], list[str]]) -> None:
        channels, sources = result
        self._fill_combo(
            self.channel_combo,
            [
                (
                    channel.id,
                    channel.name if channel.active else self.tr("%1 (off)").replace("%1", channel.name),
                )
                for channel in channels
            ],
        )
        self._fill_combo(self.source_combo, [(source, source) for source in sources])

    @staticmethod
    def _fill_combo(combo: QComboBox, items: list[tuple[Any, str]]) -> None:
        """Replace the choices after the first ("any") one; the current choice stays when still there."""
        current = combo.currentData()
        if [(combo.itemData(i), combo.itemText(i)) for i in range(1, combo.count())] == items:
            return
        combo.blockSignals(True)
        try:
            while combo.count() > 1:
                combo.removeItem(1)
            for data, text in items:
                combo.addItem(text, data)
            position = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(0, position))
        finally:
            combo.blockSignals(False)
        if combo.currentData() != current:
            combo.currentIndexChanged.emit(combo.currentIndex())

    # -- slots --------------------------------------------------------------------------------

    def _on_watcher_changed(self, tables: Iterable[str]) -> None:
        changed = set(tables)
        if changed & _TABLES:
            self.model.refresh()
        # The sources are a DISTINCT over every request: re-read when channels change, and after
        # other changes (a new source arrives with a lead; SQLite says only "*") once a minute.
        if "channels" in changed or (
            changed & {"*", "leads"} and monotonic() - self._choices_read_at > CHOICES_MAX_AGE_S
        ):
            self._read_choices()

    def _on_model_failed(self, text: str) -> None:
        show_message(self, self.tr("Requests"), text)

    def _on_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self._sync_target()
            self.actions_.open_card()

    def _on_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._sync_target()

    def _on_table_context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        if not index.isValid():
            return
        self.table.selectRow(index.row())
        self.table.setCurrentIndex(index)
        self._sync_target()
        self.lead_menu().popup(self.table.viewport().mapToGlobal(position))

    def lead_menu(self) -> QMenu:
        """The context menu of the current request (shortcuts shown next to the entries)."""
        menu = QMenu(self)
        menu.setObjectName("lead_menu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for action in self.actions_.actions():
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        return menu

    def _on_actions_open_requested(self, lead_id: int) -> None:
        meta = self.metaObject()
        signal = meta.method(meta.indexOfSignal("open_lead_requested(int)"))
        if self.isSignalConnected(signal):
            self.open_lead_requested.emit(lead_id)
        else:
            # Standing alone (no main window to open cards): open it here.
            self._open_card(lead_id)

    # -- internals ----------------------------------------------------------------------------

    def current_request(self) -> RequestRow | None:
        """The request the table's cursor is on."""
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.request(index.row())

    def _sync_target(self) -> None:
        row = self.current_request()
        self.actions_.set_target(target_of(row) if row is not None else None)

    def _update_header(self, *_args: object) -> None:
        total = self.model.total
        title = self.tr("Requests")
        self.header.setText(
            title if total is None else self.tr("%1 — %2").replace("%1", title).replace("%2", str(total))
        )

    def _open_card(self, lead_id: int) -> None:
        card = self._cards.get(lead_id)
        if card is not None and shiboken6.isValid(card):
            card.show()
            card.raise_()
            card.activateWindow()
            return
        from ui.lead_card import LeadCardDialog

        dialog = LeadCardDialog(self.context, lead_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._cards[lead_id] = dialog
        dialog.destroyed.connect(lambda _obj=None, key=lead_id: self._cards.pop(key, None))
        dialog.show()
