"""The Settings workspace on real widgets, as an administrator, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain.enums import DistributionRule
from app.persistence.models import (
    Channel,
    ChannelNumber,
    Exclusion,
    RejectionReason,
    Setting,
    Stage,
    User,
    ZoneRule,
)
from app.persistence.uow import open_database
from app.services import configuration as conf
from app.services.auth import verify_password
from app.services.permissions import Actor
from tests.conftest import MemoryKeyring
from tests.factories import default_pipeline, make_channel, make_user, role
from tests.ui.conftest import make_context
from ui.context import AppContext
from ui.settings import SettingsWorkspace
from ui.settings.catalog_dialogs import ExclusionDialog, StageDialog, UserDialog
from ui.settings.channel_dialog import ChannelDialog, ZoneRuleDialog
from ui.settings.form_dialog import FormDialog

TIMEOUT = 5000

# The offscreen platform plugin (tests) cannot resize windows by size hints and says so.
pytestmark = pytest.mark.qt_log_ignore(r"^This plugin does not support (propagateSizeHints|raise)\(\)$")


def open_workspace(context: AppContext, qtbot: QtBot, settings_path: Path) -> SettingsWorkspace:
    workspace = SettingsWorkspace(context, settings=QSettings(str(settings_path), QSettings.Format.IniFormat))
    qtbot.addWidget(workspace)
    workspace.resize(1280, 800)
    with qtbot.waitSignal(workspace.refreshed, timeout=TIMEOUT):
        workspace.show()
    return workspace


@pytest.fixture
def workspace(app_context: AppContext, qtbot: QtBot, tmp_path: Path) -> Iterator[SettingsWorkspace]:
    """The Settings workspace of the administrator, loaded."""
    yield open_workspace(app_context, qtbot, tmp_path / "inflow.ini")
    app_context.tasks.wait()


def save(qtbot: QtBot, dialog: FormDialog) -> None:
    """Press Save and wait until the dialog's work was committed."""
    with qtbot.waitSignal(dialog.saved, timeout=TIMEOUT):
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
        )


def save_refused(qtbot: QtBot, dialog: FormDialog, field: str | None) -> str:
    """Press Save, wait for the refusal and return the sentence shown for ``field``."""
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and bool(dialog.error_text(field)), timeout=TIMEOUT)
    assert dialog.isVisible()
    return dialog.error_text(field)


def type_in(edit: QLineEdit, text: str) -> None:
    """Type text into a line edit (QTest's key clicks know ASCII only, and the data is Russian)."""
    edit.setFocus()
    edit.insert(text)


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def choose(combo: object, data: object) -> None:
    index = combo.findData(data)  # type: ignore[attr-defined]
    assert index >= 0, data
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]


def stored_channel(context: AppContext, name: str) -> Channel:
    with context.db.session() as session:
        channel = session.scalars(select(Channel).where(Channel.name == name)).one()
        session.expunge_all()
        return channel


# ----------------------------------------------------------------------------------- channels


def test_add_a_channel_through_the_dialog(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    context = workspace.context
    page = workspace.channels
    click(qtbot, page.new_button)
    dialog = workspace.dialog
    assert isinstance(dialog, ChannelDialog)
    choose(dialog.kind, "call")
    assert not dialog.call_group.isHidden() and dialog.mail_group.isHidden()
    type_in(dialog.name, "Линия отдела продаж")
    dialog.sla.setValue(20)
    type_in(dialog.ad_source, "Яндекс.Директ")
    choose(dialog.rule, DistributionRule.FIXED.value)
    choose(dialog.responsible_user, context.user.id)
    dialog.own_numbers.setPlainText("8 (495) 123-00-00\n+7 495 123 00 01")
    qtbot.keyClicks(dialog.internal_pattern, r"^\+7495123")
    save(qtbot, dialog)

    qtbot.waitUntil(
        lambda: page.model.row_of(stored_channel(context, "Линия отдела продаж").id) >= 0, timeout=TIMEOUT
    )
    channel = stored_channel(context, "Линия отдела продаж")
    assert (
        channel.kind == "call" and channel.rule == "fixed" and channel.responsible_user_id == context.user.id
    )
    assert channel.sla_minutes == 20 and channel.ad_source == "Яндекс.Директ"
    assert channel.internal_pattern == r"^\+7495123"
    with context.db.session() as session:
        numbers = sorted(
            session.scalars(select(ChannelNumber.number).where(ChannelNumber.channel_id == channel.id))
        )
    assert numbers == ["+74951230000", "+74951230001"]
    # The new channel is selected in the list.
    assert page.selected().id == channel.id


def test_a_refusal_is_shown_next_to_its_field(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    page = workspace.channels
    click(qtbot, page.new_button)
    dialog = workspace.dialog
    assert isinstance(dialog, ChannelDialog)
    assert save_refused(qtbot, dialog, "name") == "A channel needs a name."
    assert dialog.tabs.currentIndex() == 0

    type_in(dialog.name, "Сайт")
    choose(dialog.rule, DistributionRule.FIXED.value)
    assert save_refused(qtbot, dialog, "responsible_user") == "The fixed rule needs a responsible user."
    assert dialog.tabs.currentWidget().isAncestorOf(dialog.responsible_user)
    assert not dialog.error_text("name")
    with workspace.context.db.session() as session:
        assert session.scalar(select(Channel.id).where(Channel.name == "Сайт")) is None
    dialog.reject()


def test_edit_a_channels_rule_responsible_and_reason_flag(
    app_context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    db = app_context.db
    with db.uow() as uow:
        manager = make_user(uow.session, full_name="Петров Пётр", roles=("manager",))
        channel = make_channel(uow.session, "Входящие звонки", kind="call", rule="fixed", user=manager)
        manager_role = role(uow.session, "manager").id
    workspace = open_workspace(app_context, qtbot, tmp_path / "inflow.ini")
    page = workspace.channels
    assert page.select_key(channel.id)
    qtbot.keyClick(page.view, Qt.Key.Key_Return)  # Enter edits the selected row
    dialog = workspace.dialog
    assert isinstance(dialog, ChannelDialog)
    assert dialog.responsible_user.currentData() == manager.id
    assert not dialog.reason_required.isChecked()
    choose(dialog.rule, DistributionRule.ROUND_ROBIN.value)
    choose(dialog.responsible_role, manager_role)
    choose(dialog.responsible_user, None)
    dialog.reason_required.setFocus()
    qtbot.keyClick(dialog.reason_required, Qt.Key.Key_Space)  # from the keyboard
    assert dialog.reason_required.isChecked()
    save(qtbot, dialog)

    stored = stored_channel(app_context, "Входящие звонки")
    assert (stored.rule, stored.responsible_role_id, stored.responsible_user_id) == (
        "round-robin",
        manager_role,
        None,
    )
    assert stored.reason_required is True
    qtbot.waitUntil(lambda: page.model.item(page.model.row_of(channel.id)).reason_required, timeout=TIMEOUT)

    # Reopened, the dialog shows what was saved; switching the flag off persists too.
    assert page.select_key(channel.id)
    click(qtbot, page.edit_button)
    again = workspace.dialog
    assert isinstance(again, ChannelDialog) and again is not dialog
    assert again.reason_required.isChecked()
    assert again.rule.currentData() == DistributionRule.ROUND_ROBIN.value
    again.reason_required.setChecked(False)
    save(qtbot, again)
    assert stored_channel(app_context, "Входящие звонки").reason_required is False
    app_context.tasks.wait()


def test_zone_rules_are_edited_in_the_channel_dialog(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    context = workspace.context
    with context.db.uow() as uow:
        channel = make_channel(
            uow.session, "Заявки с сайта", kind="request", rule="pool", role=role(uow.session, "manager")
        )
        moscow = make_user(uow.session, full_name="Москва Менеджер", roles=("manager",))
    page = workspace.channels
    # Made by "another desk": the live update brings the channel and the user.
    qtbot.waitUntil(lambda: page.model.row_of(channel.id) >= 0, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: any(a.user.id == moscow.id for a in workspace.snapshot.users), timeout=TIMEOUT)
    page.select_key(channel.id)
    click(qtbot, page.edit_button)
    dialog = workspace.dialog
    assert isinstance(dialog, ChannelDialog)
    choose(dialog.rule, DistributionRule.ZONE.value)
    assert not dialog.zone_group.isHidden()

    click(qtbot, dialog.zone_add)
    zone = dialog.zone_dialog
    assert isinstance(zone, ZoneRuleDialog)
    choose(zone.field, "phone_prefix")
    qtbot.keyClicks(zone.value, "8 (495)")
    zone.accept()  # no user chosen yet: refused in words, the dialog stays
    assert "Choose who gets the leads" in zone.error.text()
    zone.close()

    click(qtbot, dialog.zone_add)
    zone = dialog.zone_dialog
    choose(zone.field, "phone_prefix")
    qtbot.keyClicks(zone.value, "8 (495)")
    choose(zone.user, moscow.id)
    zone.accept()
    assert dialog.zone_model.rowCount() == 1
    save(qtbot, dialog)
    with context.db.session() as session:
        rules = session.scalars(select(ZoneRule).where(ZoneRule.channel_id == channel.id)).all()
        assert [(r.field, r.value, r.responsible_user_id) for r in rules] == [
            ("phone_prefix", "+7495", moscow.id)
        ]
        assert session.get_one(Channel, channel.id).rule == "zone"


# ------------------------------------------------------------------------------------ secrets


def _add_mailbox(workspace: SettingsWorkspace, qtbot: QtBot, name: str, password: str) -> ChannelDialog:
    context = workspace.context
    click(qtbot, workspace.channels.new_button)
    dialog = workspace.dialog
    assert isinstance(dialog, ChannelDialog)
    choose(dialog.kind, "email")
    assert not dialog.mail_group.isHidden()
    type_in(dialog.name, name)
    with context.db.session() as session:
        choose(dialog.responsible_role, role(session, "dispatcher").id)
    qtbot.keyClicks(dialog.imap, "imap.yandex.ru")
    qtbot.keyClicks(dialog.smtp, "smtp.yandex.ru:587")
    choose(dialog.security, "starttls")
    qtbot.keyClicks(dialog.mail_login, "info@firma.ru")
    type_in(dialog.mail_password, password)
    return dialog


def test_a_mailbox_password_goes_to_the_keyring_not_the_database(
    workspace: SettingsWorkspace, qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    secret = "пароль-от-ящика-42"
    dialog = _add_mailbox(workspace, qtbot, "info@firma.ru", secret)
    save(qtbot, dialog)
    channel = stored_channel(workspace.context, "info@firma.ru")
    with workspace.context.db.session() as session:
        installation = session.scalar(select(Setting.value).where(Setting.key == "installation_id"))
    # Keyed by the database's identity too: another database's channel 1 is another mailbox.
    assert installation
    assert memory_keyring.passwords == {
        ("inflow-channel", f"mail-password:{installation}:{channel.id}"): secret
    }
    with workspace.context.db.session() as session:
        everything = json.dumps([c.settings for c in session.scalars(select(Channel))], ensure_ascii=False)
    assert secret not in everything
    assert channel.settings["imap_port"] == 143 and channel.settings["smtp_port"] == 587

    qtbot.waitUntil(lambda: workspace.channels.model.row_of(channel.id) >= 0, timeout=TIMEOUT)
    workspace.channels.select_key(channel.id)
    click(qtbot, workspace.channels.edit_button)
    again = workspace.dialog
    assert isinstance(again, ChannelDialog)
    qtbot.waitUntil(lambda: "Stored in the keyring" in again.mail_password_state.text(), timeout=TIMEOUT)
    assert again.mail_password.text() == ""
    assert again.imap.text() == "imap.yandex.ru:143"
    again.reject()


def test_a_mailbox_keeps_its_folders_address_and_signature(
    workspace: SettingsWorkspace, qtbot: QtBot
) -> None:
    dialog = _add_mailbox(workspace, qtbot, "zayavki@firma.ru", "пароль")
    type_in(dialog.mail_folders, "INBOX, Заявки")
    qtbot.keyClicks(dialog.mail_address, "zayavki@firma.ru")
    dialog.signature.setPlainText("С уважением,\nотдел продаж")
    save(qtbot, dialog)
    channel = stored_channel(workspace.context, "zayavki@firma.ru")
    assert channel.settings["folders"] == ["INBOX", "Заявки"]
    assert channel.settings["address"] == "zayavki@firma.ru"
    assert channel.settings["signature"] == "С уважением,\nотдел продаж"

    qtbot.waitUntil(lambda: workspace.channels.model.row_of(channel.id) >= 0, timeout=TIMEOUT)
    workspace.channels.select_key(channel.id)
    click(qtbot, workspace.channels.edit_button)
    again = workspace.dialog
    assert isinstance(again, ChannelDialog)
    assert again.mail_folders.text() == "INBOX, Заявки"
    assert again.signature.toPlainText() == "С уважением,\nотдел продаж"
    again.reject()


@pytest.fixture
def fail_keyring(memory_keyring: MemoryKeyring) -> Iterator[None]:
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(memory_keyring)


@pytest.mark.usefixtures("fail_keyring")
def test_without_a_secure_keyring_the_save_is_refused(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    dialog = _add_mailbox(workspace, qtbot, "sales@firma.ru", "секрет")
    sentence = save_refused(qtbot, dialog, "mail_password")
    assert sentence.startswith("No secure keyring on this computer")
    assert dialog.tabs.currentIndex() == dialog.connection_index
    with workspace.context.db.session() as session:
        assert session.scalar(select(Channel.id).where(Channel.name == "sales@firma.ru")) is None
    dialog.reject()


# ----------------------------------------------------------------------------- stages & reasons


def test_add_and_reorder_stages(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    context = workspace.context
    workspace.show_section(workspace.pipelines)
    page = workspace.pipelines
    assert page.current_pipeline() is not None and page.current_pipeline().is_default
    before = page.model.rowCount()
    click(qtbot, page.new_button)
    dialog = workspace.dialog
    assert isinstance(dialog, StageDialog)
    type_in(dialog.name, "Замер")
    click(qtbot, dialog.color)  # the colour picker opens window-modally
    picker = dialog.color.picker
    assert picker is not None and picker.isVisible()
    picker.setCurrentColor("#123456")
    picker.accept()
    assert dialog.color.color() == "#123456"
    save(qtbot, dialog)

    qtbot.waitUntil(lambda: page.model.rowCount() == before + 1, timeout=TIMEOUT)
    names = [s.name for s in page.model.items()]
    assert names.index("Замер") == names.index("Успешно") - 1  # open stages before won/lost
    assert page.selected().name == "Замер"

    click(qtbot, page.up_button)
    qtbot.waitUntil(
        lambda: [s.name for s in page.model.items()].index("Замер") == names.index("Замер") - 1,
        timeout=TIMEOUT,
    )
    assert page.selected().name == "Замер"  # the selection moved with the row
    with context.db.session() as session:
        stored = [
            s.name
            for s in session.scalars(
                select(Stage)
                .where(Stage.pipeline_id == default_pipeline(session).id)
                .order_by(Stage.position)
            )
        ]
        added = session.scalars(select(Stage).where(Stage.name == "Замер")).one()
        assert added.color == "#123456"
    assert stored == [s.name for s in page.model.items()]


def test_deleting_a_used_thing_is_refused_in_words(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    workspace.show_section(workspace.reasons)
    page = workspace.reasons
    spam = next(r for r in page.model.items() if r.code == "spam")
    page.select_key(spam.id)
    assert page.toggle_button.text().replace("&", "") == "Deactivate"
    click(qtbot, page.toggle_button)
    qtbot.waitUntil(lambda: "cannot be deactivated" in workspace.last_message, timeout=TIMEOUT)
    assert isinstance(workspace.message_box, QMessageBox)
    workspace.message_box.close()
    with workspace.context.db.session() as session:
        assert session.get_one(RejectionReason, spam.id).active is True


def test_add_reason_and_deactivate_it(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    workspace.show_section(workspace.reasons)
    page = workspace.reasons
    click(qtbot, page.new_button)
    dialog = workspace.dialog
    assert isinstance(dialog, FormDialog)
    type_in(dialog.name, "Дорого")  # type: ignore[attr-defined]
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: page.selected() is not None and page.selected().name == "Дорого", timeout=TIMEOUT)
    reason_id = page.selected().id
    click(qtbot, page.toggle_button)
    qtbot.waitUntil(lambda: not page.model.item(page.model.row_of(reason_id)).active, timeout=TIMEOUT)
    assert page.toggle_button.text().replace("&", "") == "Activate"
    with workspace.context.db.session() as session:
        assert session.get_one(RejectionReason, reason_id).active is False


# -------------------------------------------------------------------------------------- users


def test_add_a_user_with_roles_then_deactivate(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    context = workspace.context
    workspace.show_section(workspace.users)
    page = workspace.users
    click(qtbot, page.new_button)
    dialog = workspace.dialog
    assert isinstance(dialog, UserDialog)
    qtbot.keyClicks(dialog.login, "sidorova")
    type_in(dialog.full_name, "Сидорова Мария")
    qtbot.keyClicks(dialog.extension, "207")
    qtbot.keyClicks(dialog.email, "Sidorova@Firma.ru")
    dialog.roles_model.set_checked("manager", True)
    dialog.roles_model.set_checked("operator", True)
    type_in(dialog.password, "пароль")
    type_in(dialog.repeat, "пароль-другой")
    assert save_refused(qtbot, dialog, "repeat") == "The two passwords differ."
    dialog.repeat.clear()
    type_in(dialog.repeat, "пароль")
    save(qtbot, dialog)

    with context.db.session() as session:
        user = session.scalars(select(User).where(User.login == "sidorova")).one()
        assert sorted(r.code for r in user.roles) == ["manager", "operator"]
        assert (user.full_name, user.extension, user.email) == ("Сидорова Мария", "207", "sidorova@firma.ru")
        assert verify_password("пароль", user.password_hash)
        user_id = user.id
    qtbot.waitUntil(
        lambda: page.selected() is not None and page.selected().user.id == user_id, timeout=TIMEOUT
    )

    click(qtbot, page.toggle_button)
    qtbot.waitUntil(lambda: not page.model.item(page.model.row_of(user_id)).user.active, timeout=TIMEOUT)
    with context.db.session() as session:
        assert session.get_one(User, user_id).active is False
    assert page.toggle_button.text().replace("&", "") == "Activate"


def test_the_admin_cannot_deactivate_themselves(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    workspace.show_section(workspace.users)
    page = workspace.users
    page.select_key(workspace.context.user.id)
    click(qtbot, page.toggle_button)
    qtbot.waitUntil(
        lambda: workspace.last_message == "You cannot deactivate your own account.", timeout=TIMEOUT
    )


# ------------------------------------------------------------------------------ exclusion list


def test_exclusion_list_add_in_any_format_and_remove(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    context = workspace.context
    workspace.show_section(workspace.exclusions)
    page = workspace.exclusions
    click(qtbot, page.new_button)
    dialog = workspace.dialog
    assert isinstance(dialog, ExclusionDialog)
    choose(dialog.kind, "phone")
    qtbot.keyClicks(dialog.value, "8 (916) 123-45-67")
    type_in(dialog.comment, "поставщик")
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=TIMEOUT)
    assert page.model.item(0).value == "+79161234567"
    with context.db.session() as session:
        assert session.scalars(select(Exclusion.value)).all() == ["+79161234567"]

    # The same number in another spelling is refused next to the field.
    click(qtbot, page.new_button)
    again = workspace.dialog
    assert isinstance(again, ExclusionDialog) and again is not dialog
    qtbot.keyClicks(again.value, "+7 916 123 45 67")
    assert save_refused(qtbot, again, "value") == "+79161234567 is already on the exclusion list."
    again.reject()

    page.select_key(page.model.item(0).id)
    click(qtbot, page.remove_button)  # asks first
    box = workspace.message_box
    assert isinstance(box, QMessageBox) and "+79161234567" in box.text()
    click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=TIMEOUT)
    with context.db.session() as session:
        assert session.scalars(select(Exclusion.value)).all() == []


# --------------------------------------------------------------------------- language, access


def test_interface_language_is_saved_for_the_next_start(
    workspace: SettingsWorkspace, qtbot: QtBot, tmp_path: Path
) -> None:
    workspace.show_section(workspace.language)
    page = workspace.language
    assert page.choices["system"].isChecked()
    page.choices["en"].setFocus()
    qtbot.keyClick(page.choices["en"], Qt.Key.Key_Space)
    assert page.choices["en"].isChecked() and not page.choices["system"].isChecked()
    assert "Restart Inflow" in page.note.text()
    assert QSettings(str(tmp_path / "inflow.ini"), QSettings.Format.IniFormat).value("ui/language") == "en"


def test_a_manager_sees_the_refusal_not_the_settings(
    app_context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    manager = make_context(app_context.db, "manager1", "manager")
    manager.watcher.start()
    try:
        workspace = SettingsWorkspace(
            manager, settings=QSettings(str(tmp_path / "m.ini"), QSettings.Format.IniFormat)
        )
        qtbot.addWidget(workspace)
        workspace.show()
        qtbot.waitUntil(lambda: workspace.banner.isVisible(), timeout=TIMEOUT)
        assert workspace.banner.text() == "manager1 has no right to change the settings."
        assert workspace.channels.model.rowCount() == 0
    finally:
        manager.watcher.stop()
        manager.tasks.wait()


def test_a_change_by_another_desktop_appears_in_place(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    workspace.show_section(workspace.reasons)
    page = workspace.reasons
    first = page.model.item(0)
    page.select_key(first.id)
    other = open_database(workspace.context.db.url, upgrade=False)
    try:
        with other.uow() as uow:
            conf.add_rejection_reason(uow, Actor.system(), "Передумал")
        qtbot.waitUntil(lambda: any(r.name == "Передумал" for r in page.model.items()), timeout=TIMEOUT)
    finally:
        other.dispose()
    assert page.selected().id == first.id  # the selection stayed


def test_keyboard_reaches_the_sections(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    workspace.sections.setFocus()
    qtbot.keyClick(workspace.sections, Qt.Key.Key_Down)
    assert workspace.stack.currentWidget() is workspace.reasons
    qtbot.keyClick(workspace.sections, Qt.Key.Key_End)
    assert workspace.stack.currentWidget() is workspace.language


# ------------------------------------------------------------------ pipelines, roles, the rest


def test_new_pipeline_becomes_the_default(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    workspace.show_section(workspace.pipelines)
    page = workspace.pipelines
    click(qtbot, page.add_pipeline_button)
    dialog = workspace.dialog
    assert isinstance(dialog, FormDialog)
    type_in(dialog.name, "Оптовые продажи")  # type: ignore[attr-defined]
    save(qtbot, dialog)
    qtbot.waitUntil(
        lambda: page.current_pipeline() is not None and page.current_pipeline().name == "Оптовые продажи",
        timeout=TIMEOUT,
    )
    assert [(s.name, s.kind.value) for s in page.model.items()] == [
        ("New", "open"),
        ("Won", "won"),
        ("Lost", "lost"),
    ]
    assert page.default_button.isEnabled()
    click(qtbot, page.default_button)
    qtbot.waitUntil(lambda: page.current_pipeline().is_default, timeout=TIMEOUT)
    assert not page.default_button.isEnabled()
    assert page.pipelines.index(0, 0).data() == "Оптовые продажи (default)"  # the default comes first
    with workspace.context.db.session() as session:
        assert default_pipeline(session).name == "Оптовые продажи"


def test_custom_role_department_password_and_status(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    from app.persistence.models import Department, ProgressStatus, Role
    from app.services.permissions import Right
    from ui.settings.catalog_dialogs import DepartmentDialog, PasswordDialog, ProgressStatusDialog, RoleDialog

    context = workspace.context
    workspace.show_section(workspace.roles)
    click(qtbot, workspace.roles.new_button)
    dialog = workspace.dialog
    assert isinstance(dialog, RoleDialog)
    qtbot.keyClicks(dialog.code, "x y")
    type_in(dialog.name, "Колл-центр")
    assert save_refused(qtbot, dialog, "code").startswith("'x y' is not a valid role code")
    dialog.code.clear()
    qtbot.keyClicks(dialog.code, "call_center")
    choose(dialog.visibility, "department")
    dialog.rights[Right.EXPORT].setChecked(True)
    save(qtbot, dialog)
    with context.db.session() as session:
        made = session.scalars(select(Role).where(Role.code == "call_center")).one()
        assert (made.name, made.visibility, made.can_export, made.can_reject, made.is_system) == (
            "Колл-центр",
            "department",
            True,
            True,
            False,
        )

    workspace.show_section(workspace.departments)
    click(qtbot, workspace.departments.new_button)
    dialog = workspace.dialog
    assert isinstance(dialog, DepartmentDialog)
    type_in(dialog.name, "Розница")
    save(qtbot, dialog)
    with context.db.session() as session:
        assert session.scalars(select(Department.name)).all() == ["Розница"]

    workspace.show_section(workspace.users)
    assert workspace.users.select_key(context.user.id)
    click(qtbot, workspace.users.password_button)
    dialog = workspace.dialog
    assert isinstance(dialog, PasswordDialog)
    type_in(dialog.password, "новый-пароль")
    type_in(dialog.repeat, "новый-пароль")
    save(qtbot, dialog)
    with context.db.session() as session:
        assert verify_password("новый-пароль", session.get_one(User, context.user.id).password_hash)

    workspace.show_section(workspace.statuses)
    click(qtbot, workspace.statuses.new_button)
    dialog = workspace.dialog
    assert isinstance(dialog, ProgressStatusDialog)
    type_in(dialog.name, "Перезвонить")
    dialog.color.set_color("#aa5500")
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: workspace.statuses.model.rowCount() == 1, timeout=TIMEOUT)
    with context.db.session() as session:
        status = session.scalars(select(ProgressStatus)).one()
        assert (status.name, status.color) == ("Перезвонить", "#aa5500")
    assert not workspace.statuses.up_button.isEnabled() and not workspace.statuses.down_button.isEnabled()


def test_a_web_form_token_is_shown_once(workspace: SettingsWorkspace, qtbot: QtBot) -> None:
    from app.persistence.models import IntakeToken
    from app.services.admin import token_digest

    context = workspace.context
    click(qtbot, workspace.channels.new_button)
    dialog = workspace.dialog
    assert isinstance(dialog, ChannelDialog)
    choose(dialog.kind, "request")
    type_in(dialog.name, "Форма на сайте")
    with context.db.session() as session:
        choose(dialog.responsible_role, role(session, "manager").id)
    dialog.web_form.setChecked(True)
    save(qtbot, dialog)
    qtbot.waitUntil(lambda: "shown only now" in workspace.last_message, timeout=TIMEOUT)
    token = workspace.last_message.rsplit("\n", 1)[-1]
    channel = stored_channel(context, "Форма на сайте")
    assert channel.settings == {}
    with context.db.session() as session:
        stored = session.scalars(select(IntakeToken.token_hash).where(IntakeToken.channel_id == channel.id))
        assert list(stored) == [token_digest(token)]
    assert isinstance(workspace.message_box, QMessageBox)
    workspace.message_box.close()
