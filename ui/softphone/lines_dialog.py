"""The softphone's PBX accounts of this workstation: add, change, remove; passwords to the keyring.

Opened from the softphone panel ("Lines…"). Saving writes QSettings (``ui/softphone/lines.py``)
and the typed passwords to the keyring — refused, with the reason, when there is no secure
keyring — and emits ``accounts_saved`` so the running softphone re-registers without a restart.
"""

from __future__ import annotations

from dataclasses import replace
from enum import IntEnum
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import InflowError
from app.services.calls import CallChannels, call_channels
from telephony.model import SipTransport
from ui.app_settings import QT_TRANSLATE_NOOP
from ui.context import AppContext
from ui.softphone.lines import AccountSettings, load_accounts, save_accounts, save_password

_Index = QModelIndex | QPersistentModelIndex
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2


class AccountColumn(IntEnum):
    """Columns of the accounts table."""

    LABEL = 0
    ADDRESS = 1
    TRANSPORT = 2


HEADERS = {
    AccountColumn.LABEL: QT_TRANSLATE_NOOP("AccountsModel", "Name"),
    AccountColumn.ADDRESS: QT_TRANSLATE_NOOP("AccountsModel", "Account"),
    AccountColumn.TRANSPORT: QT_TRANSLATE_NOOP("AccountsModel", "Transport"),
}


class AccountsModel(QAbstractTableModel):
    """The accounts being edited."""

    def __init__(self, accounts: list[AccountSettings], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.accounts = list(accounts)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """One row per account."""
        return 0 if parent.isValid() else len(self.accounts)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """The columns of :class:`AccountColumn`."""
        return 0 if parent.isValid() else len(AccountColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Translated titles."""
        horizontal = orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
        if horizontal and 0 <= section < len(AccountColumn):
            return self.tr(HEADERS[AccountColumn(section)])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text and the account itself."""
        if not index.isValid() or not 0 <= index.row() < len(self.accounts):
            return None
        account = self.accounts[index.row()]
        if role == OBJECT_ROLE:
            return account
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = AccountColumn(index.column())
        if column is AccountColumn.LABEL:
            return account.label or account.user
        if column is AccountColumn.ADDRESS:
            return f"{account.user}@{account.domain or account.registrar}"
        return account.transport.upper()

    def put(self, row: int, account: AccountSettings) -> None:
        """Replace one account (an edit)."""
        self.accounts[row] = account
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(AccountColumn) - 1))

    def add(self, account: AccountSettings) -> int:
        """Append an account; its row."""
        row = len(self.accounts)
        self.beginInsertRows(QModelIndex(), row, row)
        self.accounts.append(account)
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        """Drop an account."""
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.accounts[row]
        self.endRemoveRows()


class LinesDialog(QDialog):
    """Edit this workstation's PBX accounts.

    Signals:
        accounts_saved(list): the saved :class:`AccountSettings` (passwords are in the keyring).
    """

    accounts_saved = Signal(list)

    def __init__(self, context: AppContext, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Softphone lines"))
        self.setObjectName("softphone_lines")
        self.context = context
        self.settings = settings
        self.passwords: dict[int, str] = {}
        self.model = AccountsModel(load_accounts(settings), self)
        self.table = QTableView(self)
        self.table.setObjectName("softphone_accounts")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.add_button = QPushButton(self.tr("&Add"), self)
        self.add_button.clicked.connect(self.add_account)
        self.remove_button = QPushButton(self.tr("&Remove"), self)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)

        self.label_edit = QLineEdit(self)
        self.registrar_edit = QLineEdit(self)
        self.registrar_edit.setPlaceholderText(self.tr("pbx.example.com or 10.0.0.5:5060"))
        self.user_edit = QLineEdit(self)
        self.auth_user_edit = QLineEdit(self)
        self.auth_user_edit.setPlaceholderText(self.tr("the same as the user"))
        self.domain_edit = QLineEdit(self)
        self.domain_edit.setPlaceholderText(self.tr("the registrar's host"))
        self.transport_combo = QComboBox(self)
        for transport in SipTransport:
            self.transport_combo.addItem(transport.value.upper(), transport.value)
        self.proxy_edit = QLineEdit(self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("unchanged"))
        self.channel_combo = QComboBox(self)
        self.channel_combo.addItem(self.tr("The default call channel"), None)
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.label_edit)
        form.addRow(self.tr("R&egistrar:"), self.registrar_edit)
        form.addRow(self.tr("&User (extension):"), self.user_edit)
        form.addRow(self.tr("Au&thentication user:"), self.auth_user_edit)
        form.addRow(self.tr("&Domain:"), self.domain_edit)
        form.addRow(self.tr("&Transport:"), self.transport_combo)
        form.addRow(self.tr("Outbound &proxy:"), self.proxy_edit)
        form.addRow(self.tr("Pass&word:"), self.password_edit)
        form.addRow(self.tr("&Call channel:"), self.channel_combo)
        self.form_widgets: list[QWidget] = [
            self.label_edit, self.registrar_edit, self.user_edit, self.auth_user_edit, self.domain_edit,
            self.transport_combo, self.proxy_edit, self.password_edit, self.channel_combo,
        ]  # fmt: skip
        for edit in (self.label_edit, self.registrar_edit, self.user_edit, self.auth_user_edit,
                     self.domain_edit, self.proxy_edit, self.password_edit):  # fmt: skip
            edit.textEdited.connect(self._on_form_edited)
        self.transport_combo.activated.connect(self._on_form_edited)
        self.channel_combo.activated.connect(self._on_form_edited)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("softphone_lines_error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        left.addLayout(row)
        top = QHBoxLayout()
        top.addLayout(left, 1)
        top.addLayout(form, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._loading = False
        self._set_form_enabled(False)
        if self.model.rowCount():
            self.table.selectRow(0)
        self._load_channels()

    # -- channels -----------------------------------------------------------------------------

    def _load_channels(self) -> None:
        db = self.context.db

        def work() -> CallChannels:
            with db.session() as session:
                return call_channels(session)

        self.context.tasks.run(work, self._on_channels_loaded, lambda _error: None)

    def _on_channels_loaded(self, channels: CallChannels) -> None:
        if not shiboken6.isValid(self.channel_combo):  # saved and closed before the channels came
            return
        for channel in channels.channels:
            self.channel_combo.addItem(channel.name, channel.id)
        self._show_current()

    # -- editing ------------------------------------------------------------------------------

    def current_row(self) -> int:
        """The row being edited (-1: none)."""
        index = self.table.selectionModel().currentIndex()
        return index.row() if index.isValid() else -1

    def add_account(self) -> None:
        """A new, empty account, selected for editing."""
        number = max([a.number for a in self.model.accounts], default=0) + 1
        row = self.model.add(AccountSettings(number=number, registrar="", user=""))
        self.table.selectRow(row)
        self.registrar_edit.setFocus()

    def _on_remove_button_clicked(self) -> None:
        row = self.current_row()
        if row >= 0:
            self.model.remove(row)
            self._show_current()

    def _set_form_enabled(self, enabled: bool) -> None:
        for widget in self.form_widgets:
            widget.setEnabled(enabled)
        self.remove_button.setEnabled(enabled)

    def _on_current_row_changed(self, *_args: object) -> None:
        self._show_current()

    def _show_current(self) -> None:
        row = self.current_row()
        self._set_form_enabled(row >= 0)
        if row < 0:
            return
        account = self.model.accounts[row]
        self._loading = True
        self.label_edit.setText(account.label)
        self.registrar_edit.setText(account.registrar)
        self.user_edit.setText(account.user)
        self.auth_user_edit.setText(account.auth_user)
        self.domain_edit.setText(account.domain)
        self.transport_combo.setCurrentIndex(max(0, self.transport_combo.findData(account.transport)))
        self.proxy_edit.setText(account.proxy)
        self.password_edit.setText(self.passwords.get(account.number, ""))
        self.channel_combo.setCurrentIndex(max(0, self.channel_combo.findData(account.channel_id)))
        self._loading = False

    def _on_form_edited(self, *_args: object) -> None:
        row = self.current_row()
        if row < 0 or self._loading:
            return
        account = self.model.accounts[row]
        channel = self.channel_combo.currentData()
        self.model.put(
            row,
            replace(
                account,
                label=self.label_edit.text().strip(),
                registrar=self.registrar_edit.text().strip(),
                user=self.user_edit.text().strip(),
                auth_user=self.auth_user_edit.text().strip(),
                domain=self.domain_edit.text().strip(),
                transport=str(self.transport_combo.currentData()),
                proxy=self.proxy_edit.text().strip(),
                channel_id=int(channel) if channel is not None else None,
            ),
        )
        if self.password_edit.text():
            self.passwords[account.number] = self.password_edit.text()

    # -- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        """Check, store and close; a problem is said under the form and nothing is lost."""
        for row, account in enumerate(self.model.accounts):
            if not account.registrar or not account.user:
                self.table.selectRow(row)
                self.error_label.setText(self.tr("Each account needs a registrar and a user."))
                return
        try:
            for account in self.model.accounts:
                password = self.passwords.get(account.number)
                if password:
                    save_password(account, password)
        except InflowError as error:
            self.error_label.setText(str(error))
            return
        save_accounts(self.settings, self.model.accounts)
        self.settings.sync()
        self.accounts_saved.emit(list(self.model.accounts))
        self.accept()
