"""The My Sales workspace: the Inquiries column and the interest stages of the default pipeline.

Dragging a lead onto a stage starts the intake wizard with that stage; dragging an interest to
another stage moves it. Every change — ours, a colleague's on another desktop — reaches the
board through ``context.watcher.changed`` and is applied as a difference, so the card the user
is on stays selected and the scroll position stays.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import ChannelKind
from app.services import board
from app.services.board import InquiryCard, InterestCard, Scope, StageColumn
from app.services.catalogs import StageDTO
from ui.context import AppContext
from ui.dialogs import LeadTarget
from ui.dialogs.errors import sentence, show_message
from ui.my_sales import words
from ui.my_sales.card_delegates import InquiryCardDelegate, InterestCardDelegate, kind_icon
from ui.my_sales.inquiry_list_model import InquiryListModel, decode_lead
from ui.my_sales.lead_actions import LeadActions
from ui.my_sales.row_models import OBJECT_ROLE
from ui.my_sales.stage_interest_model import StageInterestModel, decode_interest

log = logging.getLogger(__name__)

# Tables whose change may alter what the board shows ("*": SQLite cannot tell which).
_LEAD_TABLES = {"*", "leads", "channels", "users", "clients"}
_STAGE_TABLES = {"*", "interests", "stages", "clients", "users"}
_NAME_TABLES = {"clients", "users", "channels"}

SCOPE_TITLES: dict[Scope, str] = {
    "mine": QT_TRANSLATE_NOOP("MySalesWorkspace", "Mine"),
    "my_roles": QT_TRANSLATE_NOOP("MySalesWorkspace", "Mine and my roles"),
    "all": QT_TRANSLATE_NOOP("MySalesWorkspace", "All"),
}


class BoardListView(QTableView):
    """A column of cards: one-column, headerless table rows of a fixed height, painted as cards.

    A table and not a QListView: QListView lays every row out again on each insert, asking the
    (Python) model about every row — 200,000 calls and half a second per page at 100,000 cards
    (measured, docs/DECISIONS.md); a table's rows are sections of fixed height, an insert costs
    the same at any length. Left/Right hand the keyboard focus to the neighbouring column.

    Signals:
        neighbour_requested(int): -1 for the column on the left, +1 on the right.
    """

    neighbour_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the column, as in a list
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def set_card_delegate(self, delegate: QStyledItemDelegate) -> None:
        """Paint rows with ``delegate``; every row is as tall as its card."""
        self.setItemDelegate(delegate)
        height = delegate.sizeHint(self.viewOptions_(), QModelIndex()).height()
        self.verticalHeader().setDefaultSectionSize(height)
        self.verticalHeader().setMinimumSectionSize(height)

    def viewOptions_(self) -> QStyleOptionViewItem:
        """The style options rows are painted with (for the card's height)."""
        option = QStyleOptionViewItem()
        option.initFrom(self)
        option.font = self.font()
        return option

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Left and not event.modifiers():
            self.neighbour_requested.emit(-1)
            return
        if event.key() == Qt.Key.Key_Right and not event.modifiers():
            self.neighbour_requested.emit(1)
            return
        super().keyPressEvent(event)


class InquiryColumnView(BoardListView):
    """The Inquiries column: cards are dragged out of it (onto a stage), never dropped into it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)


class StageListView(BoardListView):
    """A stage column's list: takes a dropped lead (→ wizard) or interest (→ move) anywhere on it.

    Signals:
        lead_dropped(int, int): lead id and version.
        interest_dropped(int, int, int): interest id, version, the stage it came from.
    """

    lead_dropped = Signal(int, int)
    interest_dropped = Signal(int, int, int)

    def __init__(self, stage_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage_id = stage_id
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(False)

    def _accepts(self, event: QDropEvent | QDragMoveEvent | QDragEnterEvent) -> bool:
        mime = event.mimeData()
        if decode_lead(mime) is not None:
            return True
        interest = decode_interest(mime)
        return interest is not None and interest[2] != self.stage_id

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._accepts(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._accepts(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        lead = decode_lead(mime)
        interest = decode_interest(mime)
        if lead is not None:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.lead_dropped.emit(*lead)
        elif interest is not None and interest[2] != self.stage_id:
            # Accepted as a copy: the source view must not remove the row itself (the refresh will).
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.interest_dropped.emit(*interest)
        else:
            event.ignore()


class StageColumnWidget(QFrame):
    """One stage: the header "Stage — N · sum ₽" over its list of interest cards."""

    def __init__(self, context: AppContext, stage: StageDTO, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"stage_column_{stage.id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.model = StageInterestModel(context, stage, self)
        self.header = QLabel()
        self.header.setObjectName("stage_header")
        self.header.setWordWrap(True)
        self.header.setStyleSheet(f"border-bottom: 3px solid {stage.color}; padding: 4px; font-weight: bold;")
        self.view = StageListView(stage.id)
        self.view.setModel(self.model)
        self.view.set_card_delegate(InterestCardDelegate(stage.color, self.view))
        self.view.setAccessibleName(stage.name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.header)
        layout.addWidget(self.view)
        self.setMinimumWidth(220)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.model.summary_changed.connect(self.update_header)
        self.update_header()

    @property
    def stage(self) -> StageDTO:
        """The stage shown."""
        return self.model.stage

    def update_header(self) -> None:
        """Repaint the count and sum."""
        self.header.setText(self.header_text())

    def header_text(self) -> str:
        """ "Stage — N · sum ₽"."""
        return (
            self.tr("%1 — %2 · %3")
            .replace("%1", self.model.stage.name)
            .replace("%2", str(self.model.count))
            .replace("%3", words.money(self.model.amount))
        )


class MySalesWorkspace(QWidget):
    """My Sales: a filter bar, the Inquiries column, the stages of the default pipeline.

    Signals:
        open_lead_requested(int): a lead card should open (the main window opens it; standing
            alone, without a receiver, the workspace opens it itself).
        convert_requested(int, int): a lead is to be converted (lead id, stage id or 0); the
            workspace opens the intake wizard itself and refreshes when the wizard is done.
        refreshed(): a refresh after a change was applied to the board (tests, status bar).

    Threading: all reads and writes go through ``context.tasks``; the widgets change only in
    callbacks on the GUI thread.
    """

    open_lead_requested = Signal(int)
    convert_requested = Signal(int, int)
    refreshed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("my_sales")
        self.context = context
        self.may_see_all = board.may_see_all(context.actor)
        self.columns: list[StageColumnWidget] = []
        self._stages_busy = False
        self._stages_pending = False
        self._cards: dict[int, Any] = {}

        self.actions_ = LeadActions(context, self)
        self.actions_.open_requested.connect(self._on_actions_open_requested)
        self.actions_.convert_requested.connect(self.convert_requested)
        self.actions_.changed.connect(self._on_actions_changed)
        self.actions_.failed.connect(self._on_actions_failed)

        self.model = InquiryListModel(context, self)
        self.model.total_changed.connect(self._update_inquiry_header)
        self.model.failed.connect(self._on_model_failed)
        self.model.refreshed.connect(self.refreshed)

        self._build_filter_bar()
        self._build_inquiry_column()
        self.stage_area = QWidget()
        self.stage_layout = QHBoxLayout(self.stage_area)
        self.stage_layout.setContentsMargins(0, 0, 0, 0)
        self.stage_layout.setSpacing(6)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.stage_area)
        self.stage_scroll = scroll

        board_row = QHBoxLayout()
        board_row.setSpacing(8)
        board_row.addWidget(self.inquiry_frame)
        board_row.addWidget(scroll, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(self.filter_bar)
        layout.addLayout(board_row, 1)

        refresh = QAction(self.tr("Refresh"), self)
        refresh.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        refresh.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.triggered.connect(lambda: self.refresh(full=True))
        self.addAction(refresh)
        self.refresh_action = refresh

        context.watcher.changed.connect(self._on_watcher_changed)
        self.model.start()
        self._read_stages()

    # -- building -----------------------------------------------------------------------------

    def _build_filter_bar(self) -> None:
        bar = QHBoxLayout()
        self.kind_buttons: dict[ChannelKind, QToolButton] = {}
        for kind in ChannelKind:
            button = QToolButton()
            button.setObjectName(f"kind_{kind.value}")
            button.setCheckable(True)
            button.setChecked(True)
            button.setIcon(kind_icon(kind.value))
            button.setText(words.kind_name(kind.value))
            button.setToolTip(
                self.tr("Show leads of this kind: %1").replace("%1", words.kind_name(kind.value))
            )
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.toggled.connect(self._on_filter_changed)
            self.kind_buttons[kind] = button
            bar.addWidget(button)
        bar.addSpacing(12)
        scope_label = QLabel(self.tr("&Show:"))
        self.scope_combo = QComboBox()
        self.scope_combo.setObjectName("scope_combo")
        for scope, title in SCOPE_TITLES.items():
            if scope == "all" and not self.may_see_all:
                continue  # the service would refuse it anyway
            self.scope_combo.addItem(QCoreApplication.translate("MySalesWorkspace", title), scope)
        self.scope_combo.setCurrentIndex(self.scope_combo.findData("my_roles"))
        self.scope_combo.currentIndexChanged.connect(self._on_filter_changed)
        scope_label.setBuddy(self.scope_combo)
        bar.addWidget(scope_label)
        bar.addWidget(self.scope_combo)
        bar.addStretch(1)
        self.filter_bar = bar

    def _build_inquiry_column(self) -> None:
        frame = QFrame()
        frame.setObjectName("inquiry_column")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.inquiry_header = QLabel()
        self.inquiry_header.setObjectName("inquiry_header")
        self.inquiry_header.setStyleSheet("padding: 4px; font-weight: bold;")
        self.inquiry_view = InquiryColumnView()
        self.inquiry_view.setObjectName("inquiry_view")
        self.inquiry_view.setAccessibleName(self.tr("Inquiries"))
        self.inquiry_view.setModel(self.model)
        self.inquiry_view.set_card_delegate(InquiryCardDelegate(self.inquiry_view))
        self.inquiry_view.customContextMenuRequested.connect(self._on_inquiry_view_context_menu)
        self.inquiry_view.activated.connect(self._on_inquiry_view_activated)
        self.inquiry_view.selectionModel().currentChanged.connect(self._on_inquiry_current_changed)
        self.inquiry_view.neighbour_requested.connect(lambda step: self._focus_column(-1, step))
        # Their shortcuts work while the Inquiries column has the focus, and show in its menu.
        for action in self.actions_.actions():
            if action is not None:
                self.inquiry_view.addAction(action)
        # Rows inserted or data changed under the current card: keep the actions' lead current.
        self.model.dataChanged.connect(lambda *_args: self._sync_target())
        self.model.rowsRemoved.connect(lambda *_args: self._sync_target())
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.inquiry_header)
        layout.addWidget(self.inquiry_view)
        frame.setMinimumWidth(300)
        frame.setMaximumWidth(420)
        self.inquiry_frame = frame
        self._update_inquiry_header()

    # -- public API ---------------------------------------------------------------------------

    @property
    def lead_actions(self) -> LeadActions:
        """The lead actions (menu, shortcuts) of the Inquiries column."""
        return self.actions_

    def scope(self) -> Scope:
        """The scope chosen in the filter bar."""
        return str(self.scope_combo.currentData())  # type: ignore[return-value]

    def kinds(self) -> frozenset[ChannelKind] | None:
        """The channel kinds chosen (None: all of them)."""
        chosen = frozenset(kind for kind, button in self.kind_buttons.items() if button.isChecked())
        return None if len(chosen) == len(ChannelKind) else chosen

    def set_scope(self, scope: Scope) -> None:
        """Choose the scope (as the combo does)."""
        row = self.scope_combo.findData(scope)
        if row < 0:
            raise ValueError(f"scope {scope!r} is not offered to {self.context.actor.login}")
        self.scope_combo.setCurrentIndex(row)

    def column(self, stage_id: int) -> StageColumnWidget:
        """The column of a stage."""
        return next(column for column in self.columns if column.stage.id == stage_id)

    def current_card(self) -> InquiryCard | None:
        """The card the Inquiries column is on."""
        index = self.inquiry_view.currentIndex()
        return index.data(OBJECT_ROLE) if index.isValid() else None

    def refresh(self, *, full: bool = False) -> None:
        """Re-read what the board shows and apply the difference (``full``: every card in full)."""
        self.model.refresh(full=full)
        self._read_stages()

    def drop_lead(self, lead_id: int, stage_id: int) -> None:
        """A lead was dropped on a stage: ask for the conversion and open the wizard on it."""
        self.convert_requested.emit(lead_id, stage_id)
        self.actions_.open_wizard(lead_id, stage_id)

    def move_interest(self, interest_id: int, version: int, stage_id: int) -> None:
        """An interest was dropped on another stage: move it (off the GUI thread)."""
        context = self.context

        # The pool thread gets the database and the actor, never the context (it owns Qt objects).
        db, actor = context.db, context.actor

        def work() -> InterestCard:
            with db.uow() as uow:
                return board.move_interest(uow, actor, interest_id, stage_id, expected_version=version)

        def failed(error: BaseException) -> None:
            if shiboken6.isValid(self):
                show_message(self, self.tr("Interest %1").replace("%1", str(interest_id)), sentence(error))
                self.refresh()

        context.tasks.run(work, self._guard(lambda _card: self._read_stages()), failed, write=True)

    # -- slots --------------------------------------------------------------------------------

    def _on_filter_changed(self, *_args: object) -> None:
        self.model.set_filter(self.scope(), self.kinds())
        self.actions_.set_target(None)

    def _on_watcher_changed(self, tables: Iterable[str]) -> None:
        changed = set(tables)
        if changed & _LEAD_TABLES:
            # A renamed client, user or channel changes cards without touching the leads' versions.
            self.model.refresh(full=bool(changed & _NAME_TABLES))
        if changed & _STAGE_TABLES:
            self._read_stages()

    def _on_actions_changed(self, _lead_id: int) -> None:
        # Our own write: show it at once rather than waiting for the watcher's next tick.
        self.refresh()

    def _on_actions_failed(self, _lead_id: int, _text: str) -> None:
        self.refresh()

    def _on_actions_open_requested(self, lead_id: int) -> None:
        self.open_lead_requested.emit(lead_id)
        if not self.isSignalConnected(self._open_lead_signal()):
            # Standing alone (no main window to open cards): open it here.
            self._open_card(lead_id)

    def _on_model_failed(self, text: str) -> None:
        show_message(self, self.tr("My Sales"), text)

    def _on_inquiry_view_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self._sync_target()
            self.actions_.open_card()

    def _on_inquiry_current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._sync_target()

    def _on_inquiry_view_context_menu(self, position: QPoint) -> None:
        index = self.inquiry_view.indexAt(position)
        if not index.isValid():
            return
        self.inquiry_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self._sync_target()
        menu = self.lead_menu()
        menu.popup(self.inquiry_view.viewport().mapToGlobal(position))

    def lead_menu(self) -> QMenu:
        """The context menu of the current lead (shortcuts shown next to the entries)."""
        menu = QMenu(self)
        menu.setObjectName("lead_menu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for action in self.actions_.actions():
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        return menu

    def _on_stage_lead_dropped(self, stage_id: int, lead_id: int, _version: int) -> None:
        self.drop_lead(lead_id, stage_id)

    def _on_stage_interest_dropped(self, stage_id: int, interest_id: int, version: int, _from: int) -> None:
        self.move_interest(interest_id, version, stage_id)

    # -- internals ----------------------------------------------------------------------------

    def _open_lead_signal(self) -> Any:
        meta = self.metaObject()
        return meta.method(meta.indexOfSignal("open_lead_requested(int)"))

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

    def open_cards(self) -> dict[int, Any]:
        """The lead cards this workspace opened itself (standing alone)."""
        return {key: card for key, card in self._cards.items() if shiboken6.isValid(card)}

    def _sync_target(self) -> None:
        card = self.current_card()
        self.actions_.set_target(LeadTarget.of_card(card) if card is not None else None)

    def _update_inquiry_header(self, *_args: object) -> None:
        total = self.model.total
        title = self.tr("Inquiries")
        self.inquiry_header.setText(
            title if total is None else self.tr("%1 — %2").replace("%1", title).replace("%2", str(total))
        )

    def _focus_column(self, position: int, step: int) -> None:
        views: list[QAbstractItemView] = [self.inquiry_view, *(column.view for column in self.columns)]
        current = next(
            (i for i, view in enumerate(views) if view.hasFocus()), 0 if position < 0 else position
        )
        target = max(0, min(len(views) - 1, current + step))
        view = views[target]
        view.setFocus(Qt.FocusReason.OtherFocusReason)
        if not view.currentIndex().isValid() and view.model().rowCount() > 0:
            view.setCurrentIndex(view.model().index(0, 0))
        if target > 0:
            self.stage_scroll.ensureWidgetVisible(self.columns[target - 1])

    def _read_stages(self) -> None:
        if self._stages_busy:
            self._stages_pending = True
            return
        context = self.context
        limits = {column.stage.id: max(board.PAGE, column.model.loaded()) for column in self.columns}

        # The pool thread gets the database and the actor, never the context (it owns Qt objects).
        db, actor = context.db, context.actor

        def work() -> list[StageColumn]:
            with db.session() as session:
                return board.stage_columns(session, actor, limits=limits)

        def failed(error: BaseException) -> None:
            if not shiboken6.isValid(self):
                return
            self._stages_busy = False
            show_message(self, self.tr("My Sales"), sentence(error))

        self._stages_busy = True
        context.tasks.run(work, self._guard(self._on_stages_read), failed)

    def _on_stages_read(self, columns: list[StageColumn]) -> None:
        self._stages_busy = False
        if [c.stage.id for c in columns] != [column.stage.id for column in self.columns] or any(
            c.stage != column.stage for c, column in zip(columns, self.columns, strict=True)
        ):
            self._rebuild_columns([c.stage for c in columns])
        for fresh, column in zip(columns, self.columns, strict=True):
            column.model.apply(fresh)
        self.refreshed.emit()
        if self._stages_pending:
            self._stages_pending = False
            self._read_stages()

    def _rebuild_columns(self, stages: list[StageDTO]) -> None:
        # The pipeline itself changed (Settings): new columns; the rare case where rows reset.
        for column in self.columns:
            self.stage_layout.removeWidget(column)
            column.deleteLater()
        self.columns = []
        for stage in stages:
            column = StageColumnWidget(self.context, stage, self.stage_area)
            column.view.lead_dropped.connect(
                lambda lead_id, version, sid=stage.id: self._on_stage_lead_dropped(sid, lead_id, version)
            )
            column.view.interest_dropped.connect(
                lambda interest_id, version, source, sid=stage.id: self._on_stage_interest_dropped(
                    sid, interest_id, version, source
                )
            )
            position = len(self.columns) + 1
            column.view.neighbour_requested.connect(
                lambda step, position=position: self._focus_column(position, step)
            )
            self.columns.append(column)
            self.stage_layout.addWidget(column)

    def _guard(self, callback: Any) -> Any:
        def call(value: Any) -> None:
            if shiboken6.isValid(self):
                callback(value)

        return call
