"""The softphone as the UI sees it: a protocol the real engine and the test fake both satisfy."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol

from PySide6.QtCore import QObject, Signal, SignalInstance

from telephony.model import (
    AccountSnapshot,
    CallDirection,
    CallSnapshot,
    CallState,
    DirectLine,
    EndReason,
    LineKind,
    PbxAccount,
    RegistrationState,
    parse_remote,
)


class Softphone(Protocol):
    """Lines and calls; snapshots arrive through the signals (on the GUI thread)."""

    @property
    def incoming_call(self) -> SignalInstance:
        """(CallSnapshot) a call arrived and rings."""
        ...

    @property
    def call_state_changed(self) -> SignalInstance:
        """(CallSnapshot) a call changed."""
        ...

    @property
    def registration_changed(self) -> SignalInstance:
        """(AccountSnapshot) a line's state changed."""
        ...

    @property
    def running(self) -> bool:
        """Whether the softphone is up."""
        ...

    def start(self) -> None:
        """Start the softphone."""

    def stop(self) -> None:
        """Hang up and shut down."""

    def lines(self) -> list[AccountSnapshot]:
        """Every line and its state."""
        ...

    def add_direct_line(self, line: DirectLine) -> AccountSnapshot:
        """Listen for direct SIP calls."""
        ...

    def add_account(self, account_spec: PbxAccount) -> AccountSnapshot:
        """Register a PBX account."""
        ...

    def remove_line(self, key: str) -> None:
        """Drop a line."""

    def reregister(self) -> None:
        """Register every PBX line again now."""

    def calls(self) -> list[CallSnapshot]:
        """Calls not yet ended."""
        ...

    def call(self, call_id: int) -> CallSnapshot | None:
        """A call's latest snapshot."""
        ...

    def answer(self, call_id: int) -> None:
        """Answer a ringing call."""

    def reject(self, call_id: int) -> None:
        """Decline a ringing call."""

    def hangup(self, call_id: int) -> None:
        """End a call."""

    def make_call(self, line: str, destination: str) -> int:
        """Place a call; returns its id."""
        ...

    def hold(self, call_id: int) -> None:
        """Hold a call."""

    def resume(self, call_id: int) -> None:
        """Resume a held call."""

    def set_muted(self, call_id: int, muted: bool) -> None:
        """Mute or unmute the microphone on a call."""

    def send_dtmf(self, call_id: int, digits: str) -> None:
        """Send DTMF digits."""

    def transfer(self, call_id: int, destination: str) -> None:
        """Blind-transfer a call."""

    def start_recording(self, call_id: int, path: str) -> None:
        """Record the call to a WAV file."""


def _now() -> datetime:
    return datetime.now(UTC)


class FakeSoftphone(QObject):
    """An in-memory softphone for UI tests: ``ring()`` simulates a caller, the rest acts at once.

    Signals: as :class:`Softphone`.
    """

    incoming_call = Signal(object)
    call_state_changed = Signal(object)
    registration_changed = Signal(object)
    dtmf_received = Signal(int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running = False
        self._lines: dict[str, AccountSnapshot] = {}
        self._calls: dict[int, CallSnapshot] = {}
        self._next = 0
        self.sent_dtmf: list[tuple[int, str]] = []
        self.recordings: dict[int, str] = {}

    @property
    def running(self) -> bool:
        """Whether start() was called (and stop() was not)."""
        return self._running

    def start(self) -> None:
        """Start (nothing to do)."""
        self._running = True

    def stop(self) -> None:
        """End every call and every line."""
        for call_id in list(self._calls):
            self._end(call_id, EndReason.FAILED)
        self._lines.clear()
        self._running = False

    def lines(self) -> list[AccountSnapshot]:
        """Every line."""
        return list(self._lines.values())

    def add_direct_line(self, line: DirectLine) -> AccountSnapshot:
        """A listening line at once."""
        uri = f"sip:{line.host}:{line.port}"
        label = line.label or f"{line.host}:{line.port}"
        snapshot = AccountSnapshot(line.key, LineKind.DIRECT, label, RegistrationState.LISTENING, uri)
        self._set_line(snapshot)
        return snapshot

    def add_account(self, account_spec: PbxAccount) -> AccountSnapshot:
        """A registered line at once."""
        uri = f"sip:{account_spec.user}@{account_spec.domain or account_spec.registrar}"
        snapshot = AccountSnapshot(
            account_spec.key, LineKind.PBX, account_spec.label or uri, RegistrationState.REGISTERED, uri, 200
        )
        self._set_line(snapshot)
        return snapshot

    def set_line_state(self, key: str, state: RegistrationState, code: int = 0, reason: str = "") -> None:
        """Simulate a registration change (tests)."""
        self._set_line(replace(self._lines[key], state=state, status_code=code, reason=reason))

    def _set_line(self, snapshot: AccountSnapshot) -> None:
        self._lines[snapshot.line] = snapshot
        self.registration_changed.emit(snapshot)

    def remove_line(self, key: str) -> None:
        """Drop a line."""
        snapshot = self._lines.pop(key, None)
        if snapshot is not None:
            self.registration_changed.emit(replace(snapshot, state=RegistrationState.OFF))

    def reregister(self) -> None:
        """Every PBX line registered again."""
        for snapshot in list(self._lines.values()):
            if snapshot.kind is LineKind.PBX:
                self._set_line(replace(snapshot, state=RegistrationState.REGISTERED, status_code=200))

    def calls(self) -> list[CallSnapshot]:
        """Calls not yet ended."""
        return [c for c in self._calls.values() if c.state is not CallState.ENDED]

    def call(self, call_id: int) -> CallSnapshot | None:
        """A call's latest snapshot."""
        return self._calls.get(call_id)

    def ring(self, remote_uri: str, *, line: str = "direct", sip_call_id: str | None = None) -> CallSnapshot:
        """Simulate an inbound call that starts ringing."""
        self._next += 1
        number, name = parse_remote(remote_uri)
        snapshot = CallSnapshot(
            call_id=self._next,
            line=line,
            sip_call_id=sip_call_id or f"fake-{self._next}@inflow.test",
            direction=CallDirection.INBOUND,
            state=CallState.RINGING,
            remote_uri=remote_uri,
            remote_number=number,
            remote_name=name,
            local_uri="sip:inflow@127.0.0.1",
            started_at=_now(),
        )
        self._calls[snapshot.call_id] = snapshot
        self.incoming_call.emit(snapshot)
        return snapshot

    def remote_cancel(self, call_id: int) -> None:
        """Simulate the caller giving up before an answer."""
        self._end(call_id, EndReason.CANCELLED, 487)

    def remote_hangup(self, call_id: int) -> None:
        """Simulate the far side hanging up."""
        self._end(call_id, EndReason.COMPLETED if self._calls[call_id].answered_at else EndReason.CANCELLED)

    def _change(self, call_id: int, **changes: object) -> CallSnapshot:
        snapshot = replace(self._calls[call_id], **changes)  # type: ignore[arg-type]
        self._calls[call_id] = snapshot
        self.call_state_changed.emit(snapshot)
        return snapshot

    def _end(self, call_id: int, reason: EndReason, code: int = 200) -> None:
        snapshot = self._calls.get(call_id)
        if snapshot is None or snapshot.state is CallState.ENDED:
            return
        if snapshot.answered_at is not None:
            reason = EndReason.COMPLETED
        self._change(call_id, state=CallState.ENDED, ended_at=_now(), end_reason=reason, status_code=code)

    def answer(self, call_id: int) -> None:
        """The call becomes active."""
        self._change(call_id, state=CallState.ACTIVE, answered_at=_now(), status_code=200)

    def reject(self, call_id: int) -> None:
        """The call ends as rejected."""
        self._end(call_id, EndReason.REJECTED, 486)

    def hangup(self, call_id: int) -> None:
        """The call ends."""
        self._end(call_id, EndReason.COMPLETED if self._calls[call_id].answered_at else EndReason.CANCELLED)

    def make_call(self, line: str, destination: str) -> int:
        """An outbound call that starts calling."""
        self._next += 1
        snapshot = CallSnapshot(
            call_id=self._next,
            line=line,
            sip_call_id=f"fake-out-{self._next}@inflow.test",
            direction=CallDirection.OUTBOUND,
            state=CallState.CALLING,
            remote_uri=destination,
            remote_number=parse_remote(destination)[0] or destination,
            remote_name="",
            local_uri="sip:inflow@127.0.0.1",
            started_at=_now(),
        )
        self._calls[snapshot.call_id] = snapshot
        self.call_state_changed.emit(snapshot)
        return snapshot.call_id

    def hold(self, call_id: int) -> None:
        """On hold."""
        self._change(call_id, on_hold=True)

    def resume(self, call_id: int) -> None:
        """Off hold."""
        self._change(call_id, on_hold=False)

    def set_muted(self, call_id: int, muted: bool) -> None:
        """Muted or not."""
        self._change(call_id, muted=muted)

    def send_dtmf(self, call_id: int, digits: str) -> None:
        """Remembered in ``sent_dtmf``."""
        self.sent_dtmf.append((call_id, digits))

    def transfer(self, call_id: int, destination: str) -> None:
        """The call ends as transferred (completed)."""
        self._end(call_id, EndReason.COMPLETED)

    def start_recording(self, call_id: int, path: str) -> None:
        """Remembered in ``recordings``."""
        self.recordings[call_id] = path
        self._change(call_id, recording_path=path)
