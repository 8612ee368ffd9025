"""The ringing toast: who is calling, shown without taking the focus from what the operator types.

A frameless ``Qt.Tool`` window with ``WA_ShowWithoutActivating`` in the screen's bottom-right
corner (stacked when several calls ring): the caller's number and name, company, open interests,
last lead and its state, the responsible manager, a "repeat" badge, and Answer / Reject.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.calls import RingOutcome
from app.services.lookup import CallerCard
from telephony.model import CallSnapshot
from ui.my_sales.words import local_time, state_name

MARGIN = 16
WIDTH = 340


class RingingToast(QFrame):
    """One ringing call.

    Signals:
        answer_requested(int): the call id; the operator pressed Answer.
        reject_requested(int): the call id; the operator pressed Reject.
    """

    answer_requested = Signal(int)
    reject_requested = Signal(int)

    def __init__(
        self, call: CallSnapshot, card: CallerCard | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            parent,
            Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint,
        )
        self.call = call
        self.outcome: RingOutcome | None = None
        self.setObjectName("ringing_toast")
        # The operator may be typing a letter: the toast must never take the keyboard focus.
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(WIDTH)

        self.title_label = QLabel(self.tr("Incoming call"), self)
        self.title_label.setObjectName("toast_title")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.badge_label = QLabel(self.tr("repeat"), self)
        self.badge_label.setObjectName("toast_repeat")
        self.badge_label.setStyleSheet(
            "background: #f0ad4e; color: white; border-radius: 6px; padding: 1px 6px;"
        )
        self.badge_label.hide()
        title_row = QHBoxLayout()
        title_row.addWidget(self.title_label)
        title_row.addStretch(1)
        title_row.addWidget(self.badge_label)

        self.number_label = QLabel(self)
        self.number_label.setObjectName("toast_number")
        big = self.number_label.font()
        big.setPointSizeF(big.pointSizeF() * 1.3)
        self.number_label.setFont(big)
        self.name_label = QLabel(self)
        self.name_label.setObjectName("toast_name")
        self.company_label = QLabel(self)
        self.company_label.setObjectName("toast_company")
        self.interests_label = QLabel(self)
        self.interests_label.setObjectName("toast_interests")
        self.interests_label.setWordWrap(True)
        self.last_lead_label = QLabel(self)
        self.last_lead_label.setObjectName("toast_last_lead")
        self.responsible_label = QLabel(self)
        self.responsible_label.setObjectName("toast_responsible")
        self.note_label = QLabel(self)
        self.note_label.setObjectName("toast_note")
        self.note_label.setWordWrap(True)

        self.answer_button = QPushButton(self.tr("Answer"), self)
        self.answer_button.setObjectName("toast_answer")
        self.answer_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.answer_button.setStyleSheet("background: #2e7d32; color: white; padding: 4px 12px;")
        self.answer_button.clicked.connect(lambda: self.answer_requested.emit(self.call.call_id))
        self.reject_button = QPushButton(self.tr("Reject"), self)
        self.reject_button.setObjectName("toast_reject")
        self.reject_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.reject_button.setStyleSheet("background: #c62828; color: white; padding: 4px 12px;")
        self.reject_button.clicked.connect(lambda: self.reject_requested.emit(self.call.call_id))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.answer_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(title_row)
        for label in (
            self.number_label,
            self.name_label,
            self.company_label,
            self.interests_label,
            self.last_lead_label,
            self.responsible_label,
            self.note_label,
        ):
            layout.addWidget(label)
        layout.addLayout(buttons)
        self._show_caller(card)

    # -- content ------------------------------------------------------------------------------

    def _show_caller(self, card: CallerCard | None) -> None:
        call = self.call
        self.number_label.setText(call.remote_number or self.tr("Number withheld"))
        name = (card.contact_name or card.client_name) if card is not None and card.known else None
        self.name_label.setText(name or call.remote_name)
        known = card is not None and card.known
        company = card.company if known and card is not None else None
        self.company_label.setText(company or "")
        interests = card.open_interests if known and card is not None else ()
        self.interests_label.setText(
            self.tr("Open interests: %1").replace("%1", ", ".join(interests[:3])) if interests else ""
        )
        if known and card is not None and card.last_lead_id is not None:
            state = state_name(card.last_lead_state.value) if card.last_lead_state else ""
            self.last_lead_label.setText(
                self.tr("Last lead %1 of %2: %3")
                .replace("%1", str(card.last_lead_id))
                .replace("%2", local_time(card.last_lead_at))
                .replace("%3", state)
            )
        else:
            self.last_lead_label.setText("")
        responsible = card.responsible_name if known and card is not None else None
        self.responsible_label.setText(
            self.tr("Responsible: %1").replace("%1", responsible) if responsible else ""
        )
        optional = (
            self.name_label,
            self.company_label,
            self.interests_label,
            self.last_lead_label,
            self.responsible_label,
        )
        for label in optional:
            label.setVisible(bool(label.text()))
        self.badge_label.setVisible(known)
        self.adjustSize()

    def set_card(self, card: CallerCard | None) -> None:
        """Show what is known of the caller."""
        self._show_caller(card)

    def set_outcome(self, outcome: RingOutcome) -> None:
        """The ring was logged: the lead (or why there is none) and the caller's card."""
        self.outcome = outcome
        if outcome.internal_reason is not None:
            self.title_label.setText(self.tr("Internal call"))
            self.badge_label.hide()
            self.note_label.setText("")
        elif outcome.lead is not None:
            self._show_caller(outcome.card)
            self.badge_label.setVisible(outcome.repeat)
            self.note_label.setText(self.tr("Lead %1").replace("%1", str(outcome.lead.id)))
        elif outcome.no_lead_reason:
            self.note_label.setText(self.tr("No lead: %1").replace("%1", outcome.no_lead_reason))
        self.note_label.setVisible(bool(self.note_label.text()))
        self.adjustSize()

    def set_message(self, text: str) -> None:
        """Say something went wrong (a sentence)."""
        self.note_label.setText(text)
        self.note_label.setVisible(bool(text))
        self.adjustSize()

    def place(self, index: int) -> None:
        """Move to the bottom-right corner of the screen, ``index`` toasts up from the bottom."""
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        self.adjustSize()
        height = max(self.sizeHint().height(), 120)
        x = area.right() - WIDTH - MARGIN
        y = area.bottom() - MARGIN - (index + 1) * (height + MARGIN // 2)
        self.move(max(area.left(), x), max(area.top(), y))
