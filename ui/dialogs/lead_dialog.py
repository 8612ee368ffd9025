"""The common shape of a dialog that changes one lead and closes once the change is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from app.domain.errors import ValidationError
from ui.context import AppContext
from ui.dialogs.errors import ErrorLabel, sentence
from ui.dialogs.lead_target import LeadTarget


class LeadDialog(QDialog):
    """Base of the lead dialogs.

    Signals:
        lead_changed(object): the stored lead (a LeadDTO), just before the dialog closes.
        failed(str): the write was refused for a reason that is not about the input (changed
            meanwhile, no right, already closed): the dialog closed; the owner shows the sentence.

    Threading: the write runs on the writes pool; callbacks check the dialog still exists.
    """

    lead_changed = Signal(object)
    failed = Signal(str)

    def __init__(self, context: AppContext, target: LeadTarget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.target = target
        self.saving = False
        self.error = ErrorLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    @property
    def ok_button(self) -> Any:
        """The button that writes."""
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def submit(self, work: Callable[[], Any]) -> None:
        """Run the write; close on success, keep the dialog (with the sentence) on bad input."""
        if self.saving:
            return
        self.saving = True
        self.error.clear_error()
        self.set_busy(True)
        self.context.tasks.run(work, self._guard(self._on_saved), self._guard(self._on_failed), write=True)

    def set_busy(self, busy: bool) -> None:
        """Grey the buttons while the write is in flight."""
        self.buttons.setEnabled(not busy)

    def show_input_error(self, text: str) -> None:
        """A sentence about the input, next to the field it is about (subclasses place it)."""
        self.error.show_error(text)

    def _guard(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            if shiboken6.isValid(self):
                callback(value)

        return call

    def _on_saved(self, lead: Any) -> None:
        self.saving = False
        self.set_busy(False)
        self.lead_changed.emit(lead)
        QDialog.accept(self)

    def _on_failed(self, error: BaseException) -> None:
        self.saving = False
        self.set_busy(False)
        if isinstance(error, ValidationError):
            self.show_input_error(str(error))
            return
        self.failed.emit(sentence(error))
        QDialog.reject(self)
