"""Page 3 of the intake wizard, "Result": convert (with a summary of what will be created) or reject."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.domain.enums import ClientKind
from app.services.wizard import WizardLead
from ui.intake_wizard.common import ErrorLabel, esc, form_panel, with_error

if TYPE_CHECKING:
    from ui.intake_wizard.wizard import IntakeWizard


class ResultPage(QWizardPage):
    """Convert the lead (a summary of what will be created) or reject it with a reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Result"))
        self.setSubTitle(self.tr("Check what will be created and press Finish, or reject the lead."))
        self.setFinalPage(True)
        self._reason_required = False
        self._channel_name = ""

        self.banner = ErrorLabel()
        font = self.banner.font()
        font.setBold(True)
        self.banner.setFont(font)

        self.convert_radio = QRadioButton(self.tr("&Convert"))
        self.reject_radio = QRadioButton(self.tr("Re&ject"))
        self.convert_radio.setChecked(True)
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.convert_radio, 0)
        self.choice.addButton(self.reject_radio, 1)
        radios = QHBoxLayout()
        radios.addWidget(self.convert_radio)
        radios.addWidget(self.reject_radio)
        radios.addStretch(1)
        self.convert_hint = QLabel()
        self.convert_hint.setEnabled(False)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.reason_combo = QComboBox()
        self.reason_combo.setMinimumWidth(280)
        self.reason_combo.setMaximumWidth(480)
        self.reason_error = ErrorLabel()
        self.reason_note = QLabel()
        self.reason_note.setWordWrap(True)
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setMaximumHeight(100)
        reason_label = QLabel(self.tr("Rea&son:"))
        reason_label.setBuddy(self.reason_combo)
        comment_label = QLabel(self.tr("Co&mment:"))
        comment_label.setBuddy(self.comment_edit)
        reject_panel, form = form_panel()
        form.addRow(self.reason_note)
        form.addRow(reason_label, with_error(self.reason_combo, self.reason_error))
        form.addRow(comment_label, self.comment_edit)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.summary)
        self.stack.addWidget(reject_panel)

        self.error = ErrorLabel()
        self.busy = QLabel(self.tr("Saving…"))
        self.busy.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(radios)
        layout.addWidget(self.convert_hint)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)

        self.choice.idToggled.connect(self._on_choice_id_toggled)
        self.reason_combo.currentIndexChanged.connect(self._on_reason_combo_changed)

    def intake(self) -> IntakeWizard:
        """The wizard this page belongs to."""
        return cast("IntakeWizard", self.wizard())

    def populate(self, data: WizardLead) -> None:
        """Offer the catalog's rejection reasons; say whether the channel demands one."""
        self._reason_required = data.channel.reason_required
        self._channel_name = data.channel.name
        self.reason_combo.clear()
        self.reason_combo.addItem(
            self.tr("— choose a reason —") if self._reason_required else self.tr("— no reason —"), None
        )
        for reason in data.reasons:
            self.reason_combo.addItem(reason.name, reason.id)
        self.reason_note.setText(
            self.tr("The channel %1 requires a rejection reason.").replace("%1", f"«{data.channel.name}»")
            if self._reason_required
            else ""
        )
        self.reason_note.setVisible(self._reason_required)

    # ------------------------------------------------------------------------------ chosen values

    @property
    def is_reject(self) -> bool:
        """Whether the lead is to be rejected (else converted)."""
        return self.reject_radio.isChecked()

    def reason_id(self) -> int | None:
        """The chosen rejection reason."""
        value = self.reason_combo.currentData()
        return int(value) if value is not None else None

    def comment(self) -> str | None:
        """The rejection comment."""
        return self.comment_edit.toPlainText().strip() or None

    # ------------------------------------------------------------------------------ QWizardPage

    def initializePage(self) -> None:
        wizard = self.intake()
        self.error.clear_error()
        if wizard.rejecting:
            self.reject_radio.setChecked(True)
            self.convert_radio.setEnabled(False)
            self.convert_hint.setText(self.tr("To convert instead, go back and describe the client."))
            self.convert_hint.show()
        else:
            self.convert_radio.setEnabled(True)
            self.convert_radio.setChecked(True)
            self.convert_hint.hide()
        self.summary.setText(self._summary_html())
        self._on_choice_id_toggled(self.choice.checkedId(), True)

    def cleanupPage(self) -> None:
        # Going back: leave the typed values alone (the base class would reset registered fields).
        self.intake().rejecting = False
        self.error.clear_error()

    def isComplete(self) -> bool:
        wizard = self.intake()
        return not wizard.closed_text() and not wizard.saving

    def validatePage(self) -> bool:
        if self.is_reject and self._reason_required and self.reason_id() is None:
            self.reason_error.show_error(
                self.tr("The channel %1 requires a rejection reason; choose one.").replace(
                    "%1", f"«{self._channel_name}»"
                )
            )
            self.reason_combo.setFocus()
            return False
        return True

    # ------------------------------------------------------------------------------ feedback

    def show_error(self, text: str) -> None:
        """A service refused: its sentence, on the page."""
        self.error.show_error(text)

    def show_closed(self, text: str) -> None:
        """The lead got a result elsewhere: nothing can be done here any more."""
        self.banner.show_error(text)
        self.convert_radio.setEnabled(False)
        self.reject_radio.setEnabled(False)
        self.stack.setEnabled(False)
        self.completeChanged.emit()

    def set_busy(self, busy: bool) -> None:
        """Show that the write is under way (Finish is disabled meanwhile)."""
        self.busy.setVisible(busy)
        self.stack.setEnabled(not busy)
        self.completeChanged.emit()

    # ------------------------------------------------------------------------------ slots and helpers

    def _on_choice_id_toggled(self, choice: int, checked: bool) -> None:
        if not checked:
            return
        self.stack.setCurrentIndex(choice)
        if choice == 1:
            self.reason_combo.setFocus()
        else:
            self.convert_radio.setFocus()

    def _on_reason_combo_changed(self, _index: int) -> None:
        self.reason_error.clear_error()

    def _summary_html(self) -> str:
        wizard = self.intake()
        if wizard.rejecting or wizard.data is None:
            return ""
        who, what = wizard.who_page, wizard.what_page
        lines: list[str] = []
        if who.is_new_client:
            client = who.new_client()
            kind = self.tr("company") if client.kind is ClientKind.COMPANY else self.tr("person")
            line = self.tr("New client (%1) %2").replace("%1", kind).replace("%2", f"«{client.name}»")
            if client.inn:
                line += ", " + self.tr("INN %1").replace("%1", client.inn)
            lines.append(line)
        else:
            card = who.selected_card()
            lines.append(self.tr("Client %1").replace("%1", f"«{card.client.name}»" if card else ""))
        contact = who.contact_text()
        if contact:
            lines.append(self.tr("Contact person: %1").replace("%1", contact))
        lead = wizard.data.lead
        if lead.phone:
            lines.append(
                (
                    self.tr("The phone %1 is saved as the contact's own")
                    if who.phone_is_personal()
                    else self.tr("The phone %1 is saved as the company's")
                ).replace("%1", lead.phone)
            )
        if lead.email:
            lines.append(self.tr("The e-mail %1 is saved with the contact").replace("%1", lead.email))
        lines.extend(what.summary_lines())
        heading = self.tr("What will be created")
        return (
            f"<b>{esc(heading)}</b><ul>"
            + "".join(f"<li>{esc(line)}</li>" for line in lines)
            + "</ul>"
        )
