"""Errors in words: what a person sees when a write is refused."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from app.domain.errors import InflowError

log = logging.getLogger(__name__)

ERROR_COLOR = "#c62828"


def sentence(error: BaseException) -> str:
    """The sentence of a domain error; a plain one (and a log entry) for anything unexpected."""
    if isinstance(error, InflowError):
        return str(error)
    log.error("unexpected error in a lead action", exc_info=error)
    return QCoreApplication.translate(
        "LeadActions", "Something went wrong (%1); the lead is unchanged."
    ).replace("%1", type(error).__name__)


def show_message(parent: QWidget, title: str, text: str) -> QMessageBox:
    """A warning box that does not block the event loop (live updates keep coming)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setObjectName("lead_action_error")
    box.open()
    return box


class ErrorLabel(QLabel):
    """A sentence next to a field, in red; hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {ERROR_COLOR};")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_error(self, text: str) -> None:
        """Say it."""
        self.setText(text)
        self.setAccessibleName(text)
        self.show()

    def clear_error(self) -> None:
        """Nothing to say any more."""
        self.clear()
        self.hide()
