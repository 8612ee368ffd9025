"""Helpers of the board's UI tests (no tests here): a shown workspace, other desks, drags."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app.persistence.uow import Database
from tests.ui.conftest import make_context
from ui.context import AppContext
from ui.my_sales import MySalesWorkspace

# The offscreen platform plugin says "This plugin does not support propagateSizeHints()" whenever a
# top-level window with a layout gets its minimum size, and "… raise()" when a window is raised:
# limits of the test platform, not of the code. Only these exact sentences are ignored.
OFFSCREEN_LIMITS = r"^This plugin does not support (propagateSizeHints|raise)\(\)$"
offscreen_windows = pytest.mark.qt_log_ignore(OFFSCREEN_LIMITS)


def show_workspace(qtbot: QtBot, context: AppContext) -> MySalesWorkspace:
    """A workspace shown and done with its first reads."""
    workspace = MySalesWorkspace(context)
    qtbot.addWidget(workspace)
    workspace.resize(1600, 900)
    workspace.show()
    qtbot.waitExposed(workspace)
    settle(qtbot, workspace)
    return workspace


def settle(qtbot: QtBot, workspace: MySalesWorkspace) -> None:
    """Wait until the Inquiries column and the stages have read what they show."""
    qtbot.waitUntil(
        lambda: (
            not workspace.model.busy
            and workspace.model.total is not None
            and bool(workspace.columns)
            and not workspace._stages_busy
        ),
        timeout=5000,
    )


def contacts(workspace: MySalesWorkspace) -> list[str]:
    """The contacts on the Inquiries column's cards, top to bottom."""
    return [card.contact for card in workspace.model.cards()]


def lead_ids(workspace: MySalesWorkspace) -> list[int]:
    """The lead ids on the Inquiries column, top to bottom."""
    return [card.id for card in workspace.model.cards()]


@contextmanager
def other_desk(db: Database, login: str, role: str) -> Iterator[AppContext]:
    """Another user's desktop on the same database, watching for changes."""
    context = make_context(db, login, role)
    context.watcher.start()
    try:
        yield context
    finally:
        context.watcher.stop()
        context.tasks.wait()


def drop(
    view: QAbstractItemView, mime: QMimeData, action: Qt.DropAction = Qt.DropAction.CopyAction
) -> QDropEvent:
    """Drag ``mime`` over a column and drop it (what QDrag does, without its blocking loop)."""
    viewport = view.viewport()
    point = QPoint(viewport.width() // 2, min(20, viewport.height() // 2))
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    enter = QDragEnterEvent(point, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted(), "the column refused the drag"
    event = QDropEvent(
        QPointF(point), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    event.setDropAction(action)
    QApplication.sendEvent(viewport, event)
    return event


def message_boxes(parent: QWidget) -> list[QMessageBox]:
    """The error boxes open over a widget."""
    return [box for box in parent.findChildren(QMessageBox) if box.isVisible()]


def open_dialog(qtbot: QtBot, dialog: Any, *, wait_loaded: bool = True) -> Any:
    """Show a lead dialog and wait until it has read its catalog (reasons, users, roles)."""
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    if wait_loaded:
        if hasattr(dialog, "loaded"):
            qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
        else:
            qtbot.waitUntil(lambda: dialog.choices.rowCount() > 0, timeout=5000)
    return dialog


def type_text(widget: QWidget, text: str) -> None:
    """Type text as key events (QTest.keyClicks stops at characters outside Latin-1, e.g. Cyrillic)."""
    for char in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier
        )


def double_click(widget: QWidget, pos: QPoint) -> None:
    """Press, release, double-click, release at ``pos`` (QTest's double click reaches an item view
    on the offscreen platform only as a single press)."""
    local = QPointF(pos)
    world = QPointF(widget.mapToGlobal(pos))
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    for kind, buttons in (
        (QEvent.Type.MouseButtonPress, left),
        (QEvent.Type.MouseButtonRelease, none),
        (QEvent.Type.MouseButtonDblClick, left),
        (QEvent.Type.MouseButtonRelease, none),
    ):
        event = QMouseEvent(kind, local, world, left, buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(widget, event)
