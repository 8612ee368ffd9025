"""The softphone panel (a dock of the main window): dial pad, the current call's controls, recent calls.

The panel only commands the softphone and reads the call log; the controller does the logging.
The dial pad types the number, or sends DTMF while a call is active.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.services.calls import CallRecordDTO, recent_calls
from telephony.model import CallDirection, CallSnapshot, CallState, SoftphoneError
from ui.softphone.calls_view import CallLogView
from ui.softphone.controller import SoftphoneController

RECORD_CALLS_KEY = "softphone/record_calls"
RECENT_LIMIT = 100
KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#")


class SoftphonePanel(QDockWidget):
    """Dial, answer, hold, mute, transfer, hang up; the latest calls below."""

    def __init__(
        self,
        controller: SoftphoneController,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        recordings_dir: Path | None = None,
    ) -> None:
        super().__init__(self.tr("Softphone"), parent)
        self.setObjectName("softphone_panel")
        self.controller = controller
        self.softphone = controller.softphone
        self.context = controller.context
        self._settings = settings
        self._recordings_dir = recordings_dir
        self._reading = False

        body = QWidget(self)
        self.status_label = QLabel(self.tr("Softphone: off"), body)
        self.status_label.setObjectName("softphone_status")
        self.status_label.setWordWrap(True)
        self.line_combo = QComboBox(body)
        self.line_combo.setObjectName("softphone_line")
        self.number_edit = QLineEdit(body)
        self.number_edit.setObjectName("softphone_number")
        self.number_edit.setPlaceholderText(self.tr("Number or SIP address"))
        self.number_edit.returnPressed.connect(self.dial)
        self.call_button = QPushButton(self.tr("&Call"), body)
        self.call_button.setObjectName("softphone_call")
        self.call_button.clicked.connect(self.dial)
        dial_row = QHBoxLayout()
        dial_row.addWidget(self.number_edit, 1)
        dial_row.addWidget(self.call_button)

        pad = QGridLayout()
        self.pad_buttons: dict[str, QPushButton] = {}
        for position, key in enumerate(KEYS):
            button = QPushButton(key, body)
            name = {"*": "star", "#": "pound"}.get(key, key)
            button.setObjectName(f"softphone_key_{name}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _checked=False, digit=key: self.press(digit))
            pad.addWidget(button, position // 3, position % 3)
            self.pad_buttons[key] = button

        self.call_label = QLabel(self.tr("No call"), body)
        self.call_label.setObjectName("softphone_current_call")
        self.answer_button = QPushButton(self.tr("&Answer"), body)
        self.answer_button.setObjectName("softphone_answer")
        self.answer_button.clicked.connect(self._on_answer_button_clicked)
        self.hangup_button = QPushButton(self.tr("&Hang up"), body)
        self.hangup_button.setObjectName("softphone_hangup")
        self.hangup_button.clicked.connect(self._on_hangup_button_clicked)
        self.hold_button = QPushButton(self.tr("Hol&d"), body)
        self.hold_button.setObjectName("softphone_hold")
        self.hold_button.setCheckable(True)
        self.hold_button.clicked.connect(self._on_hold_button_clicked)
        self.mute_button = QPushButton(self.tr("&Mute"), body)
        self.mute_button.setObjectName("softphone_mute")
        self.mute_button.setCheckable(True)
        self.mute_button.clicked.connect(self._on_mute_button_clicked)
        controls = QHBoxLayout()
        for button in (self.answer_button, self.hangup_button, self.hold_button, self.mute_button):
            controls.addWidget(button)
        self.transfer_edit = QLineEdit(body)
        self.transfer_edit.setObjectName("softphone_transfer_to")
        self.transfer_edit.setPlaceholderText(self.tr("Transfer to…"))
        self.transfer_button = QPushButton(self.tr("&Transfer"), body)
        self.transfer_button.setObjectName("softphone_transfer")
        self.transfer_button.clicked.connect(self._on_transfer_button_clicked)
        transfer = QHBoxLayout()
        transfer.addWidget(self.transfer_edit, 1)
        transfer.addWidget(self.transfer_button)
        self.lines_button = QPushButton(self.tr("&Lines…"), body)
        self.lines_button.setObjectName("softphone_lines_button")
        self.lines_button.setEnabled(settings is not None)
        self.lines_button.clicked.connect(self.edit_lines)
        self.record_check = QCheckBox(self.tr("&Record calls"), body)
        self.record_check.setObjectName("softphone_record")
        self.record_check.setEnabled(recordings_dir is not None)
        self.record_check.toggled.connect(self._on_record_check_toggled)
        if settings is not None and recordings_dir is not None:
            stored = settings.value(RECORD_CALLS_KEY, False)
            self.record_check.setChecked(str(stored).lower() in ("true", "1"))
        self.message_label = QLabel(body)
        self.message_label.setObjectName("softphone_message")
        self.message_label.setWordWrap(True)

        self.recent = CallLogView(body)
        self.recent.setObjectName("softphone_recent")

        layout = QVBoxLayout(body)
        layout.addWidget(self.status_label)
        line_row = QHBoxLayout()
        line_row.addWidget(self.line_combo, 1)
        line_row.addWidget(self.lines_button)
        layout.addLayout(line_row)
        layout.addLayout(dial_row)
        layout.addLayout(pad)
        layout.addWidget(self.call_label)
        layout.addLayout(controls)
        layout.addLayout(transfer)
        layout.addWidget(self.record_check)
        layout.addWidget(self.message_label)
        layout.addWidget(QLabel(self.tr("Recent calls"), body))
        layout.addWidget(self.recent, 1)
        self.setWidget(body)

        controller.status_changed.connect(self._on_controller_status_changed)
        controller.failed.connect(self.message_label.setText)
        controller.call_logged.connect(self._on_controller_call_logged)
        self.softphone.incoming_call.connect(self._on_softphone_call)
        self.softphone.call_state_changed.connect(self._on_softphone_call)
        self.softphone.registration_changed.connect(self._on_softphone_registration_changed)
        self.recent.lead_requested.connect(self._open_lead)
        self.context.watcher.changed.connect(self._on_watcher_changed)
        self._update_lines()
        self._update_call()
        QTimer.singleShot(0, self.reload)

    # -- state --------------------------------------------------------------------------------

    def current_call(self) -> CallSnapshot | None:
        """The call the controls act on: the newest one not ended (ringing calls last)."""
        calls = [c for c in self.softphone.calls() if c.state is not CallState.ENDED]
        if not calls:
            return None
        talking = [c for c in calls if c.state is not CallState.RINGING]
        return (talking or calls)[-1]

    def _update_lines(self) -> None:
        current = self.line_combo.currentData()
        self.line_combo.clear()
        for line in self.softphone.lines():
            self.line_combo.addItem(line.label, line.line)
        index = self.line_combo.findData(current)
        if index >= 0:
            self.line_combo.setCurrentIndex(index)
        self.call_button.setEnabled(self.line_combo.count() > 0)

    def _update_call(self) -> None:
        call = self.current_call()
        active = call is not None and call.state is CallState.ACTIVE
        if call is None:
            self.call_label.setText(self.tr("No call"))
        else:
            who = call.remote_number or call.remote_name or self.tr("Number withheld")
            if call.state is CallState.RINGING:
                text = self.tr("Ringing: %1")
            elif call.state in (CallState.CALLING, CallState.EARLY, CallState.CONNECTING):
                outbound = call.direction is CallDirection.OUTBOUND
                text = self.tr("Calling %1…") if outbound else self.tr("Connecting %1…")
            elif call.on_hold:
                text = self.tr("On hold: %1")
            else:
                text = self.tr("Talking with %1")
            self.call_label.setText(text.replace("%1", who))
        self.answer_button.setEnabled(call is not None and call.state is CallState.RINGING)
        self.hangup_button.setEnabled(call is not None)
        for button in (self.hold_button, self.mute_button, self.transfer_button):
            button.setEnabled(active)
        self.hold_button.setChecked(bool(call and call.on_hold))
        self.mute_button.setChecked(bool(call and call.muted))

    # -- commands -----------------------------------------------------------------------------

    def _run(self, action: object) -> None:
        self.message_label.setText("")
        try:
            action()  # type: ignore[operator]
        except SoftphoneError as error:
            self.message_label.setText(str(error))
        self._update_call()

    def dial(self) -> None:
        """Call the number typed, from the chosen line."""
        number = self.number_edit.text().strip()
        line = self.line_combo.currentData()
        if not number or line is None:
            return
        self._run(lambda: self.controller.make_call(str(line), number))

    def press(self, digit: str) -> None:
        """A dial-pad key: DTMF during a call, else a digit of the number."""
        call = self.current_call()
        if call is not None and call.state is CallState.ACTIVE:
            self._run(lambda: self.softphone.send_dtmf(call.call_id, digit))
        else:
            self.number_edit.insert(digit)

    def _on_answer_button_clicked(self) -> None:
        call = self.current_call()
        if call is not None:
            self.controller.answer(call.call_id)
            self._update_call()

    def _on_hangup_button_clicked(self) -> None:
        call = self.current_call()
        if call is not None:
            self._run(lambda: self.softphone.hangup(call.call_id))

    def _on_hold_button_clicked(self, checked: bool) -> None:
        call = self.current_call()
        if call is not None:
            if checked:
                self._run(lambda: self.softphone.hold(call.call_id))
            else:
                self._run(lambda: self.softphone.resume(call.call_id))

    def _on_mute_button_clicked(self, checked: bool) -> None:
        call = self.current_call()
        if call is not None:
            self._run(lambda: self.softphone.set_muted(call.call_id, checked))

    def _on_transfer_button_clicked(self) -> None:
        call = self.current_call()
        target = self.transfer_edit.text().strip()
        if call is not None and target:
            self._run(lambda: self.softphone.transfer(call.call_id, target))

    def _on_record_check_toggled(self, checked: bool) -> None:
        self.controller.recordings_dir = self._recordings_dir if checked else None
        if self._settings is not None:
            self._settings.setValue(RECORD_CALLS_KEY, checked)

    def edit_lines(self) -> QDialog | None:
        """Open the PBX accounts of this workstation; saved accounts register at once."""
        if self._settings is None:
            return None
        from ui.softphone.lines_dialog import LinesDialog

        dialog = LinesDialog(self.context, self._settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accounts_saved.connect(self.controller.apply_accounts)
        dialog.show()
        self.lines_dialog = dialog
        return dialog

    def call_number(self, number: str, lead_id: int | None = None) -> int | None:
        """Click-to-call: dial ``number`` from the chosen line; the call is logged on the lead."""
        self.show()
        self.raise_()
        self.number_edit.setText(number)
        line = self.line_combo.currentData()
        if line is None:
            self.message_label.setText(self.tr("No softphone line is set up on this computer."))
            return None
        placed: list[int] = []
        self._run(lambda: placed.append(self.controller.make_call(str(line), number, lead_id)))
        return placed[0] if placed else None

    def _open_lead(self, lead_id: int) -> None:
        window = self.parentWidget()
        opener = getattr(window, "open_lead", None)
        if opener is not None:
            opener(lead_id)

    # -- updates ------------------------------------------------------------------------------

    def _on_softphone_call(self, _call: CallSnapshot) -> None:
        self._update_call()

    def _on_softphone_registration_changed(self, _line: object) -> None:
        self._update_lines()

    def _on_controller_status_changed(self, text: str, tooltip: str) -> None:
        self.status_label.setText(text)
        self.status_label.setToolTip(tooltip)

    def _on_controller_call_logged(self, _record: object) -> None:
        self.reload()

    def _on_watcher_changed(self, _tables: object) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the latest calls again (off the GUI thread)."""
        if self._reading or not shiboken6.isValid(self):
            return
        self._reading = True
        db = self.context.db

        def work() -> list[CallRecordDTO]:
            with db.session() as session:
                return recent_calls(session, RECENT_LIMIT)

        def done(calls: list[CallRecordDTO]) -> None:
            if shiboken6.isValid(self):
                self._reading = False
                self.recent.model.set_calls(calls)

        def failed(error: BaseException) -> None:
            if shiboken6.isValid(self):
                self._reading = False
                text = self.tr("The calls could not be read: %1").replace("%1", str(error))
                self.message_label.setText(text)

        self.context.tasks.run(work, done, failed)

    def close_panel(self) -> None:
        """Stop following the softphone (before it shuts down)."""
        with contextlib.suppress(RuntimeError, TypeError):
            self.softphone.incoming_call.disconnect(self._on_softphone_call)
            self.softphone.call_state_changed.disconnect(self._on_softphone_call)
            self.softphone.registration_changed.disconnect(self._on_softphone_registration_changed)
            self.context.watcher.changed.disconnect(self._on_watcher_changed)


def add_call_action(edit: QLineEdit, owner: QWidget, lead_id: Any = None) -> QAction:
    """Put a "Call" button into a phone field: it dials through the desk's softphone panel.

    ``lead_id`` is an int or a callable returning the lead shown (the call is logged on it).
    """
    action = QAction(QCoreApplication.translate("SoftphonePanel", "Call"), edit)
    action.setObjectName("call_number")
    action.setToolTip(QCoreApplication.translate("SoftphonePanel", "Call this number"))
    action.setIcon(edit.style().standardIcon(QStyle.StandardPixmap.SP_DialogYesButton))

    def on_triggered() -> None:
        number = edit.text().strip()
        if not number:
            return
        # The card is a window of its own, parented to the main window that holds the panel.
        window = owner.window()
        panel = getattr(window, "softphone_panel", None)
        outer = window.parentWidget()
        if panel is None and outer is not None:
            panel = getattr(outer.window(), "softphone_panel", None)
        if panel is None:
            edit.setToolTip(
                QCoreApplication.translate("SoftphonePanel", "The softphone is off on this computer.")
            )
            return
        lead = lead_id() if callable(lead_id) else lead_id
        panel.call_number(number, int(lead) if lead else None)

    action.triggered.connect(on_triggered)
    edit.addAction(action, QLineEdit.ActionPosition.TrailingPosition)
    return action
