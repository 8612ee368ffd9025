"""First-run set-up of an empty database: the company, the administrator, optional demo data.

Shown when the users table is empty (a database prepared with ``inflow user add`` skips it). The
set-up runs on the write pool with a progress dialog — demo data takes a while — and is one
transaction (``app.services.setup.initial_setup``): cancelled or failed, nothing is left behind.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import InflowError
from app.persistence.uow import Database
from app.services.setup import DEFAULT_DEMO_LEADS, SetupInput, SetupResult
from ui.icons import icon
from ui.sign_in import SignedIn, remember_password, secure_keyring_available
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)

_ERROR_STYLE = "color: #d93d3d;"


class _Progress(QObject):
    """Carries the generator's progress lines from the pool thread to the GUI thread (queued)."""

    said = Signal(str)


class FirstRunDialog(QDialog):
    """Company name, the administrator's login, name and password (twice), "Fill with demo data".

    After ``exec()`` returns Accepted, :attr:`signed_in` is the new administrator, signed in.
    """

    def __init__(
        self,
        db: Database,
        tasks: TaskRunner,
        parent: QWidget | None = None,
        *,
        demo_leads: int = DEFAULT_DEMO_LEADS,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._tasks = tasks
        self._demo_leads = demo_leads
        self._busy = False
        self._progress_dialog: QProgressDialog | None = None
        self.signed_in: SignedIn | None = None
        self.result_of_setup: SetupResult | None = None
        self.setWindowTitle(self.tr("Set up Inflow"))
        self.setWindowIcon(icon("inflow"))
        self.setMinimumWidth(460)

        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Welcome to Inflow"), self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        intro = QLabel(
            self.tr(
                "This database is new. Name your company and create the administrator's account; "
                "the administrator then adds colleagues, channels and catalogs in Settings."
            ),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        where = QLabel(self.tr("Database: %1").replace("%1", db.describe()), self)
        where.setWordWrap(True)
        where.setEnabled(False)
        layout.addWidget(where)

        company_box = QGroupBox(self.tr("Company"), self)
        company_form = QFormLayout(company_box)
        self.company_edit = QLineEdit(company_box)
        self.company_edit.setObjectName("company")
        self.company_edit.setPlaceholderText(self.tr("e.g. Okna Komfort LLC"))
        self.company_error = self._error_label(company_box)
        company_form.addRow(self.tr("&Name:"), self.company_edit)
        company_form.addRow("", self.company_error)
        layout.addWidget(company_box)

        admin_box = QGroupBox(self.tr("Administrator"), self)
        admin_form = QFormLayout(admin_box)
        self.login_edit = QLineEdit("admin", admin_box)
        self.login_edit.setObjectName("login")
        self.login_error = self._error_label(admin_box)
        self.name_edit = QLineEdit(admin_box)
        self.name_edit.setObjectName("full_name")
        self.name_edit.setPlaceholderText(self.tr("Surname First name Patronymic"))
        self.name_error = self._error_label(admin_box)
        self.password_edit = QLineEdit(admin_box)
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit = QLineEdit(admin_box)
        self.repeat_edit.setObjectName("repeat")
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_error = self._error_label(admin_box)
        admin_form.addRow(self.tr("&Login:"), self.login_edit)
        admin_form.addRow("", self.login_error)
        admin_form.addRow(self.tr("Full &name:"), self.name_edit)
        admin_form.addRow("", self.name_error)
        admin_form.addRow(self.tr("&Password:"), self.password_edit)
        admin_form.addRow(self.tr("&Repeat password:"), self.repeat_edit)
        admin_form.addRow("", self.password_error)
        self.remember_check = QCheckBox(self.tr("Re&member the password on this computer"), admin_box)
        if not secure_keyring_available():
            self.remember_check.setEnabled(False)
            self.remember_check.setToolTip(
                self.tr("No secure keyring on this computer; the password is not stored.")
            )
        admin_form.addRow("", self.remember_check)
        layout.addWidget(admin_box)

        self.demo_check = QCheckBox(self.tr("Fill with &demo data"), self)
        self.demo_check.setObjectName("demo")
        layout.addWidget(self.demo_check)
        demo_note = QLabel(
            self.tr(
                "About %1 realistic leads with clients, staff and channels, to try Inflow out. "
                "The demo staff sign in with the password “demo”."
            ).replace("%1", f"{demo_leads:,}".replace(",", "\u00a0")),
            self,
        )
        demo_note.setWordWrap(True)
        demo_note.setEnabled(False)
        layout.addWidget(demo_note)

        self.error_label = self._error_label(self)
        layout.addWidget(self.error_label)

        self.buttons = QDialogButtonBox(self)
        self.set_up_button = self.buttons.addButton(
            self.tr("&Set up"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.set_up_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.company_edit.setFocus()

    @staticmethod
    def _error_label(parent: QWidget) -> QLabel:
        label = QLabel(parent)
        label.setWordWrap(True)
        label.setStyleSheet(_ERROR_STYLE)
        label.setVisible(False)
        return label

    @staticmethod
    def _say(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    # -- validation ---------------------------------------------------------------------------

    def validate(self) -> bool:
        """Check the fields and say what is wrong next to each; True when all are fine."""
        checks = (
            (
                self.company_error,
                self.company_edit,
                self.tr("Give the company's name.") if not self.company_edit.text().strip() else "",
            ),
            (
                self.login_error,
                self.login_edit,
                self.tr("Give the administrator's login.") if not self.login_edit.text().strip() else "",
            ),
            (
                self.name_error,
                self.name_edit,
                self.tr("Give the administrator's full name.") if not self.name_edit.text().strip() else "",
            ),
            (self.password_error, self.password_edit, self._password_problem()),
        )
        first_bad: QLineEdit | None = None
        for label, edit, problem in checks:
            self._say(label, problem)
            if problem and first_bad is None:
                first_bad = edit
        if first_bad is not None:
            first_bad.setFocus()
            return False
        return True

    def _password_problem(self) -> str:
        password = self.password_edit.text()
        if not password:
            return self.tr("Choose a password.")
        if password != self.repeat_edit.text():
            return self.tr("The two passwords differ.")
        return ""

    # -- running the set-up -------------------------------------------------------------------

    def _on_buttons_accepted(self) -> None:
        if self._busy or not self.validate():
            return
        self._say(self.error_label, "")
        data = SetupInput(
            company_name=self.company_edit.text(),
            login=self.login_edit.text(),
            full_name=self.name_edit.text(),
            password=self.password_edit.text(),
            demo=self.demo_check.isChecked(),
            demo_leads=self._demo_leads,
        )
        remember = self.remember_check.isChecked() and self.remember_check.isEnabled()
        self._set_busy(True)
        progress = _Progress(self)
        dialog = QProgressDialog(self.tr("Setting up…"), "", 0, 0, self)
        dialog.setWindowTitle(self.tr("Set up Inflow"))
        dialog.setCancelButton(None)  # one transaction: it finishes or fails, it is not cut off
        dialog.setMinimumDuration(0)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        progress.said.connect(self._on_progress_said)
        self._progress_dialog = dialog
        dialog.show()
        db = self._db

        def work() -> SetupResult:
            from app.services.setup import initial_setup

            with db.uow() as uow:
                return initial_setup(uow, data, progress.said.emit)

        self._tasks.run(
            work,
            lambda result: self._on_set_up(result, data.password, remember),
            self._on_failed,
            write=True,
        )

    def _on_progress_said(self, step: str) -> None:
        if self._progress_dialog is not None:
            self._progress_dialog.setLabelText(self.tr("Creating demo data: %1…").replace("%1", step))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (
            self.company_edit,
            self.login_edit,
            self.name_edit,
            self.password_edit,
            self.repeat_edit,
            self.demo_check,
            self.set_up_button,
        ):
            widget.setEnabled(not busy)

    def _close_progress(self) -> None:
        if self._progress_dialog is not None:
            self._progress_dialog.reset()
            self._progress_dialog.hide()
            self._progress_dialog.deleteLater()
            self._progress_dialog = None

    def _on_set_up(self, result: SetupResult, password: str, remember: bool) -> None:
        self._close_progress()
        self._set_busy(False)
        if remember:
            remember_password(self._db, result.user.login, password)
        self.result_of_setup = result
        self.signed_in = SignedIn(actor=result.actor, user=result.user)
        self.accept()

    def _on_failed(self, error: BaseException) -> None:
        self._close_progress()
        self._set_busy(False)
        if isinstance(error, InflowError):
            self._say(self.error_label, str(error))
        else:
            log.error("first-run set-up failed", exc_info=error)
            self._say(self.error_label, self.tr("The set-up failed: %1").replace("%1", str(error)))

    def reject(self) -> None:
        """Cancel (not while the set-up runs)."""
        if not self._busy:
            super().reject()
