"""Signing in: the dialog, remember-me through keyring, --user, the single-user workstation, first run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.persistence.models import Lead, User
from app.persistence.uow import Database
from app.services.admin import create_user
from app.services.permissions import Actor
from app.services.settings import COMPANY_NAME, get_setting
from tests.conftest import MemoryKeyring
from tests.ui.shell_helpers import isolated_settings, offscreen_windows
from ui import application
from ui.app_settings import KNOWN_LOGINS, LAST_LOGIN, AppSettings
from ui.first_run import FirstRunDialog
from ui.sign_in import (
    KEYRING_SERVICE,
    SignInDialog,
    keyring_key,
    remember_password,
    remembered_password,
    secure_keyring_available,
)
from ui.tasks import TaskRunner

pytestmark = offscreen_windows

NO_KEYRING_TOOLTIP = "No secure keyring on this computer; the password is not stored."


@pytest.fixture
def tasks(qtbot: QtBot) -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait()


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return isolated_settings(tmp_path)


@pytest.fixture
def no_secure_keyring(memory_keyring: MemoryKeyring) -> Iterator[None]:
    """keyring's headless default: the "fail" backend."""
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(memory_keyring)


def add_user(db: Database, login: str, password: str = "secret", role: str = "manager") -> None:
    with db.uow() as uow:
        create_user(uow, Actor.system(), login, f"{login.title()} Testov", [role], password=password)


def _fail_if_shown(*_args: object) -> int:
    raise AssertionError("a dialog was shown although no prompt was expected")


# -------------------------------------------------------------------------------------- the dialog


def test_wrong_password_is_refused_with_a_sentence_and_the_right_one_accepted(
    db: Database, qtbot: QtBot, tasks: TaskRunner
) -> None:
    add_user(db, "anna")
    dialog = SignInDialog(db, tasks, login="anna")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password_edit, "wrong")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=5000)
    assert dialog.error_label.text() == "Wrong login or password."
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.password_edit.isEnabled()

    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, "secret")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.signed_in is not None
    assert dialog.signed_in.user.login == "anna"
    assert dialog.signed_in.actor.login == "anna"


def test_empty_fields_are_named(db: Database, qtbot: QtBot, tasks: TaskRunner) -> None:
    dialog = SignInDialog(db, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.sign_in_button.click()
    assert dialog.error_label.text() == "Enter your login."
    dialog.login_edit.setText("anna")
    dialog.sign_in_button.click()
    assert dialog.error_label.text() == "Enter your password."


def test_remember_me_is_disabled_without_a_secure_keyring(
    db: Database, qtbot: QtBot, tasks: TaskRunner, no_secure_keyring: None
) -> None:
    assert not secure_keyring_available()
    dialog = SignInDialog(db, tasks, login="anna")
    qtbot.addWidget(dialog)
    assert not dialog.remember_check.isEnabled()
    assert dialog.remember_check.toolTip() == NO_KEYRING_TOOLTIP
    assert not remember_password(db, "anna", "secret")  # and nothing is stored anywhere


def test_plaintext_keyrings_are_not_secure(memory_keyring: MemoryKeyring) -> None:
    from ui.sign_in import _is_secure_backend

    class Plaintext(MemoryKeyring):
        priority = 0.5  # keyrings.alt's plaintext file backend ranks itself so

    assert _is_secure_backend(memory_keyring)
    assert not _is_secure_backend(Plaintext())
    assert not _is_secure_backend(fail.Keyring())


def test_remember_me_stores_the_password_in_the_keyring_and_prefills_it(
    db: Database, qtbot: QtBot, tasks: TaskRunner, memory_keyring: MemoryKeyring
) -> None:
    add_user(db, "anna")
    dialog = SignInDialog(db, tasks, login="anna")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.remember_check.isEnabled()
    dialog.password_edit.setText("secret")
    dialog.remember_check.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.sign_in_button.click()
    assert memory_keyring.passwords == {(KEYRING_SERVICE, keyring_key(db, "anna")): "secret"}
    assert keyring_key(db, "anna") == f"{db.describe()}:anna"

    again = SignInDialog(db, tasks, login="anna")
    qtbot.addWidget(again)
    assert again.password_edit.text() == "secret"
    assert again.remember_check.isChecked()

    # Signing in without the tick forgets it.
    again.remember_check.setChecked(False)
    with qtbot.waitSignal(again.accepted, timeout=5000):
        again.sign_in_button.click()
    assert remembered_password(db, "anna") is None


# ------------------------------------------------------------------------------- without a prompt


def test_user_option_with_inflow_password_signs_in_without_a_dialog(
    db: Database, tasks: TaskRunner, settings: AppSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(db, "anna")
    add_user(db, "boris")
    monkeypatch.setenv("INFLOW_PASSWORD", "secret")
    monkeypatch.setattr(SignInDialog, "exec", _fail_if_shown)
    signed_in = application._sign_in(db, tasks, settings, "boris")
    assert signed_in is not None and signed_in.user.login == "boris"
    assert settings.get(LAST_LOGIN) == "boris"
    assert settings.get(KNOWN_LOGINS) == ["boris"]


def test_user_option_with_a_remembered_password_signs_in_without_a_dialog(
    db: Database, tasks: TaskRunner, settings: AppSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(db, "anna")
    add_user(db, "boris")
    monkeypatch.delenv("INFLOW_PASSWORD", raising=False)
    assert remember_password(db, "anna", "secret")
    monkeypatch.setattr(SignInDialog, "exec", _fail_if_shown)
    signed_in = application._sign_in(db, tasks, settings, "anna")
    assert signed_in is not None and signed_in.user.login == "anna"


def test_user_option_with_a_wrong_password_falls_back_to_the_dialog_with_the_reason(
    db: Database, tasks: TaskRunner, settings: AppSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(db, "anna")
    monkeypatch.setenv("INFLOW_PASSWORD", "wrong")
    shown: list[tuple[str, str]] = []

    def fake_exec(dialog: SignInDialog) -> int:
        shown.append((dialog.login_edit.text(), dialog.error_label.text()))
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(SignInDialog, "exec", fake_exec)
    assert application._sign_in(db, tasks, settings, "anna") is None
    assert shown == [("anna", "Signing in as anna failed: Wrong login or password.")]


def test_the_single_user_of_a_workstation_skips_the_prompt_when_remembered(
    db: Database, tasks: TaskRunner, settings: AppSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(db, "anna")
    monkeypatch.delenv("INFLOW_PASSWORD", raising=False)
    assert remember_password(db, "anna", "secret")
    monkeypatch.setattr(SignInDialog, "exec", _fail_if_shown)
    signed_in = application._sign_in(db, tasks, settings, None)
    assert signed_in is not None and signed_in.user.login == "anna"

    # A second user in the database: this workstation still has one user (anna signed in here).
    add_user(db, "boris")
    signed_in = application._sign_in(db, tasks, settings, None)
    assert signed_in is not None and signed_in.user.login == "anna"


def test_a_shared_workstation_prompts_with_the_last_login(
    db: Database, tasks: TaskRunner, settings: AppSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(db, "anna")
    add_user(db, "boris")
    monkeypatch.delenv("INFLOW_PASSWORD", raising=False)
    settings.set(KNOWN_LOGINS, ["anna", "boris"])
    settings.set(LAST_LOGIN, "boris")
    assert remember_password(db, "boris", "secret")
    shown: list[tuple[str, str]] = []

    def fake_exec(dialog: SignInDialog) -> int:
        shown.append((dialog.login_edit.text(), dialog.password_edit.text()))
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(SignInDialog, "exec", fake_exec)
    assert application._sign_in(db, tasks, settings, None) is None
    assert shown == [("boris", "secret")]  # prefilled: Enter signs in, but a colleague may change it


def test_without_a_remembered_password_the_single_user_is_asked(
    db: Database, tasks: TaskRunner, settings: AppSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(db, "anna")
    monkeypatch.delenv("INFLOW_PASSWORD", raising=False)
    shown: list[str] = []

    def fake_exec(dialog: SignInDialog) -> int:
        shown.append(dialog.login_edit.text())
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(SignInDialog, "exec", fake_exec)
    assert application._sign_in(db, tasks, settings, None) is None
    assert shown == ["anna"]


# -------------------------------------------------------------------------------------- first run


def test_first_run_creates_the_administrator_and_no_demo_data(
    db: Database, qtbot: QtBot, tasks: TaskRunner
) -> None:
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0
    dialog = FirstRunDialog(db, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.company_edit.setText("ООО «Окна Комфорт»")  # QTest types ASCII only
    dialog.login_edit.setText("boss")
    dialog.name_edit.setText("Смирнов Алексей Петрович")
    qtbot.keyClicks(dialog.password_edit, "s3cret")
    qtbot.keyClicks(dialog.repeat_edit, "s3cret")
    assert not dialog.demo_check.isChecked()
    with qtbot.waitSignal(dialog.accepted, timeout=15_000):
        dialog.set_up_button.click()
    assert dialog.signed_in is not None
    assert dialog.signed_in.user.login == "boss"
    assert dialog.signed_in.user.role_codes == ("admin",)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Lead)) == 0
        assert list(session.scalars(select(User.login))) == ["boss"]
        assert get_setting(session, COMPANY_NAME) == "ООО «Окна Комфорт»"
    from app.services.auth import authenticate

    with db.session() as session:
        assert authenticate(session, "boss", "s3cret").login == "boss"


def test_first_run_says_what_is_missing_next_to_the_fields(
    db: Database, qtbot: QtBot, tasks: TaskRunner
) -> None:
    dialog = FirstRunDialog(db, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.login_edit.clear()
    dialog.password_edit.setText("one")
    dialog.repeat_edit.setText("two")
    dialog.set_up_button.click()
    assert dialog.company_error.text() == "Give the company's name."
    assert dialog.login_error.text() == "Give the administrator's login."
    assert dialog.name_error.text() == "Give the administrator's full name."
    assert dialog.password_error.text() == "The two passwords differ."
    assert dialog.isVisible() and dialog.signed_in is None
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_first_run_is_shown_only_for_an_empty_users_table(
    db: Database, tasks: TaskRunner, settings: AppSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    def first_run_exec(_dialog: FirstRunDialog) -> int:
        shown.append("first run")
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(FirstRunDialog, "exec", first_run_exec)
    monkeypatch.setenv("INFLOW_PASSWORD", "secret")
    assert application._sign_in(db, tasks, settings, "admin") is None
    assert shown == ["first run"]
    add_user(db, "admin", role="admin")  # what `inflow user add` does
    signed_in = application._sign_in(db, tasks, settings, "admin")
    assert signed_in is not None and shown == ["first run"]


def test_first_run_with_demo_data_keeps_the_given_administrator(
    db: Database, qtbot: QtBot, tasks: TaskRunner
) -> None:
    dialog = FirstRunDialog(db, tasks, demo_leads=40)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.company_edit.setText("Окна Комфорт")
    dialog.name_edit.setText("Петров Пётр")  # the login stays "admin", which the demo staff has too
    dialog.password_edit.setText("own-password")
    dialog.repeat_edit.setText("own-password")
    dialog.demo_check.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=120_000):
        dialog.set_up_button.click()
    assert dialog.result_of_setup is not None and dialog.result_of_setup.demo_leads == 40
    assert dialog.signed_in is not None and dialog.signed_in.user.full_name == "Петров Пётр"
    from app.services.auth import authenticate

    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Lead)) == 40
        assert authenticate(session, "admin", "own-password").login == "admin"
        assert authenticate(session, "dispatcher", "demo").login == "dispatcher"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("127.0.0.1:5070", "127.0.0.1:5070"), (" 0.0.0.0:5060 ", "0.0.0.0:5060"), ("[::1]:5070", "[::1]:5070")],
)
def test_sip_listen_addresses_are_accepted(given: str, expected: str) -> None:
    assert application.check_sip_listen(given) == expected


@pytest.mark.parametrize("given", ["5070", "host:", "host:0", "host:70000", "::1:5070", ":5070"])
def test_bad_sip_listen_is_bad_usage(given: str, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    with pytest.raises(ValueError):
        application.check_sip_listen(given)
    assert application.main(argparse.Namespace(database=None, user=None, sip_listen=given)) == 2
    assert capsys.readouterr().err.startswith("inflow: error: --sip-listen: ")
