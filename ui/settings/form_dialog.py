"""The base of every Settings form: fields with their own error line, saving off the GUI thread.

A form builds the work to do (:meth:`FormDialog.build_work`), the dialog runs it with
``context.tasks.run(..., write=True)`` and stays open until it succeeds. A refusal is shown as its
sentence: next to the field an :class:`~app.services.configuration.InvalidField` names, else at
the bottom of the form. The dialog never shows a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import InflowError
from app.services.configuration import InvalidField
from ui.context import AppContext

log = logging.getLogger(__name__)

ERROR_COLOR = QColor("#c0392b")


def alive(obj: object) -> bool:
    """Whether a Qt object's C++ side still exists (a callback may arrive after a window closed)."""
    return shiboken6.isValid(obj)


def error_label(parent: QWidget) -> QLabel:
    """A hidden, word-wrapped label in the error colour."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOR)
    label.setPalette(palette)
    label.setVisible(False)
    return label


def sentence_of(error: BaseException, fallback: str) -> str:
    """What to show a person for an error: the service's sentence, or a general one (and a log)."""
    if isinstance(error, InflowError) and str(error):
        return str(error)
    log.error("settings: unexpected error", exc_info=error)
    return fallback


class FormDialog(QDialog):
    """A settings form that saves itself through the task runner.

    Signals:
        saved(object): the work's result, after it was committed (the dialog then closes).
    """

    saved = Signal(object)

    def __init__(self, context: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.busy = False
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        self._tabs: QTabWidget | None = None
        layout = QVBoxLayout(self)
        self.body = QVBoxLayout()
        layout.addLayout(self.body)
        self.general_error = error_label(self)
        layout.addWidget(self.general_error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    # -- building the form --------------------------------------------------------------------

    def new_form(self, parent: QWidget | None = None) -> QFormLayout:
        """A form layout in the dialog's body (or on ``parent``, e.g. a tab or group box)."""
        form = QFormLayout(parent) if parent is not None else QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if parent is None:
            self.body.addLayout(form)
        return form

    def add_field(self, form: QFormLayout, label: str, widget: QWidget, field: str | None = None) -> QLabel:
        """A labelled row whose error (when ``field`` is named) appears right under the widget."""
        holder = QWidget()  # reparented by the form
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        error = error_label(holder)
        box.addWidget(error)
        caption = QLabel(label)
        caption.setBuddy(widget)
        form.addRow(caption, holder)
        if field is not None:
            self._fields[field] = (widget, error)
        return caption

    def bind_field(self, field: str, widget: QWidget, error: QLabel) -> None:
        """Name a field laid out by hand (its widget and its error label)."""
        self._fields[field] = (widget, error)

    def use_tabs(self, tabs: QTabWidget) -> None:
        """Errors of fields on a hidden tab switch to that tab."""
        self._tabs = tabs
        self.body.addWidget(tabs)

    # -- saving -------------------------------------------------------------------------------

    def build_work(self) -> Callable[[], Any] | None:
        """The work that saves the form (runs on a pool thread), or None after showing an error."""
        raise NotImplementedError

    def field_of(self, error: BaseException) -> str | None:
        """Which field an error is about."""
        return error.field if isinstance(error, InvalidField) else None

    def show_error(self, message: str, field: str | None = None) -> None:
        """Show a sentence next to its field (or under the form) and focus the field."""
        shown = False
        if field is not None and field in self._fields:
            widget, label = self._fields[field]
            self._reveal(widget)
            # A field inside a hidden group (e.g. zone rules while another rule is chosen) cannot
            # show its error; then it goes under the form.
            if widget.isVisibleTo(self):
                label.setText(message)
                label.setVisible(True)
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                shown = True
        if not shown:
            self.general_error.setText(message)
            self.general_error.setVisible(True)

    def clear_errors(self) -> None:
        """Hide every error sentence."""
        self.general_error.setVisible(False)
        self.general_error.clear()
        for _, label in self._fields.values():
            label.setVisible(False)
            label.clear()

    def error_text(self, field: str | None = None) -> str:
        """The error shown for a field (or the general one); empty when there is none."""
        if field is None:
            return self.general_error.text() if not self.general_error.isHidden() else ""
        label = self._fields[field][1]
        return label.text() if not label.isHidden() else ""

    def accept(self) -> None:
        if self.busy:
            return
        self.clear_errors()
        work = self.build_work()
        if work is None:
            return
        self._set_busy(True)
        self.context.tasks.run(work, self._on_saved, self._on_failed, write=True)

    def reject(self) -> None:
        if not self.busy:  # a save in flight finishes first: its answer needs this dialog
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
        else:
            super().closeEvent(event)

    def _on_saved(self, result: Any) -> None:
        if not alive(self):
            return
        self._set_busy(False)
        self.saved.emit(result)
        super().accept()

    def _on_failed(self, error: BaseException) -> None:
        if not alive(self):
            return
        self._set_busy(False)
        self.show_error(
            sentence_of(error, self.tr("The change could not be saved because of an unexpected error.")),
            self.field_of(error),
        )

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def _reveal(self, widget: QWidget) -> None:
        if self._tabs is None:
            return
        for index in range(self._tabs.count()):
            page = self._tabs.widget(index)
            if page is not None and (page is widget or page.isAncestorOf(widget)):
                self._tabs.setCurrentIndex(index)
                return
