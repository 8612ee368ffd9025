"""Signing in: the dialog, "remember me" through the operating system's keyring, and the rules for
signing in without a prompt (docs/DECISIONS.md, "Desktop client").

The remembered password lives only in a *secure* keyring (Secret Service, macOS Keychain, Windows
Credential Locker) under service :data:`KEYRING_SERVICE` and the key ``"<database>:<login>"``. With
no secure keyring (a headless machine, or only the plaintext ``keyrings.alt`` backend) the
checkbox is disabled and says why: the password is never stored in a file.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import InflowError
from app.persistence.uow import Database
from app.services.auth import WRONG_CREDENTIALS
from app.services.dto import UserDTO
from app.services.permissions import Actor
from ui.app_settings import KNOWN_LOGINS, LAST_LOGIN, AppSettings
from ui.icons import icon
from ui.tasks import TaskRunner

log = logging.getLogger(__name__)

KEYRING_SERVICE = "inflow"
ENV_PASSWORD = "INFLOW_PASSWORD"


# ---------------------------------------------------------------------------------------- keyring


def _is_secure_backend(backend: Any) -> bool:
    from keyring.backends import fail

    chain = getattr(backend, "backends", None)
    if chain is not None and not isinstance(backend, fail.Keyring):
        # keyring's ChainerBackend writes to its first (highest-priority) backend.
        members = list(chain)
        return bool(members) and _is_secure_backend(members[0])
    if isinstance(backend, fail.Keyring):
        return False
    module = type(backend).__module__
    if module.startswith("keyrings.alt") or module == "keyring.backends.null":
        return False
    try:
        priority = float(backend.priority)
    except Exception:  # a backend whose priority check itself fails is not usable
        return False
    return priority >= 1


def secure_keyring_available() -> bool:
    """Whether the keyring in use keeps secrets safely (not a plaintext file, not the "fail" stub)."""
    try:
        import keyring

        return _is_secure_backend(keyring.get_keyring())
    except Exception:  # no backend at all, a broken D-Bus, …: treat as "no secure keyring"
        log.debug("keyring unavailable", exc_info=True)
        return False


def keyring_key(db: Database, login: str) -> str:
    """The keyring user name of a remembered password: the database and the login."""
    return f"{db.describe()}:{login.strip()}"


def remembered_password(db: Database, login: str) -> str | None:
    """The password remembered for this login on this database, if a secure keyring holds one."""
    if not login.strip() or not secure_keyring_available():
        return None
    try:
        import keyring

        value = keyring.get_password(KEYRING_SERVICE, keyring_key(db, login))
    except Exception:
        log.debug("reading the keyring failed", exc_info=True)
        return None
    return value if isinstance(value, str) and value else None


def remember_password(db: Database, login: str, password: str) -> bool:
    """Store the password in the secure keyring; False (and nothing stored) when there is none."""
    if not secure_keyring_available():
        return False
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, keyring_key(db, login), password)
    except Exception:
        log.warning("storing the password in the keyring failed", exc_info=True)
        return False
    return True


def forget_password(db: Database, login: str) -> None:
    """Remove a remembered password (no error when there is none)."""
    if not secure_keyring_available():
        return
    try:
        import keyring
        from keyring.errors import PasswordDeleteError

        with contextlib.suppress(PasswordDeleteError):
            keyring.delete_password(KEYRING_SERVICE, keyring_key(db, login))
    except Exception:
        log.debug("removing a password from the keyring failed", exc_info=True)


# ---------------------------------------------------------------------------------------- sign-in


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who is signed in: the actor services act for, and the user as the window shows them."""

    actor: Actor
    user: UserDTO


def sign_in(db: Database, login: str, password: str) -> SignedIn:
    """Check the password (a standard KDF; slow on purpose, so off the GUI thread once a window is up)."""
    from app.services.admin import get_user_by_login
    from app.services.auth import authenticate

    with db.session() as session:
        actor = authenticate(session, login, password)
        user = get_user_by_login(session, actor.login)
    return SignedIn(actor=actor, user=user)


def active_logins(db: Database) -> list[str]:
    """Logins of the active users (a short query; the user list of a desk is small)."""
    from app.services.catalogs import users

    with db.session() as session:
        return [user.login for user in users(session)]


def workstation_user(db: Database, settings: AppSettings) -> str | None:
    """The one user of this workstation, if there is exactly one.

    The users of a workstation are the active users who have signed in on it before; on a
    workstation nobody has signed in on yet, the active users of the database.
    """
    logins = active_logins(db)
    known = [login for login in settings.get(KNOWN_LOGINS) if login in logins]
    candidates = known or logins
    return candidates[0] if len(candidates) == 1 else None


def record_sign_in(settings: AppSettings, login: str) -> None:
    """Remember the login as this workstation's last (and one of its users)."""
    settings.set(LAST_LOGIN, login)
    known = settings.get(KNOWN_LOGINS)
    if login not in known:
        settings.set(KNOWN_LOGINS, [*known, login])


class SignInDialog(QDialog):
    """Login, password and "Remember me"; the password is checked off the GUI thread.

    After ``exec()`` returns Accepted, :attr:`signed_in` holds the result.
    """

    def __init__(
        self,
        db: Database,
        tasks: TaskRunner,
        login: str = "",
        message: str = "",
        known_logins: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._tasks = tasks
        self._busy = False
        self.signed_in: SignedIn | None = None
        self.setWindowTitle(self.tr("Sign in to Inflow"))
        self.setWindowIcon(icon("inflow"))
        self.setMinimumWidth(440)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        logo = QLabel(self)
        logo.setPixmap(icon("inflow").pixmap(QSize(40, 40)))
        top.addWidget(logo)
        heading = QLabel(self.tr("Sign in to Inflow"), self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        top.addWidget(heading, 1)
        layout.addLayout(top)
        self.database_label = QLabel(self.tr("Database: %1").replace("%1", db.describe()), self)
        self.database_label.setWordWrap(True)
        self.database_label.setEnabled(False)  # secondary text, in the palette's muted colour
        layout.addWidget(self.database_label)

        form = QFormLayout()
        self.login_edit = QLineEdit(login, self)
        self.login_edit.setObjectName("login")
        self.login_edit.setAccessibleName(self.tr("Login"))
        if known_logins:
            from PySide6.QtWidgets import QCompleter

            completer = QCompleter(list(known_logins), self.login_edit)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.login_edit.setCompleter(completer)
        form.addRow(self.tr("&Login:"), self.login_edit)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(self.tr("Password"))
        form.addRow(self.tr("&Password:"), self.password_edit)
        layout.addLayout(form)

        self.remember_check = QCheckBox(self.tr("&Remember me on this computer"), self)
        self.keyring_secure = secure_keyring_available()
        if not self.keyring_secure:
            self.remember_check.setEnabled(False)
            self.remember_check.setToolTip(
                self.tr("No secure keyring on this computer; the password is not stored.")
            )
        layout.addWidget(self.remember_check)

        self.error_label = QLabel(message, self)
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #d93d3d;")  # readable on light and dark palettes
        self.error_label.setVisible(bool(message))
        layout.addWidget(self.error_label)

        self.buttons = QDialogButtonBox(self)
        self.sign_in_button = self.buttons.addButton(
            self.tr("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.sign_in_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.login_edit.editingFinished.connect(self._on_login_edit_editing_finished)
        self._prefill_password()
        (self.password_edit if login else self.login_edit).setFocus()

    # -- remembered passwords ----------------------------------------------------------------

    def _prefill_password(self) -> None:
        login = self.login_edit.text().strip()
        if not login or not self.keyring_secure:
            return
        password = remembered_password(self._db, login)
        if password is not None:
            self.password_edit.setText(password)
            self.remember_check.setChecked(True)

    def _on_login_edit_editing_finished(self) -> None:
        if not self.password_edit.text():
            self._prefill_password()

    # -- signing in -------------------------------------------------------------------------

    def show_error(self, text: str) -> None:
        """Show a sentence under the fields."""
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.login_edit, self.password_edit, self.sign_in_button):
            widget.setEnabled(not busy)
        self.remember_check.setEnabled(not busy and self.keyring_secure)
        if busy:
            self.show_error("")
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def _on_buttons_accepted(self) -> None:
        if self._busy:
            return
        login = self.login_edit.text().strip()
        password = self.password_edit.text()
        if not login:
            self.show_error(self.tr("Enter your login."))
            self.login_edit.setFocus()
            return
        if not password:
            self.show_error(self.tr("Enter your password."))
            self.password_edit.setFocus()
            return
        self._set_busy(True)
        remember = self.remember_check.isChecked() and self.keyring_secure
        db = self._db
        self._tasks.run(
            lambda: sign_in(db, login, password),
            lambda result: self._on_signed_in(result, login, password, remember),
            self._on_sign_in_failed,
        )

    def _on_signed_in(self, result: SignedIn, login: str, password: str, remember: bool) -> None:
        self._set_busy(False)
        if remember:
            if not remember_password(self._db, login, password):
                log.info("the password could not be remembered")
        else:
            forget_password(self._db, login)
        self.signed_in = result
        self.accept()

    def _on_sign_in_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, InflowError):
            text = str(error)
            self.show_error(self.tr("Wrong login or password.") if text == WRONG_CREDENTIALS else text)
        else:
            log.error("sign-in failed unexpectedly", exc_info=error)
            self.show_error(
                self.tr("Signing in failed: %1").replace("%1", str(error) or type(error).__name__)
            )
        self.password_edit.selectAll()
        self.password_edit.setFocus()

    def reject(self) -> None:
        """Cancel (not while a check runs: its answer would arrive at a closed dialog)."""
        if not self._busy:
            super().reject()
