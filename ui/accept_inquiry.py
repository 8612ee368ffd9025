"""Accept inquiry: the office manager enters a walk-in or phoned-in request and continues into the wizard."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.contacts import DEFAULT_REGION, normalize_email, normalize_phone
from app.services.intake import IntakeOutcome, IntakeResult, LeadInput, register_lead
from app.services.wizard import InquiryMatch, InquirySetup, inquiry_matches, inquiry_setup
from ui.context import AppContext
from ui.intake_wizard import IntakeWizard
from ui.intake_wizard.common import ErrorLabel, RowsModel, guarded, state_text, when_text, with_error

SEARCH_DELAY_MS = 300

# Wizards opened from a dialog without a parent window must outlive the dialog.
_OPEN_WIZARDS: set[IntakeWizard] = set()


class MatchColumn(IntEnum):
    """Columns of :class:`InquiryMatchModel`."""

    WHAT = 0
    NAME = 1
    DETAIL = 2
    SINCE = 3
    RESPONSIBLE = 4


_WHAT_TEXT = {
    "client": str(QT_TRANSLATE_NOOP("InquiryMatchModel", "Client")),
    "contact": str(QT_TRANSLATE_NOOP("InquiryMatchModel", "Contact person")),
    "lead": str(QT_TRANSLATE_NOOP("InquiryMatchModel", "Earlier lead")),
}


class InquiryMatchModel(RowsModel[InquiryMatch]):
    """Who the person at the desk may be: known clients, contact persons and earlier leads."""

    columns = MatchColumn
    context = "InquiryMatchModel"
    headers = {
        MatchColumn.WHAT: str(QT_TRANSLATE_NOOP("InquiryMatchModel", "Found")),
        MatchColumn.NAME: str(QT_TRANSLATE_NOOP("InquiryMatchModel", "Name")),
        MatchColumn.DETAIL: str(QT_TRANSLATE_NOOP("InquiryMatchModel", "Contacts / subject")),
        MatchColumn.SINCE: str(QT_TRANSLATE_NOOP("InquiryMatchModel", "Since")),
        MatchColumn.RESPONSIBLE: str(QT_TRANSLATE_NOOP("InquiryMatchModel", "Manager")),
    }

    def display(self, row: InquiryMatch, column: Any) -> str:
        if column is MatchColumn.WHAT:
            return QCoreApplication.translate("InquiryMatchModel", _WHAT_TEXT.get(row.what, row.what))
        if column is MatchColumn.NAME:
            return row.name
        if column is MatchColumn.DETAIL:
            return row.detail
        if column is MatchColumn.SINCE:
            if row.what == "lead":
                state = state_text(row.lead_state) if row.lead_state is not None else ""
                return f"{when_text(row.since)}, {state}" if state else when_text(row.since)
            since = (
                QCoreApplication.translate("InquiryMatchModel", "client since %1")
                if row.what == "client"
                else QCoreApplication.translate("InquiryMatchModel", "on file since %1")
            )
            return since.replace("%1", when_text(row.since, date_only=True))
        return row.responsible_name or ""

    def sort_key(self, row: InquiryMatch, column: Any) -> Any:
        if column is MatchColumn.SINCE:
            return row.since.timestamp() if row.since is not None else 0.0
        return self.display(row, column).casefold()


class AcceptInquiryDialog(QDialog):
    """Register a walk-in / phoned-in request as a lead (intake service) and continue into the wizard.

    Signals:
        lead_created(int): the id of the new lead (emitted before the wizard opens).

    Threading: channels, search and the write run through ``context.tasks``; stale search answers
    (an earlier keystroke's) are dropped.
    """

    lead_created = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setup: InquirySetup | None = None
        self.wizard: IntakeWizard | None = None
        self._generation = 0
        self._saving = False
        self._continue = False
        self.setWindowTitle(self.tr("Accept inquiry"))

        self.channel_combo = QComboBox()
        self.channel_combo.setMinimumWidth(260)
        self.no_channel = QLabel(
            self.tr(
                "There is no request channel to register walk-in and phoned-in requests. An administrator "
                "creates one in Settings → Channels: kind “request”, named for example “Walk-in”, "
                "with “Lead source” on."
            )
        )
        self.no_channel.setWordWrap(True)
        self.no_channel.hide()
        self.name_edit = QLineEdit()
        self.name_error = ErrorLabel()
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText(self.tr("+7 916 123-45-67, 8 (916) 123-45-67…"))
        self.phone_error = ErrorLabel()
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText(self.tr("name@example.ru"))
        self.email_error = ErrorLabel()
        self.source_edit = QLineEdit()
        self.source_edit.setPlaceholderText(self.tr("Where they heard of us: a sign, a friend, an advert…"))
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setPlaceholderText(self.tr("What they ask for"))
        self.comment_edit.setMaximumHeight(80)

        form = QFormLayout()
        for text, field, buddy in (
            (self.tr("C&hannel:"), self.channel_combo, self.channel_combo),
            (self.tr("&Name:"), with_error(self.name_edit, self.name_error), self.name_edit),
            (self.tr("&Phone:"), with_error(self.phone_edit, self.phone_error), self.phone_edit),
            (self.tr("&E-mail:"), with_error(self.email_edit, self.email_error), self.email_edit),
            (self.tr("&Source:"), self.source_edit, self.source_edit),
            (self.tr("Co&mment:"), self.comment_edit, self.comment_edit),
        ):
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, field)

        self.matches = InquiryMatchModel(self)
        self.match_view = QTableView()
        self.match_view.setModel(self.matches)
        self.match_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.match_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.match_view.setTabKeyNavigation(False)
        self.match_view.verticalHeader().hide()
        self.match_view.setWordWrap(False)
        header = self.match_view.horizontalHeader()
        header.setSectionResizeMode(MatchColumn.WHAT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(MatchColumn.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MatchColumn.DETAIL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MatchColumn.SINCE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(MatchColumn.RESPONSIBLE, QHeaderView.ResizeMode.ResizeToContents)
        self.match_status = QLabel(self.tr("Type a phone, an e-mail or a name to see who this is."))
        self.match_status.setEnabled(False)
        matches_box = QGroupBox(self.tr("Already known"))
        matches_layout = QVBoxLayout(matches_box)
        matches_layout.addWidget(self.match_status)
        matches_layout.addWidget(self.match_view, 1)

        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox()
        self.continue_button = QPushButton(self.tr("&Create and continue"))
        self.continue_button.setDefault(True)
        self.create_button = QPushButton(self.tr("Create &only"))
        self.buttons.addButton(self.continue_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.create_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        for button in (self.continue_button, self.create_button):
            button.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.no_channel)
        layout.addLayout(form)
        layout.addWidget(matches_box, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        # An explicit minimum: the layout then never re-computes the window's size constraints.
        self.setMinimumSize(640, 560)
        self.resize(900, 640)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        for edit, label in (
            (self.name_edit, self.name_error),
            (self.phone_edit, self.phone_error),
            (self.email_edit, self.email_error),
        ):
            # textChanged, not textEdited: a phone pasted or filled in by the softphone searches too.
            edit.textChanged.connect(self._on_contact_edited)
            edit.textEdited.connect(label.clear_error)
        self.name_edit.textEdited.connect(self.phone_error.clear_error)  # "give at least one" lives there
        self.continue_button.clicked.connect(self._on_continue_button_clicked)
        self.create_button.clicked.connect(self._on_create_button_clicked)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.setFocus()
        self._load()

    # ------------------------------------------------------------------------------ loading

    def _load(self) -> None:
        context = self.context
        db = context.db  # the pool thread must not hold the context (it owns Qt objects)

        def work() -> InquirySetup:
            with db.session() as session:
                return inquiry_setup(session)

        context.tasks.run(work, guarded(self, self._on_loaded), guarded(self, self._on_failed))

    def _on_loaded(self, setup: InquirySetup) -> None:
        self.setup = setup
        self.channel_combo.clear()
        for channel in setup.channels:
            self.channel_combo.addItem(channel.name, channel.id)
        if setup.default_channel_id is not None:
            self.channel_combo.setCurrentIndex(self.channel_combo.findData(setup.default_channel_id))
        has_channel = bool(setup.channels)
        self.no_channel.setVisible(not has_channel)
        self.channel_combo.setEnabled(has_channel)
        for button in (self.continue_button, self.create_button):
            button.setEnabled(has_channel)

    def _on_failed(self, error: BaseException) -> None:
        self._saving = False
        self._set_busy(False)
        self.error.show_error(str(error))

    # ------------------------------------------------------------------------------ search as you type

    def _on_contact_edited(self, _text: str) -> None:
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        self._generation += 1
        generation = self._generation
        name, phone, email = self.name_edit.text(), self.phone_edit.text(), self.email_edit.text()
        if not (name.strip() or phone.strip() or email.strip()):
            self.matches.replace([])
            self.match_status.setText(self.tr("Type a phone, an e-mail or a name to see who this is."))
            return
        context = self.context
        db, actor = context.db, context.actor  # the pool thread must not hold the context (Qt objects)

        def work() -> tuple[InquiryMatch, ...]:
            with db.session() as session:
                return inquiry_matches(session, actor, name=name, phone=phone, email=email)

        def done(found: tuple[InquiryMatch, ...]) -> None:
            if generation != self._generation:
                return  # a later keystroke asked again
            self.matches.replace(found)
            # Rows arriving after the view is shown do not re-apply ResizeToContents by themselves.
            self.match_view.horizontalHeader().resizeSections()
            self.match_status.setText(
                self.tr("Nobody known by this phone, e-mail or name: a new contact.")
                if not found
                else self.tr("This may be somebody we know:")
            )

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self.match_status.setText(str(error))

        context.tasks.run(work, guarded(self, done), guarded(self, failed))

    # ------------------------------------------------------------------------------ creating

    def _on_continue_button_clicked(self) -> None:
        self._create(continue_to_wizard=True)

    def _on_create_button_clicked(self) -> None:
        self._create(continue_to_wizard=False)

    def lead_input(self) -> LeadInput | None:
        """The request as intake takes it, or None (with sentences next to the fields) when incomplete."""
        region = self.setup.region if self.setup is not None else DEFAULT_REGION
        name = self.name_edit.text().strip()
        phone = self.phone_edit.text().strip()
        email = self.email_edit.text().strip()
        ok = True
        if phone and normalize_phone(phone, region) is None:
            self.phone_error.show_error(self.tr("This is not a phone number; write it with the area code."))
            ok = False
        if email and normalize_email(email) is None:
            self.email_error.show_error(self.tr("This is not an e-mail address."))
            ok = False
        if not (name or phone or email):
            self.name_error.show_error(self.tr("Give at least a name, a phone or an e-mail."))
            ok = False
        if not ok:
            for edit, label in (
                (self.name_edit, self.name_error),
                (self.phone_edit, self.phone_error),
                (self.email_edit, self.email_error),
            ):
                if label.isVisibleTo(self):
                    edit.setFocus()
                    break
            return None
        comment = self.comment_edit.toPlainText().strip()
        first_line = next((line.strip() for line in comment.splitlines() if line.strip()), None)
        return LeadInput(
            channel_id=int(self.channel_combo.currentData()),
            contact_name=name or None,
            phone=phone or None,
            email=email or None,
            subject=first_line[:200] if first_line else None,
            message=comment or None,
            ad_source=self.source_edit.text().strip() or None,
        )

    def _create(self, *, continue_to_wizard: bool) -> None:
        if self._saving or self.setup is None or self.channel_combo.currentData() is None:
            return
        self.error.clear_error()
        item = self.lead_input()
        if item is None:
            return
        self._saving = True
        self._continue = continue_to_wizard
        self._set_busy(True)
        context = self.context
        db, actor = context.db, context.actor  # the pool thread must not hold the context (Qt objects)

        def work() -> IntakeResult:
            with db.uow() as uow:
                return register_lead(uow, item, actor)

        context.tasks.run(work, guarded(self, self._on_created), guarded(self, self._on_failed), write=True)

    def _on_created(self, result: IntakeResult) -> None:
        self._saving = False
        self._set_busy(False)
        if result.lead is None:
            # Excluded contact or a channel that makes no leads: say why; nothing else happened.
            self.error.show_error(
                self.tr("No lead was made: %1").replace("%1", result.reason or result.outcome.value)
            )
            return
        lead_id = result.lead.id
        self.lead_created.emit(lead_id)
        if self._continue and result.outcome is IntakeOutcome.CREATED:
            self._open_wizard(lead_id)
        self.accept()

    def _open_wizard(self, lead_id: int) -> None:
        wizard = IntakeWizard(self.context, lead_id, parent=self.parentWidget())
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        _OPEN_WIZARDS.add(wizard)
        wizard.finished.connect(lambda _result: _OPEN_WIZARDS.discard(wizard))
        self.wizard = wizard
        wizard.show()

    def _set_busy(self, busy: bool) -> None:
        has_channel = self.setup is not None and bool(self.setup.channels)
        for button in (self.continue_button, self.create_button):
            button.setEnabled(has_channel and not busy)

    def done(self, result: int) -> None:
        """Closing: no more searches."""
        self._timer.stop()
        self._generation += 1
        super().done(result)
