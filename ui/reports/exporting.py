"""Export buttons (XLSX / CSV / PDF) shared by a report and its drill-downs.

The path is asked for on the GUI thread (QFileDialog); the file is written by ``write_report`` on a
pool thread, so a 100,000-row XLSX never freezes the window. The data written is the frozen result
already shown — exporting reads nothing from the database.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import tzinfo
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QWidget

from app.domain.errors import InflowError
from app.services.reports import ReportFormat, ReportResult, write_report
from ui.reports import words
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)

CONTEXT = "ReportExport"

FORMATS: tuple[ReportFormat, ...] = (ReportFormat.XLSX, ReportFormat.CSV, ReportFormat.PDF)

_FILTERS = {
    ReportFormat.XLSX: "Excel (*.xlsx)",
    ReportFormat.CSV: "CSV (*.csv)",
    ReportFormat.PDF: "PDF (*.pdf)",
}


def failure_sentence(error: BaseException, what: str) -> str:
    """A domain error's own sentence; for anything unexpected a plain one (and a log entry)."""
    if isinstance(error, InflowError):
        return str(error)
    if isinstance(error, OSError):
        return QCoreApplication.translate(CONTEXT, "The file could not be written: %1").replace(
            "%1", error.strerror or str(error)
        )
    log.error("%s failed", what, exc_info=error)
    return QCoreApplication.translate(CONTEXT, "Something went wrong (%1); try again.").replace(
        "%1", type(error).__name__
    )


def suggested_name(title: str, fmt: ReportFormat) -> str:
    """A file name from the report's title ("Lead analysis 2026-11.xlsx" style, no odd characters)."""
    stem = re.sub(r"[\\/:*?\"<>|]+", " ", title).strip() or "report"
    return f"{stem}.{fmt.value}"


def localized(result: ReportResult, title: str | None = None) -> ReportResult:
    """The result with the column titles (and the title) as the user reads them on screen: the file
    is for the same person. The figures are untouched."""
    columns = tuple(replace(column, title=words.column_title(column.title)) for column in result.columns)
    return replace(result, columns=columns, title=title or result.title)


def write_file(result: ReportResult, fmt: ReportFormat, path: Path, zone: tzinfo | None) -> Path:
    """Write the file next to its place and move it there (a failed export leaves no half file)."""
    handle, temporary = tempfile.mkstemp(prefix=".inflow-", suffix=f".{fmt.value}", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            write_report(result, fmt, stream, zone)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


class ExportButtons(QObject):
    """Three buttons that save a result; ``result_provider`` says what is shown now.

    Signals:
        saved(str): a file was written (its path).
        failed(str): the sentence why it was not.
    """

    saved = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        tasks: TaskRunner,
        result_provider: Callable[[], ReportResult | None],
        zone: tzinfo | None,
        parent: QWidget,
        title_provider: Callable[[], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._result = result_provider
        self._title = title_provider
        self._zone = zone
        self._parent = parent
        self.busy = False
        self.buttons: dict[ReportFormat, QPushButton] = {}
        layout = QHBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for fmt in FORMATS:
            button = QPushButton(fmt.value.upper())
            button.setObjectName(f"export_{fmt.value}")
            button.setAutoDefault(False)  # Enter in a drill-down window must never start an export
            button.setToolTip(
                QCoreApplication.translate(CONTEXT, "Save what is shown as %1…").replace(
                    "%1", fmt.value.upper()
                )
            )
            button.clicked.connect(lambda _checked=False, fmt=fmt: self.export(fmt))
            layout.addWidget(button)
            self.buttons[fmt] = button
        self.row = layout
        self.update_enabled()

    def update_enabled(self) -> None:
        """Buttons are usable when there is something to save and no file is being written."""
        usable = self._result() is not None and not self.busy
        for button in self.buttons.values():
            button.setEnabled(usable)

    def ask_path(self, fmt: ReportFormat, title: str) -> Path | None:
        """Ask where to save (None: the user cancelled)."""
        start = str(Path.home() / suggested_name(title, fmt))
        chosen, _filter = QFileDialog.getSaveFileName(
            self._parent,
            QCoreApplication.translate(CONTEXT, "Save the report as %1").replace("%1", fmt.value.upper()),
            start,
            _FILTERS[fmt],
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == f".{fmt.value}" else path.with_name(f"{path.name}.{fmt.value}")

    def export(self, fmt: ReportFormat) -> None:
        """Ask for a path and save the shown result there (on a pool thread)."""
        result = self._result()
        if result is None or self.busy:
            return
        path = self.ask_path(fmt, self._title() if self._title is not None else result.title)
        if path is not None:
            self.export_to(fmt, path)

    def export_to(self, fmt: ReportFormat, path: Path) -> None:
        """Save the shown result to ``path`` (on a pool thread); ``saved`` or ``failed`` follows."""
        shown = self._result()
        if shown is None:
            return
        result = localized(shown, self._title() if self._title is not None else None)
        zone = self._zone

        def done(written: Path) -> None:
            if shiboken6.isValid(self):
                self.busy = False
                self.update_enabled()
                self.saved.emit(str(written))

        def failed(error: BaseException) -> None:
            if shiboken6.isValid(self):
                self.busy = False
                self.update_enabled()
                self.failed.emit(failure_sentence(error, "report export"))

        self.busy = True
        self.update_enabled()
        self._tasks.run(lambda: write_file(result, fmt, path, zone), done, failed)
