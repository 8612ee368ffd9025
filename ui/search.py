"""Global search (Ctrl+K): a phone in any format, an e-mail, a name or an INN → clients, contact
persons and leads, grouped; Enter opens what is selected.

The query runs on a pool thread (``app.services.lookup.find``) ~150 ms after the last keystroke;
every query carries a sequence number and an answer to an older query is dropped, so results
never jump back to what was typed before.

Signals (SearchPopup):
    lead_chosen(int): open this lead's card.
    client_chosen(int): show this client (a contact person's choice reports its client).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QKeyEvent, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import ChannelKind, ClientKind, LeadState
from app.domain.errors import InflowError
from app.services.client_info import ClientCard, ClientLeadDTO
from app.services.dto import ClientDTO, ContactPersonDTO, LeadDTO
from app.services.lookup import FindResult
from ui.app_settings import QT_TRANSLATE_NOOP
from ui.context import AppContext
from ui.icons import icon

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150
_CONTEXT = "Search"

KIND_NAMES: dict[ChannelKind, str] = {
    ChannelKind.CALL: QT_TRANSLATE_NOOP("Search", "Call"),
    ChannelKind.EMAIL: QT_TRANSLATE_NOOP("Search", "E-mail"),
    ChannelKind.DIALOG: QT_TRANSLATE_NOOP("Search", "Dialog"),
    ChannelKind.REQUEST: QT_TRANSLATE_NOOP("Search", "Request"),
}
STATE_NAMES: dict[LeadState, str] = {
    LeadState.NEW: QT_TRANSLATE_NOOP("Search", "New"),
    LeadState.IN_PROGRESS: QT_TRANSLATE_NOOP("Search", "In progress"),
    LeadState.REPEAT: QT_TRANSLATE_NOOP("Search", "Repeat"),
    LeadState.CONVERTED: QT_TRANSLATE_NOOP("Search", "Converted"),
    LeadState.REPEAT_PROCESSED: QT_TRANSLATE_NOOP("Search", "Repeat (processed)"),
    LeadState.REJECTED: QT_TRANSLATE_NOOP("Search", "Rejected"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def format_phone(e164: str) -> str:
    """+79161234567 → +7 916 123-45-67 (the usual way of writing it); unchanged when unparsable."""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def format_time(value: datetime) -> str:
    """A moment in the locale's short date-and-time format, in local time."""
    moment = QDateTime.fromMSecsSinceEpoch(round(value.timestamp() * 1000))  # shown in local time
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)


# ------------------------------------------------------------------------------------------ model


class ItemKind(IntEnum):
    """What a row of the results is."""

    HEADER = 0
    CLIENT = 1
    CONTACT = 2
    LEAD = 3


@dataclass(frozen=True, slots=True)
class SearchRow:
    """One row: a group header, or a found client, contact person or lead."""

    kind: ItemKind
    title: str
    detail: str
    item: ClientDTO | ContactPersonDTO | LeadDTO | None = None

    @property
    def selectable(self) -> bool:
        """Headers cannot be selected or opened."""
        return self.kind is not ItemKind.HEADER


_GROUPS = (
    (ItemKind.CLIENT, QT_TRANSLATE_NOOP("Search", "Clients")),
    (ItemKind.CONTACT, QT_TRANSLATE_NOOP("Search", "Contact persons")),
    (ItemKind.LEAD, QT_TRANSLATE_NOOP("Search", "Leads")),
)


def _client_row(client: ClientDTO) -> SearchRow:
    parts = [
        QCoreApplication.translate("Search", "Company")
        if client.kind is ClientKind.COMPANY
        else QCoreApplication.translate("Search", "Private person")
    ]
    if client.inn:
        parts.append(QCoreApplication.translate("Search", "INN %1").replace("%1", client.inn))
    parts += [format_phone(p) for p in client.phones[:2]]
    parts += list(client.emails[:1])
    return SearchRow(ItemKind.CLIENT, client.name, " · ".join(parts), client)


def _contact_row(person: ContactPersonDTO) -> SearchRow:
    parts = [person.position] if person.position else []
    parts += [format_phone(p) for p in person.phones[:2]]
    parts += list(person.emails[:1])
    return SearchRow(ItemKind.CONTACT, person.name, " · ".join(parts), person)


def _lead_row(lead: LeadDTO) -> SearchRow:
    title = lead.contact_name or lead.raw_contact or (format_phone(lead.phone) if lead.phone else None)
    title = title or lead.email or QCoreApplication.translate("Search", "Lead %1").replace("%1", str(lead.id))
    parts = [
        QCoreApplication.translate("Search", "Lead %1").replace("%1", str(lead.id)),
        _tr(KIND_NAMES[lead.kind]),
        _tr(STATE_NAMES[lead.state]),
        format_time(lead.received_at),
    ]
    if lead.phone and lead.contact_name:
        parts.append(format_phone(lead.phone))
    first_line = (lead.subject or lead.message or "").strip().splitlines()
    if first_line:
        parts.append(first_line[0][:80])
    return SearchRow(ItemKind.LEAD, title, " · ".join(parts), lead)


def rows_of(result: FindResult) -> list[SearchRow]:
    """The rows for a search result: each non-empty group under its header, in the service's order."""
    rows: list[SearchRow] = []
    groups: dict[ItemKind, list[SearchRow]] = {
        ItemKind.CLIENT: [_client_row(c) for c in result.clients],
        ItemKind.CONTACT: [_contact_row(p) for p in result.contacts],
        ItemKind.LEAD: [_lead_row(lead) for lead in result.leads],
    }
    for kind, title in _GROUPS:
        members = groups[kind]
        if members:
            rows.append(SearchRow(ItemKind.HEADER, f"{_tr(title)} ({len(members)})", "", None))
            rows += members
    return rows


class SearchResultsModel(QAbstractListModel):
    """The results of one query, grouped Clients / Contacts / Leads under non-selectable headers."""

    class Column(IntEnum):
        """The one column of the list."""

        NAME = 0

    OBJECT_ROLE = Qt.ItemDataRole.UserRole + 1  # the DTO (None for a header)
    KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # ItemKind
    SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # the position in the service's order
    DETAIL_ROLE = Qt.ItemDataRole.UserRole + 4  # the second line

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[SearchRow] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Rows of the results (a flat list: no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Title, icon, tooltip, object, kind, sort position and detail of a row."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.title}\n{row.detail}" if row.detail else row.title
        if role == Qt.ItemDataRole.DecorationRole:
            return None if row.kind is ItemKind.HEADER else icon(_icon_name(row))
        if role == Qt.ItemDataRole.FontRole and row.kind is ItemKind.HEADER:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{row.title}. {row.detail}" if row.detail else row.title
        if role == self.OBJECT_ROLE:
            return row.item
        if role == self.KIND_ROLE:
            return int(row.kind)
        if role == self.SORT_ROLE:
            return index.row()
        if role == self.DETAIL_ROLE:
            return row.detail
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Found items are selectable; headers are plain text."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].selectable:
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren

    def set_result(self, result: FindResult | None) -> None:
        """Show the results of a new query (a new query is a new list: the model is reset)."""
        self.beginResetModel()
        self._rows = rows_of(result) if result is not None else []
        self.endResetModel()

    def row(self, position: int) -> SearchRow:
        """The row at a position."""
        return self._rows[position]

    def item_count(self) -> int:
        """How many clients, contacts and leads are shown (headers not counted)."""
        return sum(1 for row in self._rows if row.selectable)

    def first_item_row(self) -> int:
        """The position of the first selectable row, or -1."""
        return next((i for i, row in enumerate(self._rows) if row.selectable), -1)

    def next_item_row(self, position: int, step: int) -> int:
        """The selectable row after (step 1) or before (step -1) ``position``; ``position`` at an end."""
        i = position + step
        while 0 <= i < len(self._rows):
            if self._rows[i].selectable:
                return i
            i += step
        return position


def _icon_name(row: SearchRow) -> str:
    if isinstance(row.item, ClientDTO):
        return "company" if row.item.kind is ClientKind.COMPANY else "client"
    if isinstance(row.item, ContactPersonDTO):
        return "contact"
    if isinstance(row.item, LeadDTO):
        return row.item.kind.value
    return "search"


class SearchResultDelegate(QStyledItemDelegate):
    """Two lines per found item (title, then a muted detail line); headers as small bold captions."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        """Room for one line (headers) or two lines (items)."""
        metrics = QFontMetrics(option.font)
        kind = index.data(SearchResultsModel.KIND_ROLE)
        lines = 1 if kind == ItemKind.HEADER else 2
        extra = 10 if kind == ItemKind.HEADER else 8
        return QSize(option.rect.width(), metrics.height() * lines + extra + (2 if lines == 2 else 0))

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Draw the background by the style, then the icon, title and detail ourselves."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        kind = index.data(SearchResultsModel.KIND_ROLE)
        detail = str(index.data(SearchResultsModel.DETAIL_ROLE) or "")
        title = opt.text
        opt.text = ""
        opt.icon = QIcon()
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (
            QPalette.ColorGroup.Active
            if opt.state & QStyle.StateFlag.State_Active
            else QPalette.ColorGroup.Inactive
        )
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect = opt.rect.adjusted(8, 0, -8, 0)
        painter.save()
        try:
            if kind == ItemKind.HEADER:
                font = QFont(opt.font)
                font.setBold(True)
                font.setPointSizeF(max(6.0, font.pointSizeF() * 0.9))
                painter.setFont(font)
                painter.setPen(opt.palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
                painter.drawText(
                    rect.adjusted(0, 4, 0, 0),
                    int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                    title,
                )
                return
            item_icon = index.data(Qt.ItemDataRole.DecorationRole)
            size = 20
            if item_icon is not None:
                mode = QIcon.Mode.Selected if selected else QIcon.Mode.Normal
                top = rect.top() + (rect.height() - size) // 2
                item_icon.paint(
                    painter, QRect(rect.left(), top, size, size), Qt.AlignmentFlag.AlignCenter, mode
                )
            text_rect = rect.adjusted(size + 10, 3, 0, -3)
            metrics = QFontMetrics(opt.font)
            line = metrics.height()
            painter.setFont(opt.font)
            painter.setPen(opt.palette.color(group, text_role))
            painter.drawText(
                QRect(text_rect.left(), text_rect.top(), text_rect.width(), line),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                metrics.elidedText(title, Qt.TextElideMode.ElideRight, text_rect.width()),
            )
            small = QFont(opt.font)
            small.setPointSizeF(max(6.0, small.pointSizeF() * 0.9))
            painter.setFont(small)
            muted = opt.palette.color(group, text_role)
            if not selected:
                muted = opt.palette.color(group, QPalette.ColorRole.PlaceholderText)
            painter.setPen(muted)
            small_metrics = QFontMetrics(small)
            painter.drawText(
                QRect(
                    text_rect.left(), text_rect.top() + line + 1, text_rect.width(), small_metrics.height()
                ),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                small_metrics.elidedText(detail, Qt.TextElideMode.ElideRight, text_rect.width()),
            )
        finally:
            painter.restore()


# ------------------------------------------------------------------------------------------ popup


class SearchField(QLineEdit):
    """The search box of the main window's toolbar: a click opens the popup (Ctrl+K does too).

    It only looks like a field; the query is typed in the popup, where the results are.

    Signals:
        activated(): open the search popup.
    """

    activated = Signal()

    def __init__(self, shortcut_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("search_field")
        self.setReadOnly(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.IBeamCursor)
        self.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.setPlaceholderText(
            self.tr("Find a phone, e-mail, name or INN…  (%1)").replace("%1", shortcut_text)
        )
        self.setToolTip(self.tr("Find a client, contact person or lead (%1)").replace("%1", shortcut_text))
        self.setAccessibleName(self.tr("Search"))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click opens the popup."""
        event.accept()
        self.activated.emit()


class SearchPopup(QDialog):
    """The Ctrl+K search: a line edit over the grouped results; arrows, Enter and Esc work.

    Signals:
        lead_chosen(int), client_chosen(int)
    """

    lead_chosen = Signal(int)
    client_chosen = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._sequence = 0
        self._shown_query = ""
        self.setObjectName("search_popup")
        self.setWindowTitle(self.tr("Find"))
        self.setWindowIcon(icon("search"))
        self.setSizeGripEnabled(False)
        # Sits over the window like a command palette: no title bar, closes with Esc or when
        # another window is activated (a click outside). Not a Qt.Popup: that grabs the keyboard
        # and mouse, which some platforms refuse.
        self.setWindowFlags(Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        panel = QFrame(self)
        panel.setObjectName("search_panel")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setFrameShadow(QFrame.Shadow.Raised)
        panel.setAutoFillBackground(True)
        outer.addWidget(panel)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(10, 10, 10, 8)
        layout.setSpacing(6)
        row = QHBoxLayout()
        glyph = QLabel(self)
        glyph.setPixmap(icon("search").pixmap(QSize(20, 20)))
        row.addWidget(glyph)
        self.query_edit = QLineEdit(self)
        self.query_edit.setObjectName("query")
        self.query_edit.setClearButtonEnabled(True)
        self.query_edit.setPlaceholderText(self.tr("Phone in any format, e-mail, name or INN"))
        self.query_edit.setAccessibleName(self.tr("Search"))
        font = self.query_edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.query_edit.setFont(font)
        row.addWidget(self.query_edit, 1)
        layout.addLayout(row)

        self.model = SearchResultsModel(self)
        self.results_view = QListView(self)
        self.results_view.setObjectName("results")
        self.results_view.setModel(self.model)
        self.results_view.setItemDelegate(SearchResultDelegate(self.results_view))
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results_view.setFrameShape(QFrame.Shape.NoFrame)
        self.results_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing always goes to the query
        self.results_view.activated.connect(self._on_results_view_activated)
        self.results_view.clicked.connect(self._on_results_view_activated)
        layout.addWidget(self.results_view, 1)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("status")
        self.status_label.setEnabled(False)
        layout.addWidget(self.status_label)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self.query_edit.textChanged.connect(self._on_query_edit_text_changed)
        self.query_edit.installEventFilter(self)
        self._show_hint()
        self.resize(620, 440)

    # -- showing ------------------------------------------------------------------------------

    def popup(self) -> None:
        """Show over the top of the parent window with the previous query selected."""
        parent = self.parentWidget()
        if parent is not None:
            frame = parent.frameGeometry()
            width = min(680, max(420, frame.width() - 80))
            self.resize(width, min(480, max(300, frame.height() - 120)))
            self.move(frame.left() + (frame.width() - width) // 2, frame.top() + 70)
        if self.isVisible():
            self.raise_()
        self.show()
        self.activateWindow()
        self.query_edit.setFocus()
        self.query_edit.selectAll()

    def changeEvent(self, event: QEvent) -> None:
        """Close when another window becomes active (checked once the activation settled)."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and not self.isActiveWindow():
            QTimer.singleShot(0, self._hide_if_inactive)

    def _hide_if_inactive(self) -> None:
        if self.isVisible() and not self.isActiveWindow() and QApplication.activeWindow() is not None:
            self.hide()

    def _show_hint(self) -> None:
        self.status_label.setText(self.tr("Type a phone in any format, an e-mail, a name or an INN."))

    # -- searching ----------------------------------------------------------------------------

    def _on_query_edit_text_changed(self, text: str) -> None:
        if not text.strip():
            self._debounce.stop()
            self._sequence += 1  # whatever is still running is stale now
            self._shown_query = ""
            self.model.set_result(None)
            self._show_hint()
            return
        self._debounce.start()

    def _on_debounce_timeout(self) -> None:
        self.search_now(self.query_edit.text())

    def search_now(self, text: str) -> None:
        """Run the query at once (the debounce timer calls this)."""
        query = text.strip()
        if not query:
            return
        self._sequence += 1
        sequence = self._sequence
        self.status_label.setText(self.tr("Searching…"))
        db, actor = self._context.db, self._context.actor

        def work() -> FindResult:
            from app.services.lookup import find

            with db.session() as session:
                return find(session, query, actor, limit=30)

        self._context.tasks.run(
            work,
            lambda result: self._on_found(sequence, query, result),
            lambda error: self._on_failed(sequence, error),
        )

    def _on_found(self, sequence: int, query: str, result: FindResult) -> None:
        if sequence != self._sequence:
            return  # an answer to an older query: the person typed on meanwhile
        self._shown_query = query
        self.model.set_result(result)
        count = self.model.item_count()
        if count == 0:
            self.status_label.setText(self.tr("Nothing found for “%1”.").replace("%1", query))
            return
        first = self.model.first_item_row()
        self.results_view.setCurrentIndex(self.model.index(first, 0))
        self.status_label.setText(
            self.tr("Found: %n. Enter opens the selected one; ↑ ↓ choose; Esc closes.", "", count)
        )

    def _on_failed(self, sequence: int, error: BaseException) -> None:
        if sequence != self._sequence:
            return
        if isinstance(error, InflowError):
            self.status_label.setText(str(error))
        else:
            log.error("search failed", exc_info=error)
            self.status_label.setText(self.tr("The search failed: %1").replace("%1", str(error)))

    @property
    def shown_query(self) -> str:
        """The query whose results are shown (tests wait for it)."""
        return self._shown_query

    # -- keyboard -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Arrows move in the results and Enter opens, while the focus stays in the query."""
        if watched is self.query_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                self._move(
                    1 if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) else -1,
                    5 if key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp) else 1,
                )
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_current()
                return True
        return super().eventFilter(watched, event)

    def _move(self, step: int, times: int) -> None:
        current = self.results_view.currentIndex()
        position = current.row() if current.isValid() else -1
        if position < 0:
            position = self.model.first_item_row()
            times -= 1
            if position < 0:
                return
        for _ in range(times):
            position = self.model.next_item_row(position, step)
        index = self.model.index(position, 0)
        self.results_view.setCurrentIndex(index)
        self.results_view.scrollTo(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc closes the popup; Enter never "accepts" the dialog by itself."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_current()
            return
        super().keyPressEvent(event)

    def open_current(self) -> None:
        """Open the selected item (or the first one when nothing is selected yet)."""
        if self._debounce.isActive():
            # Enter right after typing: search now and open when the answer comes.
            self._debounce.stop()
            self.search_now(self.query_edit.text())
            return
        index = self.results_view.currentIndex()
        if not index.isValid():
            first = self.model.first_item_row()
            if first < 0:
                return
            index = self.model.index(first, 0)
        self._on_results_view_activated(index)

    def _on_results_view_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.model.row(index.row())
        if not row.selectable:
            return
        self.hide()
        if isinstance(row.item, LeadDTO):
            self.lead_chosen.emit(row.item.id)
        elif isinstance(row.item, ClientDTO):
            self.client_chosen.emit(row.item.id)
        elif isinstance(row.item, ContactPersonDTO):
            self.client_chosen.emit(row.item.client_id)


# ------------------------------------------------------------------------------------ client card


class ClientLeadsModel(QAbstractTableModel):
    """The client's recent leads in the client dialog."""

    class Column(IntEnum):
        """Columns of the table."""

        RECEIVED = 0
        KIND = 1
        STATE = 2
        SUBJECT = 3

    HEADERS = (
        QT_TRANSLATE_NOOP("Search", "Received"),
        QT_TRANSLATE_NOOP("Search", "Channel"),
        QT_TRANSLATE_NOOP("Search", "State"),
        QT_TRANSLATE_NOOP("Search", "Subject"),
    )
    OBJECT_ROLE = Qt.ItemDataRole.UserRole + 1
    SORT_ROLE = Qt.ItemDataRole.UserRole + 2

    def __init__(self, leads: tuple[ClientLeadDTO, ...] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._leads = list(leads)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Leads shown."""
        return 0 if parent.isValid() else len(self._leads)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """See :class:`Column`."""
        return 0 if parent.isValid() else len(self.Column)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Text, icon, object and sort key of a cell."""
        if not index.isValid() or not 0 <= index.row() < len(self._leads):
            return None
        lead = self._leads[index.row()]
        column = index.column()
        if role == self.OBJECT_ROLE:
            return lead
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.Column.RECEIVED:
                return format_time(lead.received_at)
            if column == self.Column.KIND:
                return _tr(KIND_NAMES[lead.kind])
            if column == self.Column.STATE:
                return _tr(STATE_NAMES[lead.state])
            if column == self.Column.SUBJECT:
                return lead.subject or ""
        if role == Qt.ItemDataRole.DecorationRole and column == self.Column.KIND:
            return icon(lead.kind.value)
        if role == self.SORT_ROLE:
            if column == self.Column.RECEIVED:
                return lead.received_at.timestamp()
            return str(self.data(index, Qt.ItemDataRole.DisplayRole))
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Translated column titles."""
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.HEADERS):
            return _tr(self.HEADERS[section])
        return None

    def set_leads(self, leads: tuple[ClientLeadDTO, ...]) -> None:
        """Show another client's leads."""
        self.beginResetModel()
        self._leads = list(leads)
        self.endResetModel()


class ClientDialog(QDialog):
    """A client at a glance (from the global search): contact info, contact persons, open interests
    and recent leads; "Open latest lead" or Enter on a lead opens its card.

    Signals:
        lead_chosen(int)
    """

    lead_chosen = Signal(int)

    def __init__(self, context: AppContext, client_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.client_id = client_id
        self.card: ClientCard | None = None
        self.setWindowTitle(self.tr("Client"))
        self.setWindowIcon(icon("client"))
        self.resize(640, 480)

        layout = QVBoxLayout(self)
        self.name_label = QLabel(self.tr("Loading…"), self)
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.name_label)

        form = QFormLayout()
        self.kind_label = QLabel(self)
        self.phones_label = QLabel(self)
        self.emails_label = QLabel(self)
        self.contacts_label = QLabel(self)
        self.interests_label = QLabel(self)
        for label in (
            self.kind_label,
            self.phones_label,
            self.emails_label,
            self.contacts_label,
            self.interests_label,
        ):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Kind:"), self.kind_label)
        form.addRow(self.tr("Phones:"), self.phones_label)
        form.addRow(self.tr("E-mails:"), self.emails_label)
        form.addRow(self.tr("Contact persons:"), self.contacts_label)
        form.addRow(self.tr("Open interests:"), self.interests_label)
        layout.addLayout(form)

        layout.addWidget(QLabel(self.tr("Recent leads:"), self))
        self.leads_model = ClientLeadsModel(parent=self)
        self.leads_view = QTableView(self)
        self.leads_view.setModel(self.leads_model)
        self.leads_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.leads_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.leads_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.leads_view.verticalHeader().setVisible(False)
        self.leads_view.horizontalHeader().setStretchLastSection(True)
        self.leads_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.leads_view.activated.connect(self._on_leads_view_activated)
        layout.addWidget(self.leads_view, 1)

        buttons = QDialogButtonBox(self)
        self.open_latest_button = QPushButton(self.tr("Open &latest lead"), self)
        self.open_latest_button.setEnabled(False)
        self.open_latest_button.setDefault(True)
        buttons.addButton(self.open_latest_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.open_latest_button.clicked.connect(self._on_open_latest_button_clicked)
        layout.addWidget(buttons)
        self._load()

    def _load(self) -> None:
        db, actor, client_id = self._context.db, self._context.actor, self.client_id

        def work() -> ClientCard:
            from app.services.client_info import client_card

            with db.session() as session:
                return client_card(session, actor, client_id)

        self._context.tasks.run(work, self._on_loaded, self._on_failed)

    def _on_loaded(self, card: ClientCard) -> None:
        self.card = card
        client = card.client
        self.setWindowTitle(client.name)
        self.name_label.setText(client.name)
        kind = self.tr("Company") if client.kind is ClientKind.COMPANY else self.tr("Private person")
        self.kind_label.setText(
            f"{kind}, {self.tr('INN %1').replace('%1', client.inn)}" if client.inn else kind
        )
        self.phones_label.setText(", ".join(format_phone(p) for p in client.phones) or "—")
        self.emails_label.setText(", ".join(client.emails) or "—")
        people = [
            " · ".join([p.name, *([p.position] if p.position else []), *(format_phone(x) for x in p.phones)])
            for p in card.contacts
        ]
        self.contacts_label.setText("\n".join(people) or "—")
        interests = [f"{i.title} ({i.stage})" for i in card.interests]
        self.interests_label.setText("\n".join(interests) or "—")
        self.leads_model.set_leads(card.leads)
        self.open_latest_button.setEnabled(card.latest_lead_id is not None)
        if card.leads:
            self.leads_view.setCurrentIndex(self.leads_model.index(0, 0))

    def _on_failed(self, error: BaseException) -> None:
        self.name_label.setText(
            str(error) if isinstance(error, InflowError) else self.tr("The client cannot be shown.")
        )
        if not isinstance(error, InflowError):
            log.error("loading a client failed", exc_info=error)

    def _on_open_latest_button_clicked(self) -> None:
        if self.card is not None and self.card.latest_lead_id is not None:
            self.lead_chosen.emit(self.card.latest_lead_id)
            self.accept()

    def _on_leads_view_activated(self, index: QModelIndex) -> None:
        lead = index.data(ClientLeadsModel.OBJECT_ROLE)
        if isinstance(lead, ClientLeadDTO):
            self.lead_chosen.emit(lead.id)
            self.accept()
