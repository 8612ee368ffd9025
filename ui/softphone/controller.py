"""The softphone in the desktop: line events become call records, leads, toasts and the wizard.

Threading: everything here runs on the GUI thread. Softphone signals arrive after pjsua2 has
returned (the engine queues them), so slots may open windows. Database work goes through
``context.tasks`` on the single write thread, in the order the events came (ring → answer → end),
so an end is never written before its ring. The ring's lead is committed by one short
transaction; the toast is shown before it, from the caller-ID cache, and filled in when it returns.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.domain.enums import CallResult
from app.domain.errors import ValidationError
from app.services.calls import (
    CallChannels,
    InboundCall,
    RingOutcome,
    call_answered,
    call_ended,
    ensure_call_channels,
    log_outbound,
    ring_inbound,
    set_recording,
)
from app.services.permissions import Actor
from telephony.model import (
    AccountSnapshot,
    CallDirection,
    CallSnapshot,
    CallState,
    EndReason,
    LineKind,
    RegistrationState,
    SoftphoneError,
)
from telephony.softphone import Softphone
from ui.context import AppContext
from ui.softphone.caller_cache import CallerIdCache
from ui.softphone.lines import AccountSettings
from ui.softphone.toast import RingingToast

log = logging.getLogger(__name__)

RETRY_DELAYS_MS = (1_000, 3_000, 10_000, 30_000, 60_000)

RESULTS = {
    EndReason.COMPLETED: CallResult.ANSWERED,
    EndReason.CANCELLED: CallResult.NO_ANSWER,
    EndReason.TIMEOUT: CallResult.NO_ANSWER,
    EndReason.BUSY: CallResult.BUSY,
    EndReason.REJECTED: CallResult.REJECTED,
    EndReason.FAILED: CallResult.FAILED,
    EndReason.ELSEWHERE: CallResult.ANSWERED,
}


@dataclass(frozen=True, slots=True)
class RingReport:
    """How one ring was handled (for the benchmark and the tests)."""

    call_id: int
    outcome: RingOutcome
    toast_ms: float  # INVITE seen by the engine → toast shown
    committed_ms: float  # INVITE seen by the engine → lead committed and the toast filled in


@dataclass(slots=True)
class _Live:
    """What the desk knows of a call in progress."""

    snapshot: CallSnapshot
    toast: RingingToast | None = None
    outcome: RingOutcome | None = None
    wizard_wanted: bool = False
    answered_logged: bool = False
    outbound_logged: bool = False
    recording_logged: bool = False
    wizard_done: bool = False


@dataclass(slots=True)
class _Chain:
    """One call's database writes, run in order; a failed write is retried before the next runs."""

    pending: deque[tuple[str, Callable[[], Any], Callable[[Any], None] | None]] = field(
        default_factory=deque
    )
    running: bool = False
    attempts: int = 0


class SoftphoneController(QObject):
    """Connects a :class:`Softphone` to the services and the windows of one signed-in desk.

    Signals:
        ring_handled(RingReport): a ring was logged (lead committed) and its toast filled in.
        call_logged(object): a call ended and its record was written (CallRecordDTO or None).
        wizard_opened(int): the lead id of the intake wizard opened on answering.
        status_changed(str, str): status-bar text and tooltip for the lines.
        failed(str): something went wrong, said in a sentence.
    """

    ring_handled = Signal(object)
    call_logged = Signal(object)
    wizard_opened = Signal(int)
    status_changed = Signal(str, str)
    failed = Signal(str)

    def __init__(
        self,
        context: AppContext,
        softphone: Softphone,
        parent: QObject | None = None,
        *,
        window: QWidget | None = None,
        open_wizard: bool = True,
        cache: CallerIdCache | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.softphone = softphone
        self.window = window
        self.open_wizard_on_answer = open_wizard
        self.cache = cache if cache is not None else CallerIdCache(context, self)
        self.line_channels: dict[str, int] = {}  # line key → call channel id
        # Where answered calls are recorded (None: not recorded); set by the panel's "Record calls".
        self.recordings_dir: Path | None = None
        self.channels: CallChannels | None = None
        self.call_leads: dict[int, int] = {}  # outbound call id → the lead it was placed from
        self._pending_lead: int | None = None
        # A call's writes wait for each other (an end never before its ring) and are retried when
        # the database is away: a ringing call must never be lost.
        self._chains: dict[int, _Chain] = {}
        self.retry_delays_ms: tuple[int, ...] = RETRY_DELAYS_MS
        self.wizards: dict[int, QWidget] = {}
        self._live: dict[int, _Live] = {}
        self._connected = True
        softphone.incoming_call.connect(self._on_softphone_incoming_call)
        softphone.call_state_changed.connect(self._on_softphone_call_state_changed)
        softphone.registration_changed.connect(self._on_softphone_registration_changed)

    # ------------------------------------------------------------------------------ set-up

    def prepare_channels(self, on_ready: Any = None) -> None:
        """Load the call channels (creating "Телефон" when there is none) in the background."""
        db = self.context.db

        def work() -> CallChannels:
            with db.uow() as uow:
                return ensure_call_channels(uow)

        def done(channels: CallChannels) -> None:
            self.channels = channels
            if on_ready is not None:
                on_ready(channels)

        self.context.tasks.run(work, done, self._on_task_failed, write=True)

    def apply_accounts(self, accounts: list[AccountSettings]) -> None:
        """Register the PBX accounts as saved: every PBX line is set up again (passwords from keyring)."""
        from ui.softphone.lines import account_password

        def work() -> dict[int, str]:
            # The keyring may be a D-Bus round trip: off the GUI thread.
            return {account.number: account_password(account) for account in accounts}

        def done(passwords: dict[int, str]) -> None:
            for line in self.softphone.lines():
                if line.kind is LineKind.PBX:
                    self.softphone.remove_line(line.line)
                    self.line_channels.pop(line.line, None)
            for account in accounts:
                if account.channel_id is not None:
                    self.line_channels[account.key] = account.channel_id
                spec = account.account(passwords.get(account.number, ""))
                self._command(lambda spec=spec: self.softphone.add_account(spec))

        self.context.tasks.run(work, done, self._on_task_failed)

    def channel_for(self, line: str) -> int | None:
        """The call channel of a line: its own, else the only (or first) call channel."""
        if line in self.line_channels:
            return self.line_channels[line]
        if self.channels is not None and self.channels.channels:
            return self.channels.default_id or self.channels.channels[0].id
        return None

    def close(self) -> None:
        """Stop listening to the softphone; close toasts (the softphone itself is stopped elsewhere)."""
        if self._connected:
            self._connected = False
            self.softphone.incoming_call.disconnect(self._on_softphone_incoming_call)
            self.softphone.call_state_changed.disconnect(self._on_softphone_call_state_changed)
            self.softphone.registration_changed.disconnect(self._on_softphone_registration_changed)
        for live in self._live.values():
            if live.toast is not None:
                live.toast.close()
                live.toast.deleteLater()
        self._live.clear()
        self.cache.close()

    # ------------------------------------------------------------------------------ commands

    def answer(self, call_id: int) -> None:
        """Answer a ringing call and open the intake wizard on its lead (once the lead is known).

        The wizard opens at the click, not when the caller's ACK arrives: the operator sees it
        at once, and a caller who hung up meanwhile still left a lead to take in.
        """
        live = self._live.get(call_id)
        answered = self._command(lambda: self.softphone.answer(call_id))
        if not answered or live is None:
            return
        self._close_toast(live)
        if self.open_wizard_on_answer and live.snapshot.direction is CallDirection.INBOUND:
            live.wizard_wanted = True
            if live.outcome is not None:
                self._open_wizard(live)

    def reject(self, call_id: int) -> None:
        """Decline a ringing call."""
        self._command(lambda: self.softphone.reject(call_id))

    def make_call(self, line: str, destination: str, lead_id: int | None = None) -> int:
        """Place a call (SoftphoneError when it cannot be placed); from a lead's card, it is logged on it."""
        # The softphone reports the new call from inside make_call: the lead must be known before.
        self._pending_lead = lead_id
        try:
            return self.softphone.make_call(line, destination)
        finally:
            self._pending_lead = None

    def toast(self, call_id: int) -> RingingToast | None:
        """The toast of a ringing call (tests and the benchmark press its buttons)."""
        live = self._live.get(call_id)
        return live.toast if live is not None else None

    def outcome(self, call_id: int) -> RingOutcome | None:
        """What the ring of a call logged, once it has."""
        live = self._live.get(call_id)
        return live.outcome if live is not None else None

    def _command(self, action: Any) -> bool:
        try:
            action()
        except SoftphoneError as error:
            self.failed.emit(str(error))
            return False
        return True

    # ------------------------------------------------------------------------------ ringing

    def _on_softphone_incoming_call(self, call: CallSnapshot) -> None:
        live = _Live(call)
        self._live[call.call_id] = live
        toast = RingingToast(call, self.cache.card(call.remote_number))
        toast.answer_requested.connect(self.answer)
        toast.reject_requested.connect(self.reject)
        live.toast = toast
        toast.place(sum(1 for other in self._live.values() if other.toast is not None) - 1)
        toast.show()
        toast_ms = (time.perf_counter() - call.seen_perf) * 1000 if call.seen_perf else 0.0

        db = self.context.db
        channel_id = self.channel_for(call.line)
        inbound = InboundCall(
            sip_call_id=call.sip_call_id,
            channel_id=channel_id or 0,
            caller=call.remote_number,
            caller_name=call.remote_name,
            called=call.local_uri,
            ring_at=call.started_at,
        )

        def work() -> RingOutcome:
            # One short write transaction, committed before the toast is filled in.
            with db.uow() as uow:
                item = inbound
                if not item.channel_id:
                    channels = ensure_call_channels(uow)
                    chosen = channels.default_id or channels.channels[0].id
                    item = InboundCall(
                        item.sip_call_id, chosen, item.caller, item.caller_name, item.called, item.ring_at
                    )
                # Intake is the program acting for the channel, not the operator at this desk.
                return ring_inbound(uow, item, Actor.system())

        def done(outcome: RingOutcome) -> None:
            live.outcome = outcome
            self.cache.remember(outcome.card)
            if live.toast is not None:
                live.toast.set_outcome(outcome)
            committed_ms = (time.perf_counter() - call.seen_perf) * 1000 if call.seen_perf else 0.0
            self.ring_handled.emit(RingReport(call.call_id, outcome, toast_ms, committed_ms))
            if live.wizard_wanted:
                self._open_wizard(live)

        self._write(call.call_id, "ring", work, done)

    # ------------------------------------------------------------------------------ call states

    def _on_softphone_call_state_changed(self, call: CallSnapshot) -> None:
        live = self._live.get(call.call_id)
        if live is None:
            if call.direction is not CallDirection.OUTBOUND:
                return
            live = _Live(call)
            self._live[call.call_id] = live
            if self._pending_lead is not None:
                self.call_leads[call.call_id] = self._pending_lead
        live.snapshot = call
        if call.direction is CallDirection.OUTBOUND and not live.outbound_logged and call.sip_call_id:
            live.outbound_logged = True
            self._log_outbound(call)
        if call.state is CallState.ACTIVE and not live.answered_logged:
            live.answered_logged = True
            self._close_toast(live)
            self._log_answer(call)
            self._start_recording(call)
            # Answered elsewhere (another desk's button, an auto-answer): the wizard opens now.
            inbound = call.direction is CallDirection.INBOUND
            if inbound and self.open_wizard_on_answer and not live.wizard_done:
                live.wizard_wanted = True
                if live.outcome is not None:
                    self._open_wizard(live)
        if call.recording_path and call.sip_call_id and not live.recording_logged:
            live.recording_logged = True
            self._log_recording(call)
        if call.state is CallState.ENDED:
            self._close_toast(live)
            self._live.pop(call.call_id, None)
            self._log_end(call)

    def _start_recording(self, call: CallSnapshot) -> None:
        if self.recordings_dir is None:
            return
        folder = self.recordings_dir / call.started_at.strftime("%Y-%m")
        safe_id = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in call.sip_call_id)[:80]
        path = folder / f"{call.started_at.strftime('%Y%m%d-%H%M%S')}-{safe_id or call.call_id}.wav"
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self.failed.emit(self.tr("Calls cannot be recorded in %1: %2").replace("%1", str(folder))
                             .replace("%2", str(error)))  # fmt: skip
            return
        self._command(lambda: self.softphone.start_recording(call.call_id, str(path)))

    def _close_toast(self, live: _Live) -> None:
        if live.toast is not None:
            live.toast.close()
            live.toast.deleteLater()
            live.toast = None

    def _open_wizard(self, live: _Live) -> None:
        live.wizard_wanted = False
        live.wizard_done = True
        outcome = live.outcome
        if outcome is None or outcome.lead is None:
            return  # an internal call, or an excluded caller: nothing to take in
        lead_id = outcome.lead.id
        existing = self.wizards.get(lead_id)
        if existing is not None:
            existing.raise_()
            existing.activateWindow()
            return
        from PySide6.QtCore import Qt

        from ui.intake_wizard import IntakeWizard

        wizard = IntakeWizard(self.context, lead_id, parent=self.window)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.wizards[lead_id] = wizard
        wizard.destroyed.connect(lambda _obj=None, key=lead_id: self.wizards.pop(key, None))
        wizard.show()
        # The operator pressed Answer: here taking the focus is what they want.
        wizard.raise_()
        wizard.activateWindow()
        self.wizard_opened.emit(lead_id)

    def _log_answer(self, call: CallSnapshot) -> None:
        db = self.context.db
        user_id = self.context.user.id
        outbound = call.direction is CallDirection.OUTBOUND
        answered_at = call.answered_at or call.started_at

        def work() -> object:
            with db.uow() as uow:
                return call_answered(uow, call.sip_call_id, answered_at, user_id, outbound=outbound)

        self._write(call.call_id, "answer", work)

    def _log_end(self, call: CallSnapshot) -> None:
        db = self.context.db
        result = RESULTS.get(call.end_reason or EndReason.FAILED, CallResult.FAILED)
        if call.end_reason is EndReason.COMPLETED and call.answered_at is None:
            result = CallResult.FAILED
        outbound = call.direction is CallDirection.OUTBOUND
        ended_at = call.ended_at or call.started_at
        elsewhere = call.end_reason is EndReason.ELSEWHERE

        def work() -> object:
            with db.uow() as uow:
                return call_ended(
                    uow, call.sip_call_id, ended_at, result, outbound=outbound, answered_elsewhere=elsewhere
                ).record

        self._write(call.call_id, "end", work, self.call_logged.emit)

    def _log_outbound(self, call: CallSnapshot) -> None:
        db = self.context.db
        user_id = self.context.user.id
        channel_id = self.channel_for(call.line)
        lead_id = self.call_leads.pop(call.call_id, None)

        def work() -> object:
            with db.uow() as uow:
                return log_outbound(
                    uow, call.sip_call_id, channel_id, call.remote_number, call.started_at, user_id, lead_id
                )

        self._write(call.call_id, "outbound", work)

    def _log_recording(self, call: CallSnapshot) -> None:
        db = self.context.db
        path = call.recording_path or ""
        outbound = call.direction is CallDirection.OUTBOUND

        def work() -> None:
            with db.uow() as uow:
                set_recording(uow, call.sip_call_id, path, outbound=outbound)

        self._write(call.call_id, "recording", work)

    def _write(
        self, call_id: int, what: str, work: Callable[[], Any], on_done: Callable[[Any], None] | None = None
    ) -> None:
        chain = self._chains.setdefault(call_id, _Chain())
        chain.pending.append((what, work, on_done))
        if not chain.running:
            self._run_next(call_id)

    def _run_next(self, call_id: int) -> None:
        chain = self._chains.get(call_id)
        if chain is None or chain.running:
            return
        if not chain.pending:
            del self._chains[call_id]
            return
        chain.running = True
        what, work, on_done = chain.pending[0]

        def done(result: Any) -> None:
            chain.pending.popleft()
            chain.running = False
            chain.attempts = 0
            if on_done is not None:
                try:
                    on_done(result)
                except Exception:
                    log.exception("handling the %s of call %s failed", what, call_id)
            self._run_next(call_id)

        def failed(error: BaseException) -> None:
            chain.running = False
            chain.attempts += 1
            if isinstance(error, ValidationError) or not self._connected:
                # Bad input does not get better by waiting; a closed desk no longer retries.
                log.error("the %s of call %s was not logged", what, call_id, exc_info=error)
                chain.pending.popleft()
                chain.attempts = 0
                self.failed.emit(self.tr("The call could not be logged: %1").replace("%1", str(error)))
                self._run_next(call_id)
                return
            delay = self.retry_delays_ms[min(chain.attempts, len(self.retry_delays_ms)) - 1]
            log.warning("logging the %s of call %s failed (%s); again in %d ms", what, call_id, error, delay)
            if chain.attempts == 1:
                text = self.tr("The call is not logged yet (%1); trying again.").replace("%1", str(error))
                live = self._live.get(call_id)
                if live is not None and live.toast is not None:
                    live.toast.set_message(text)
                self.failed.emit(text)
            QTimer.singleShot(delay, self, lambda: self._run_next(call_id))

        self.context.tasks.run(work, done, failed, write=True)

    def _on_task_failed(self, error: BaseException) -> None:
        log.error("a call-log write failed", exc_info=error)
        self.failed.emit(self.tr("The call log could not be written: %1").replace("%1", str(error)))

    # ------------------------------------------------------------------------------ lines

    def _on_softphone_registration_changed(self, line: AccountSnapshot) -> None:
        log.info("softphone line %s (%s): %s %s %s", line.line, line.label, line.state.value,
                 line.status_code or "", line.reason)  # fmt: skip
        text, tooltip = self.status_text()
        self.status_changed.emit(text, tooltip)

    def status_text(self) -> tuple[str, str]:
        """The status bar's words for the lines: a short text and a tooltip with every line."""
        lines = self.softphone.lines()
        if not lines:
            return self.tr("Softphone: off"), self.tr("No line is set up on this computer.")
        details = [f"{line.label}: {self._state_words(line)}" for line in lines]
        failed = [line for line in lines if line.state is RegistrationState.FAILED]
        up = [
            line
            for line in lines
            if line.state in (RegistrationState.REGISTERED, RegistrationState.LISTENING)
        ]
        if failed:
            text = self.tr("Softphone: %1 not registered").replace("%1", failed[0].label)
        elif len(up) == len(lines) and len(lines) == 1:
            text = self.tr("Softphone: %1").replace("%1", self._state_words(lines[0]))
        elif len(up) == len(lines):
            text = self.tr("Softphone: %1 lines ready").replace("%1", str(len(lines)))
        else:
            text = self.tr("Softphone: connecting…")
        return text, "\n".join(details)

    def _state_words(self, line: AccountSnapshot) -> str:
        if line.state is RegistrationState.LISTENING:
            return self.tr("listening on %1").replace("%1", line.label)
        if line.state is RegistrationState.REGISTERED:
            return self.tr("registered as %1").replace("%1", line.label)
        if line.state is RegistrationState.REGISTERING:
            return self.tr("registering…")
        if line.state is RegistrationState.FAILED:
            reason = f"{line.status_code} {line.reason}".strip()
            return self.tr("registration failed (%1)").replace("%1", reason)
        return self.tr("off")
