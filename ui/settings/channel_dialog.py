"""The channel editor: every field of a channel, the kind-specific connection, zone rules, secrets.

Secrets typed here (a mailbox password, a bot token) go to the operating system's keyring through
:mod:`app.services.secrets`, never to the database; without a secure keyring the save is refused
with a sentence before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import ChannelKind, DistributionRule
from app.domain.errors import InflowError
from app.services import configuration as conf
from app.services import secrets
from app.services.admin import DEFAULT_TELEGRAM_API_URL, SECURITY_MODES, DialogSettings, EmailSettings
from app.services.configuration import ChannelChanges, SettingsSnapshot, ZoneField, ZoneRuleSpec
from app.services.dto import ChannelDTO
from app.services.secrets import KeyringUnavailable, SecretKind
from ui.context import AppContext
from ui.settings import labels
from ui.settings.form_dialog import FormDialog, alive, error_label, sentence_of
from ui.settings.settings_models import Names, ZoneRuleTableModel


@dataclass(frozen=True, slots=True)
class ChannelSaved:
    """What saving the channel dialog did: the channel, a new web-form token, a keyring problem."""

    channel: ChannelDTO
    token: str | None = None
    secret_error: str | None = None


def _user_items(snapshot: SettingsSnapshot, current: int | None) -> list[tuple[str, int]]:
    items = []
    for account in snapshot.users:
        user = account.user
        if user.active or user.id == current:
            text = (
                user.full_name if user.active else f"{user.full_name} ({labels.status_text(False).lower()})"
            )
            items.append((text, user.id))
    return items


def fill_combo(combo: QComboBox, none_text: str | None, items: list[tuple[str, Any]], current: Any) -> None:
    """Fill a combo box with (text, data) items, an optional "none" first, and select ``current``."""
    combo.clear()
    if none_text is not None:
        combo.addItem(none_text, None)
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findData(current) if current is not None else (0 if none_text is not None else -1)
    combo.setCurrentIndex(max(index, 0))


class ZoneRuleDialog(QDialog):
    """One zone rule: when the lead's source, phone prefix or mail domain is X, a user or a role gets it."""

    def __init__(
        self, snapshot: SettingsSnapshot, rule: ZoneRuleSpec | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Zone rule"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.result_rule: ZoneRuleSpec | None = None
        form = QFormLayout()
        self.field = QComboBox(self)
        for field in ZoneField:
            self.field.addItem(labels.zone_field_text(field), field.value)
        self.value = QLineEdit(self)
        self.value.setPlaceholderText(self.tr("e.g. avito, +7495 or firma.ru"))
        self.to_user = QRadioButton(self.tr("&User"), self)
        self.to_role = QRadioButton(self.tr("&Role"), self)
        group = QButtonGroup(self)
        group.addButton(self.to_user)
        group.addButton(self.to_role)
        self.user = QComboBox(self)
        self.role = QComboBox(self)
        current_user = rule.user_id if rule else None
        choose = self.tr("— choose —")
        fill_combo(self.user, choose, _user_items(snapshot, current_user), current_user)
        fill_combo(
            self.role, choose, [(r.name, r.id) for r in snapshot.roles], rule.role_id if rule else None
        )
        form.addRow(self.tr("&When the lead's"), self.field)
        form.addRow(self.tr("&is"), self.value)
        user_row = QHBoxLayout()
        user_row.addWidget(self.to_user)
        user_row.addWidget(self.user, 1)
        role_row = QHBoxLayout()
        role_row.addWidget(self.to_role)
        role_row.addWidget(self.role, 1)
        form.addRow(self.tr("it goes to"), user_row)
        form.addRow("", role_row)
        self.error = error_label(self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if rule is not None:
            self.field.setCurrentIndex(max(self.field.findData(ZoneField(rule.field).value), 0))
            self.value.setText(rule.value)
        (self.to_role if rule is not None and rule.role_id is not None else self.to_user).setChecked(True)
        self.user.setEnabled(self.to_user.isChecked())
        self.role.setEnabled(self.to_role.isChecked())
        self.to_user.toggled.connect(self.user.setEnabled)
        self.to_role.toggled.connect(self.role.setEnabled)

    def accept(self) -> None:
        value = self.value.text().strip()
        if not value:
            self.error.setText(self.tr("Enter the value the lead's field is compared with."))
            self.error.setVisible(True)
            self.value.setFocus()
            return
        target = self.user if self.to_user.isChecked() else self.role
        if target.currentData() is None:
            self.error.setText(self.tr("Choose who gets the leads of this zone."))
            self.error.setVisible(True)
            target.setFocus()
            return
        self.result_rule = ZoneRuleSpec(
            field=str(self.field.currentData()),
            value=value,
            user_id=self.user.currentData() if self.to_user.isChecked() else None,
            role_id=self.role.currentData() if self.to_role.isChecked() else None,
        )
        super().accept()


class ChannelDialog(FormDialog):
    """Add or edit a channel: general fields, distribution (with zone rules), the connection of its kind."""

    def __init__(
        self,
        context: AppContext,
        snapshot: SettingsSnapshot,
        channel: ChannelDTO | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "", parent)
        self.setWindowTitle(
            self.tr("New channel") if channel is None else self.tr("Channel: %1").replace("%1", channel.name)
        )
        self.setObjectName("channel_dialog")
        self._snapshot = snapshot
        self._channel = channel
        self.issued_token: str | None = None
        names = Names(
            users={a.user.id: a.user.full_name for a in snapshot.users},
            roles={r.id: r.name for r in snapshot.roles},
        )
        tabs = QTabWidget(self)
        self.tabs = tabs
        self.use_tabs(tabs)
        self._build_general(tabs)
        self._build_distribution(tabs, names)
        self._build_connection(tabs)
        self._load(channel)
        self._on_kind_changed()
        self._on_rule_changed()
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.rule.currentIndexChanged.connect(self._on_rule_changed)
        self.resize(660, 500)

    # -- layout -------------------------------------------------------------------------------

    def _build_general(self, tabs: QTabWidget) -> None:
        page = QWidget()
        form = self.new_form(page)
        self.kind = QComboBox()
        for kind in ChannelKind:
            self.kind.addItem(labels.kind_text(kind), kind.value)
        self.kind.setEnabled(self._channel is None)
        self.kind.setToolTip(self.tr("A channel never changes its kind."))
        self.name = QLineEdit()
        self.name.setMaxLength(200)
        self.lead_source = QCheckBox(self.tr("Creates &leads"))
        self.lead_source.setToolTip(
            self.tr("Without it, the mail or chats of this channel are shown in their workspace only.")
        )
        self.reason_required = QCheckBox(self.tr("A rejection needs a &reason"))
        self.counts_in_stats = QCheckBox(self.tr("Counts in &statistics"))
        self.ad_source = QLineEdit()
        self.ad_source.setMaxLength(200)
        self.ad_source.setPlaceholderText(self.tr("e.g. Yandex Direct"))
        self.sla = QSpinBox()
        self.sla.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.sla.setRange(0, 60 * 24 * 365)
        self.sla.setSpecialValueText(self.tr("No deadline"))
        self.sla.setSuffix(self.tr(" min"))
        self.add_field(form, self.tr("&Kind:"), self.kind)
        self.add_field(form, self.tr("&Name:"), self.name, "name")
        flags = QWidget()
        flags_box = QVBoxLayout(flags)
        flags_box.setContentsMargins(0, 0, 0, 0)
        for box in (self.lead_source, self.reason_required, self.counts_in_stats):
            flags_box.addWidget(box)
        form.addRow("", flags)
        self.add_field(form, self.tr("Advertising &source:"), self.ad_source, "ad_source")
        self.add_field(form, self.tr("Qualification &deadline:"), self.sla, "sla_minutes")
        tabs.addTab(page, self.tr("&General"))

    def _build_distribution(self, tabs: QTabWidget, names: Names) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        form_host = QWidget()
        form = self.new_form(form_host)
        form.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(form_host)
        self.rule = QComboBox()
        for rule in DistributionRule:
            self.rule.addItem(labels.rule_text(rule), rule.value)
        self.rule_hint = QLabel()
        self.rule_hint.setWordWrap(True)
        self.responsible_user = QComboBox()
        self.responsible_role = QComboBox()
        self.add_field(form, self.tr("&Rule:"), self.rule, "rule")
        form.addRow("", self.rule_hint)
        self.add_field(form, self.tr("Responsible &user:"), self.responsible_user, "responsible_user")
        self.add_field(form, self.tr("Responsible r&ole:"), self.responsible_role, "responsible_role")

        self.zone_group = QGroupBox(self.tr("Zone rules (the first match wins)"))
        zone_box = QVBoxLayout(self.zone_group)
        self.zone_model = ZoneRuleTableModel(self)
        self.zone_model.set_names(names)
        self.zone_view = QTableView()
        self.zone_view.setModel(self.zone_model)
        self.zone_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.zone_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.zone_view.verticalHeader().setVisible(False)
        self.zone_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.zone_view.activated.connect(lambda _index: self._edit_zone())
        zone_box.addWidget(self.zone_view)
        self.zone_error = error_label(self.zone_group)
        zone_box.addWidget(self.zone_error)
        self.bind_field("zone_rules", self.zone_view, self.zone_error)
        buttons = QHBoxLayout()
        self.zone_add = QPushButton(self.tr("&Add…"))
        self.zone_edit = QPushButton(self.tr("&Edit…"))
        self.zone_remove = QPushButton(self.tr("Re&move"))
        self.zone_up = QPushButton(self.tr("Move &up"))
        self.zone_down = QPushButton(self.tr("Move do&wn"))
        self.zone_up.setShortcut(QKeySequence(Qt.Modifier.ALT | Qt.Key.Key_Up))
        self.zone_down.setShortcut(QKeySequence(Qt.Modifier.ALT | Qt.Key.Key_Down))
        for button in (self.zone_add, self.zone_edit, self.zone_remove, self.zone_up, self.zone_down):
            buttons.addWidget(button)
        buttons.addStretch(1)
        zone_box.addLayout(buttons)
        self.zone_add.clicked.connect(self._add_zone)
        self.zone_edit.clicked.connect(self._edit_zone)
        self.zone_remove.clicked.connect(self._remove_zone)
        self.zone_up.clicked.connect(lambda: self._move_zone(-1))
        self.zone_down.clicked.connect(lambda: self._move_zone(1))
        layout.addWidget(self.zone_group, 1)
        layout.addStretch(0)
        tabs.addTab(page, self.tr("&Distribution"))

    def _build_connection(self, tabs: QTabWidget) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)

        self.call_group = QGroupBox(self.tr("Calls"))
        form = self.new_form(self.call_group)
        self.internal_pattern = QLineEdit()
        self.internal_pattern.setPlaceholderText(self.tr(r"e.g. ^\+7495123\d{4}$"))
        self.own_numbers = QPlainTextEdit()
        self.own_numbers.setTabChangesFocus(True)
        self.own_numbers.setPlaceholderText(self.tr("One number per line, in any format"))
        self.own_numbers.setFixedHeight(90)
        self.add_field(
            form, self.tr("&Internal numbers (pattern):"), self.internal_pattern, "internal_pattern"
        )
        self.add_field(form, self.tr("&Own numbers:"), self.own_numbers, "own_numbers")
        layout.addWidget(self.call_group)

        self.mail_group = QGroupBox(self.tr("Mailbox"))
        form = self.new_form(self.mail_group)
        self.imap = QLineEdit()
        self.imap.setPlaceholderText(self.tr("imap.example.ru:993"))
        self.smtp = QLineEdit()
        self.smtp.setPlaceholderText(self.tr("smtp.example.ru:465"))
        self.security = QComboBox()
        self.security.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        security_text = {"ssl": self.tr("SSL/TLS"), "starttls": self.tr("STARTTLS"), "none": self.tr("None")}
        for mode in SECURITY_MODES:
            self.security.addItem(security_text.get(mode, mode), mode)
        self.mail_login = QLineEdit()
        self.mail_password = QLineEdit()
        self.mail_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.mail_password_state = QLabel()
        self.password_env = QLineEdit()
        self.password_env.setPlaceholderText(self.tr("optional, e.g. INFO_MAIL_PASSWORD"))
        self.mail_folders = QLineEdit()
        self.mail_folders.setPlaceholderText(self.tr("INBOX; several separated by commas"))
        self.mail_address = QLineEdit()
        self.mail_address.setPlaceholderText(self.tr("optional when the login is the address"))
        self.signature = QPlainTextEdit()
        self.signature.setTabChangesFocus(True)
        self.signature.setFixedHeight(70)
        self.add_field(form, self.tr("IM&AP server:"), self.imap, "imap")
        self.add_field(form, self.tr("SM&TP server:"), self.smtp, "smtp")
        self.add_field(form, self.tr("S&ecurity:"), self.security, "security")
        self.add_field(form, self.tr("&Login:"), self.mail_login, "login")
        self.add_field(form, self.tr("&Password:"), self.mail_password, "mail_password")
        form.addRow("", self.mail_password_state)
        self.add_field(form, self.tr("Password &variable:"), self.password_env, "password_env")
        self.add_field(form, self.tr("&Folders to watch:"), self.mail_folders, "folders")
        self.add_field(form, self.tr("Sender a&ddress:"), self.mail_address, "address")
        self.add_field(form, self.tr("Si&gnature:"), self.signature, "signature")
        layout.addWidget(self.mail_group)

        self.dialog_group = QGroupBox(self.tr("Messenger (Telegram bot)"))
        form = self.new_form(self.dialog_group)
        self.bot_token = QLineEdit()
        self.bot_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.bot_token_state = QLabel()
        self.token_env = QLineEdit()
        self.token_env.setPlaceholderText(self.tr("optional, e.g. TELEGRAM_BOT_TOKEN"))
        self.api_url = QLineEdit()
        self.add_field(form, self.tr("Bot &token:"), self.bot_token, "bot_token")
        form.addRow("", self.bot_token_state)
        self.add_field(form, self.tr("Token &variable:"), self.token_env, "telegram_token_env")
        self.add_field(form, self.tr("Bot &API URL:"), self.api_url, "api_url")
        layout.addWidget(self.dialog_group)

        self.request_group = QGroupBox(self.tr("Web form"))
        box = QVBoxLayout(self.request_group)
        self.web_form = QCheckBox(
            self.tr("Accept the company's &web form (a token is issued and shown once)")
        )
        self.web_form_state = QLabel()
        self.web_form_state.setWordWrap(True)
        self.new_token = QPushButton(self.tr("Issue a &new token"))
        self.new_token.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.token_view = QLineEdit()
        self.token_view.setReadOnly(True)
        self.token_view.setVisible(False)
        box.addWidget(self.web_form)
        box.addWidget(self.web_form_state)
        row = QHBoxLayout()
        row.addWidget(self.new_token)
        row.addWidget(self.token_view, 1)
        row.addStretch(0)
        box.addLayout(row)
        self.new_token.clicked.connect(self._issue_token)
        layout.addWidget(self.request_group)

        secrets_note = QLabel(
            self.tr(
                "Passwords and tokens are kept in this computer's keyring, never in the database. "
                "A named environment variable, when set, is used instead."
            )
        )
        secrets_note.setWordWrap(True)
        self.secrets_note = secrets_note
        layout.addWidget(secrets_note)
        layout.addStretch(1)
        self.connection_index = tabs.addTab(page, self.tr("C&onnection"))

    # -- loading ------------------------------------------------------------------------------

    def _load(self, channel: ChannelDTO | None) -> None:
        snapshot = self._snapshot
        current_user = channel.responsible_user_id if channel else None
        fill_combo(
            self.responsible_user, self.tr("— nobody —"), _user_items(snapshot, current_user), current_user
        )
        fill_combo(
            self.responsible_role,
            self.tr("— no role —"),
            [(role.name, role.id) for role in snapshot.roles],
            channel.responsible_role_id if channel else None,
        )
        if channel is None:
            self.kind.setCurrentIndex(self.kind.findData(ChannelKind.REQUEST.value))
            self.lead_source.setChecked(True)
            self.counts_in_stats.setChecked(True)
            self.rule.setCurrentIndex(self.rule.findData(DistributionRule.POOL.value))
            self.api_url.setText(DEFAULT_TELEGRAM_API_URL)
            self.security.setCurrentIndex(0)
            self.new_token.setVisible(False)
            self.web_form_state.setVisible(False)
            self.mail_password_state.setText(self.tr("Not stored yet."))
            self.bot_token_state.setText(self.tr("Not stored yet."))
            return
        self.kind.setCurrentIndex(self.kind.findData(channel.kind.value))
        self.name.setText(channel.name)
        self.lead_source.setChecked(channel.lead_source)
        self.reason_required.setChecked(channel.reason_required)
        self.counts_in_stats.setChecked(channel.counts_in_stats)
        self.ad_source.setText(channel.ad_source or "")
        self.sla.setValue(channel.sla_minutes or 0)
        self.rule.setCurrentIndex(self.rule.findData(channel.rule.value))
        for zone in snapshot.zone_rules:
            if zone.channel_id == channel.id:
                self.zone_model.append(ZoneRuleSpec(zone.field.value, zone.value, zone.user_id, zone.role_id))
        self.internal_pattern.setText(channel.internal_pattern or "")
        self.own_numbers.setPlainText("\n".join(channel.own_numbers))
        if channel.kind is ChannelKind.EMAIL:
            mail = conf.email_settings_of(channel)
            self.imap.setText(mail.imap or "")
            self.smtp.setText(mail.smtp or "")
            self.security.setCurrentIndex(max(self.security.findData(mail.security), 0))
            self.mail_login.setText(mail.login or "")
            self.password_env.setText(mail.password_env or "")
            self.mail_folders.setText(", ".join(mail.folders))
            self.mail_address.setText(mail.address or "")
            self.signature.setPlainText(mail.signature or "")
        self.api_url.setText(DEFAULT_TELEGRAM_API_URL)
        if channel.kind is ChannelKind.DIALOG:
            bot = conf.dialog_settings_of(channel)
            self.token_env.setText(bot.telegram_token_env or "")
            self.api_url.setText(bot.api_url or DEFAULT_TELEGRAM_API_URL)
        self.web_form.setVisible(False)
        accepted = conf.has_web_form_token(channel)
        self.web_form_state.setText(
            self.tr("The web form is accepted with the token issued earlier.")
            if accepted
            else self.tr("The web form is not accepted: issue a token to accept it.")
        )
        self.new_token.setText(self.tr("Issue a &new token") if accepted else self.tr("Issue a &token"))
        if channel.kind in (ChannelKind.EMAIL, ChannelKind.DIALOG):
            self._ask_stored_secret(channel)

    def _ask_stored_secret(self, channel: ChannelDTO) -> None:
        kind = SecretKind.MAIL_PASSWORD if channel.kind is ChannelKind.EMAIL else SecretKind.TELEGRAM_TOKEN
        label = self.mail_password_state if kind is SecretKind.MAIL_PASSWORD else self.bot_token_state
        label.setText(self.tr("Looking in the keyring…"))
        channel_id = channel.id
        db = self.context.db

        def work() -> tuple[bool, str | None]:
            # Entries are keyed by this database's identity (two databases share one keyring).
            with db.uow() as uow:
                installation = secrets.installation_id(uow.session)
            stored = secrets.has_secret(kind, channel_id, installation=installation)
            return stored, secrets.secure_keyring_problem()

        def done(result: tuple[bool, str | None]) -> None:
            if not alive(self):
                return
            stored, problem = result
            if problem is not None:
                label.setText(self.tr("There is no secure keyring on this computer."))
            elif stored:
                label.setText(self.tr("Stored in the keyring; type a new one to replace it."))
            else:
                label.setText(self.tr("Not stored in the keyring."))

        self.context.tasks.run(work, done, lambda _error: None)

    # -- reactions ----------------------------------------------------------------------------

    def current_kind(self) -> ChannelKind:
        """The kind chosen (or the channel's)."""
        return ChannelKind(self.kind.currentData())

    def _on_kind_changed(self) -> None:
        kind = self.current_kind()
        self.call_group.setVisible(kind is ChannelKind.CALL)
        self.mail_group.setVisible(kind is ChannelKind.EMAIL)
        self.dialog_group.setVisible(kind is ChannelKind.DIALOG)
        self.request_group.setVisible(kind is ChannelKind.REQUEST)
        self.secrets_note.setVisible(kind in (ChannelKind.EMAIL, ChannelKind.DIALOG))

    def _on_rule_changed(self) -> None:
        rule = DistributionRule(self.rule.currentData())
        self.rule_hint.setText(labels.rule_hint(rule))
        self.zone_group.setVisible(rule is DistributionRule.ZONE)

    def _selected_zone_row(self) -> int:
        rows = self.zone_view.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _add_zone(self) -> None:
        dialog = ZoneRuleDialog(self._snapshot, None, self)

        def done() -> None:
            if dialog.result_rule is not None:
                row = self.zone_model.append(dialog.result_rule)
                self.zone_view.selectRow(row)

        dialog.accepted.connect(done)
        self.zone_dialog = dialog
        dialog.open()

    def _edit_zone(self) -> None:
        row = self._selected_zone_row()
        if row < 0:
            return
        dialog = ZoneRuleDialog(self._snapshot, self.zone_model.item(row), self)

        def done() -> None:
            if dialog.result_rule is not None:
                self.zone_model.replace(row, dialog.result_rule)

        dialog.accepted.connect(done)
        self.zone_dialog = dialog
        dialog.open()

    def _remove_zone(self) -> None:
        row = self._selected_zone_row()
        if row >= 0:
            self.zone_model.remove(row)

    def _move_zone(self, step: int) -> None:
        row = self._selected_zone_row()
        if row >= 0 and self.zone_model.move(row, row + step):
            self.zone_view.selectRow(row + step)

    def _issue_token(self) -> None:
        assert self._channel is not None
        db, actor, channel_id = self.context.db, self.context.actor, self._channel.id

        def work() -> str:
            with db.uow() as uow:
                return conf.reset_web_form_token(uow, actor, channel_id)

        def done(token: str) -> None:
            if not alive(self):
                return
            self.issued_token = token
            self.token_view.setText(token)
            self.token_view.setVisible(True)
            self.token_view.selectAll()
            self.token_view.setFocus()
            QGuiApplication.clipboard().setText(token)
            self.web_form_state.setText(
                self.tr("A new token was issued and copied to the clipboard; it is shown only now.")
            )

        def failed(error: BaseException) -> None:
            if alive(self):
                self.show_error(sentence_of(error, self.tr("The token could not be issued.")))

        self.context.tasks.run(work, done, failed, write=True)

    # -- saving -------------------------------------------------------------------------------

    def changes(self) -> ChannelChanges:
        """The form as the service takes it."""
        kind = self.current_kind()
        email = None
        if kind is ChannelKind.EMAIL:
            email = EmailSettings(
                imap=self.imap.text().strip() or None,
                smtp=self.smtp.text().strip() or None,
                security=str(self.security.currentData()),
                login=self.mail_login.text().strip() or None,
                password_env=self.password_env.text().strip() or None,
                folders=tuple(name.strip() for name in self.mail_folders.text().split(",") if name.strip()),
                address=self.mail_address.text().strip() or None,
                signature=self.signature.toPlainText().strip() or None,
            )
        dialog = None
        if kind is ChannelKind.DIALOG:
            dialog = DialogSettings(
                telegram_token_env=self.token_env.text().strip() or None,
                api_url=self.api_url.text().strip() or None,
            )
        call = kind is ChannelKind.CALL
        return ChannelChanges(
            name=self.name.text(),
            lead_source=self.lead_source.isChecked(),
            reason_required=self.reason_required.isChecked(),
            responsible_user_id=self.responsible_user.currentData(),
            responsible_role_id=self.responsible_role.currentData(),
            rule=DistributionRule(self.rule.currentData()),
            sla_minutes=self.sla.value() or None,
            ad_source=self.ad_source.text().strip() or None,
            counts_in_stats=self.counts_in_stats.isChecked(),
            internal_pattern=(self.internal_pattern.text().strip() or None) if call else None,
            own_numbers=tuple(
                line.strip() for line in self.own_numbers.toPlainText().splitlines() if line.strip()
            )
            if call
            else (),
            zone_rules=tuple(self.zone_model.items()),
            email=email,
            dialog=dialog,
        )

    def build_work(self) -> Callable[[], ChannelSaved] | None:
        kind = self.current_kind()
        changes = self.changes()
        secret: tuple[SecretKind, str] | None = None
        if kind is ChannelKind.EMAIL and self.mail_password.text():
            secret = (SecretKind.MAIL_PASSWORD, self.mail_password.text())
        elif kind is ChannelKind.DIALOG and self.bot_token.text():
            secret = (SecretKind.TELEGRAM_TOKEN, self.bot_token.text())
        db, actor = self.context.db, self.context.actor
        channel_id = self._channel.id if self._channel is not None else None
        web_form = kind is ChannelKind.REQUEST and channel_id is None and self.web_form.isChecked()

        def work() -> ChannelSaved:
            if secret is not None:
                # Refused before anything is written: a channel whose password went nowhere is worse.
                secrets.require_secure_keyring()
            with db.uow() as uow:
                if channel_id is None:
                    created = conf.add_channel(uow, actor, kind, changes, web_form=web_form)
                    channel, token = created.channel, created.token
                else:
                    channel, token = conf.update_channel(uow, actor, channel_id, changes), None
                installation = secrets.installation_id(uow.session)
            secret_error = None
            if secret is not None:
                try:
                    secrets.set_secret(secret[0], channel.id, secret[1], installation=installation)
                except InflowError as error:
                    secret_error = str(error)
            return ChannelSaved(channel, token, secret_error)

        return work

    def field_of(self, error: BaseException) -> str | None:
        if isinstance(error, KeyringUnavailable):
            return "mail_password" if self.current_kind() is ChannelKind.EMAIL else "bot_token"
        return super().field_of(error)

    def zone_index(self, row: int) -> QModelIndex:
        """The index of a zone rule row (tests, keyboard)."""
        return self.zone_model.index(row, 0)
