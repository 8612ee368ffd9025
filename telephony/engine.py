"""The SIP engine: one pjsua2 Endpoint, its lines (accounts) and calls, pumped on the GUI thread.

Threading (ARCHITECTURE "Telephony rules", RECIPES "pjsua2"): ``libCreate`` runs on the GUI
thread with ``threadCnt = 0`` and ``mainThreadOnly = True``, and a 5 ms ``QTimer`` calls
``libHandleEvents(0)``, so every pjsua2 callback runs on the GUI thread inside the pump. Callbacks
are thin: they read ``getInfo()``, update a plain Python record, and queue a frozen snapshot; the
snapshots are emitted when pjsua2 has returned (end of the pump tick or of the public method), so
slots never run inside a pjsua2 callback and may open windows or start background work.

Every Account, Call and recorder lives in a registry with a strong reference (a collected Call
makes the caller hear 603); a call is dropped from the registry after its DISCONNECTED callback
returned. ``pj.Error`` never leaves this module: public methods raise :class:`SoftphoneError`
with a sentence, callbacks log and carry on.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pjsua2 as pj  # type: ignore[import-untyped]  # SWIG bindings without type information
from PySide6.QtCore import QObject, Qt, QTimer, Signal

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
    SipTransport,
    SoftphoneError,
    parse_remote,
)

__all__ = ["SipEngine", "SoftphoneError"]

log = logging.getLogger(__name__)

# 5 ms: an INVITE waits at most this long for the pump (the Endpoint has no socket Qt could watch);
# a tick with nothing to do is one poll() — a fraction of a percent of a core.
PUMP_INTERVAL_MS = 5
DEFAULT_MAX_CALLS = 32
DEFAULT_RING_TIMEOUT_S = 60
# A failed registration is retried this often, so the line comes back by itself after a network loss.
REGISTRATION_RETRY_S = 20


def _now() -> datetime:
    return datetime.now(UTC)


def _error_text(error: BaseException) -> str:
    if isinstance(error, pj.Error):
        return str(getattr(error, "reason", "") or getattr(error, "info", lambda: "")() or error)
    return str(error)


@dataclass(slots=True)
class _CallRecord:
    """What the engine knows of one call (plain Python, rebuilt into snapshots)."""

    snapshot: CallSnapshot
    rejected: bool = False  # we declined it (486) from the UI
    elsewhere: bool = False  # cancelled because another phone answered (RFC 3326 Reason)
    timed_out: bool = False  # we gave up ringing (480)
    ring_timer: QTimer | None = None
    recorder: Any = None  # pj.AudioMediaRecorder while recording


class _Account(pj.Account):  # type: ignore[misc]  # subclassing the untyped SWIG class
    """A pjsua2 account forwarding its callbacks to the engine (weakly: no cycle through pjsua2)."""

    def __init__(self, engine: SipEngine, line: str) -> None:
        super().__init__()
        self._engine = weakref.ref(engine)
        self.line = line

    def onRegState(self, prm: Any) -> None:
        engine = self._engine()
        if engine is not None:
            engine._guard(engine._on_reg_state, self, int(prm.code), str(prm.reason), int(prm.expiration))

    def onIncomingCall(self, prm: Any) -> None:
        engine = self._engine()
        if engine is not None:
            engine._guard(engine._on_incoming_call, self, int(prm.callId))


class _Call(pj.Call):  # type: ignore[misc]  # subclassing the untyped SWIG class
    """A pjsua2 call forwarding its callbacks to the engine."""

    def __init__(self, engine: SipEngine, account: _Account, pj_call_id: int = -1) -> None:
        if pj_call_id >= 0:
            super().__init__(account, pj_call_id)
        else:
            super().__init__(account)
        self._engine = weakref.ref(engine)
        self.key = 0

    def onCallState(self, prm: Any) -> None:
        engine = self._engine()
        if engine is not None:
            engine._guard(engine._on_call_state, self)

    def onCallMediaState(self, prm: Any) -> None:
        engine = self._engine()
        if engine is not None:
            engine._guard(engine._on_call_media_state, self)

    def onCallTsxState(self, prm: Any) -> None:
        engine = self._engine()
        if engine is None:
            return
        try:
            event = prm.e.body.tsxState
            if event.tsx.method != "CANCEL" or event.type != pj.PJSIP_EVENT_RX_MSG:
                return
            message = str(event.src.rdata.wholeMsg)
        except Exception:  # nothing may escape into pjsua2
            log.exception("reading a CANCEL failed")
            return
        engine._guard(engine._on_cancel, self, message)

    def onDtmfDigit(self, prm: Any) -> None:
        engine = self._engine()
        if engine is not None:
            engine._guard(engine._on_dtmf, self, str(prm.digit))


class SipEngine(QObject):
    """Owns the process's only pjsua2 Endpoint, its lines and calls.

    Signals:
        incoming_call(CallSnapshot): a call arrived and 180 Ringing was sent.
        call_state_changed(CallSnapshot): a call changed state (ringing → active → ended …).
        registration_changed(AccountSnapshot): a line's registration state changed.
        dtmf_received(int, str): call id and a DTMF digit the far side pressed.

    Threading: GUI thread only (see the module docstring).
    """

    incoming_call = Signal(object)
    call_state_changed = Signal(object)
    registration_changed = Signal(object)
    dtmf_received = Signal(int, str)

    _instance_alive = False  # one Endpoint per process (pjsua is a singleton underneath)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_calls: int = DEFAULT_MAX_CALLS,
        ring_timeout_s: float = DEFAULT_RING_TIMEOUT_S,
        media_address: str = "",
        user_agent: str = "Inflow",
        registration_retry_s: int = REGISTRATION_RETRY_S,
        console_log_level: int = 0,
    ) -> None:
        super().__init__(parent)
        self._max_calls = max_calls
        self._ring_timeout_ms = int(ring_timeout_s * 1000)
        self._media_address = media_address
        self._user_agent = user_agent
        self._retry_s = registration_retry_s
        self._console_log_level = console_log_level  # pjsua's own log on stderr (debugging)
        self._ep: Any = None
        self._transports: dict[tuple[str, SipTransport], int] = {}  # (host:port or "", transport) → id
        self._accounts: dict[str, _Account] = {}
        self._lines: dict[str, AccountSnapshot] = {}
        self._line_specs: dict[str, DirectLine | PbxAccount] = {}
        self._calls: dict[int, _Call] = {}
        self._retry_timers: dict[str, QTimer] = {}
        self._records: dict[int, _CallRecord] = {}
        self._next_key = 0
        self._pending: deque[Callable[[], None]] = deque()
        self._flushing = False
        self._pump = QTimer(self)
        self._pump.setInterval(PUMP_INTERVAL_MS)
        self._pump.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse timer may slip by 5 %
        self._pump.timeout.connect(self._on_pump_timeout)

    # ------------------------------------------------------------------------------ life cycle

    @property
    def running(self) -> bool:
        """Whether the Endpoint exists and the pump runs."""
        return self._ep is not None

    def start(self) -> None:
        """Create and start the Endpoint with the null sound device; start the pump."""
        if self._ep is not None:
            return
        if SipEngine._instance_alive:
            raise SoftphoneError("Only one softphone can run in a program.")
        ep = pj.Endpoint()
        try:
            ep.libCreate()
            config = pj.EpConfig()
            # All SIP work on the GUI thread: no pjsua worker threads, callbacks from the pump only.
            config.uaConfig.threadCnt = 0
            config.uaConfig.mainThreadOnly = True
            config.uaConfig.maxCalls = self._max_calls
            config.uaConfig.userAgent = self._user_agent
            # With the null device the conference bridge otherwise closes and reopens the "sound
            # device" between calls and leaks a slot each time: after ~253 calls every call gets 488.
            config.medConfig.sndAutoCloseTime = -1
            config.logConfig.level = max(2, self._console_log_level)
            config.logConfig.consoleLevel = self._console_log_level
            ep.libInit(config)
            # Ephemeral transports for PBX accounts; a direct line adds its own on its address.
            for transport in SipTransport:
                self._transports[("", transport)] = self._create_transport(ep, transport, "", 0)
            ep.libStart()
            # The Linux wheel has no sound backend (RECIPES); the Qt audio bridge is a later step.
            ep.audDevManager().setNullDev()
        except pj.Error as error:
            self._destroy_endpoint(ep)
            raise SoftphoneError(f"The softphone could not start: {_error_text(error)}.") from error
        self._ep = ep
        SipEngine._instance_alive = True
        self._pump.start()

    def stop(self) -> None:
        """Ordered shutdown: stop the pump, hang up, drop recorders and accounts, destroy the library."""
        ep = self._ep
        if ep is None:
            return
        self._pump.stop()
        for timer in self._retry_timers.values():
            timer.stop()
        try:
            for record in self._records.values():
                if record.ring_timer is not None:
                    record.ring_timer.stop()
            try:
                ep.hangupAllCalls()
                # Let the BYEs and CANCELs leave and the DISCONNECTED callbacks run (bounded).
                deadline = time.monotonic() + 0.5
                while self._calls and time.monotonic() < deadline:
                    ep.libHandleEvents(10)
            except pj.Error as error:
                log.warning("hanging up at shutdown failed: %s", _error_text(error))
            # The ended calls' snapshots still reach the listeners (the call log is written).
            self._flush()
            for record in self._records.values():
                record.recorder = None  # recorders and ports before libDestroy, or the process aborts
            for account in self._accounts.values():
                try:
                    account.shutdown()
                except pj.Error as error:
                    log.warning("shutting down line %s failed: %s", account.line, _error_text(error))
            self._calls.clear()
            self._records.clear()
            self._accounts.clear()
        finally:
            self._ep = None
            self._transports.clear()
            self._pending.clear()
            self._destroy_endpoint(ep)
            SipEngine._instance_alive = False

    @staticmethod
    def _destroy_endpoint(ep: Any) -> None:
        try:
            ep.libDestroy()
        except pj.Error as error:
            log.warning("destroying the SIP library failed: %s", _error_text(error))

    def _create_transport(self, ep: Any, transport: SipTransport, host: str, port: int) -> int:
        config = pj.TransportConfig()
        config.port = port
        if host and host not in ("0.0.0.0", "::"):
            config.boundAddress = host
        kind = pj.PJSIP_TRANSPORT_TCP if transport is SipTransport.TCP else pj.PJSIP_TRANSPORT_UDP
        if ":" in host:
            kind = pj.PJSIP_TRANSPORT_TCP6 if transport is SipTransport.TCP else pj.PJSIP_TRANSPORT_UDP6
        return int(ep.transportCreate(kind, config))

    def _on_pump_timeout(self) -> None:
        try:
            self._ep.libHandleEvents(0)
        except pj.Error as error:
            log.warning("SIP event handling failed: %s", _error_text(error))
        except Exception:
            log.exception("SIP event handling failed")
        self._flush()

    def _guard(self, callback: Callable[..., None], *args: Any) -> None:
        """Run a pjsua2 callback body: nothing may escape into pjsua2."""
        try:
            callback(*args)
        except pj.Error as error:
            log.warning("SIP callback %s failed: %s", callback.__name__, _error_text(error))
        except Exception:
            log.exception("SIP callback %s failed", callback.__name__)

    def _emit_later(self, emit: Callable[[], None]) -> None:
        self._pending.append(emit)

    def _flush(self) -> None:
        """Emit queued snapshots now that no pjsua2 callback is on the stack."""
        if self._flushing:
            return
        self._flushing = True
        try:
            while self._pending:
                emit = self._pending.popleft()
                try:
                    emit()
                except Exception:
                    log.exception("a softphone signal handler failed")
        finally:
            self._flushing = False

    def _require_running(self) -> Any:
        if self._ep is None:
            raise SoftphoneError("The softphone is not running.")
        return self._ep

    # ------------------------------------------------------------------------------ lines

    def lines(self) -> list[AccountSnapshot]:
        """Every line with its current state."""
        return list(self._lines.values())

    def add_direct_line(self, line: DirectLine) -> AccountSnapshot:
        """Listen for direct SIP calls on the line's address (UDP and TCP on the same port)."""
        ep = self._require_running()
        if line.key in self._accounts:
            raise SoftphoneError(f"The line '{line.key}' exists already.")
        host = line.host.strip("[]")
        try:
            udp = self._create_transport(ep, SipTransport.UDP, host, line.port)
        except pj.Error as error:
            raise SoftphoneError(
                f"Cannot listen for SIP calls on {line.host}:{line.port}: {_error_text(error)}."
            ) from error
        self._transports[(f"{host}:{line.port}", SipTransport.UDP)] = udp
        try:
            tcp = self._create_transport(ep, SipTransport.TCP, host, line.port)
            self._transports[(f"{host}:{line.port}", SipTransport.TCP)] = tcp
        except pj.Error as error:  # UDP alone still takes calls; say so in the log
            log.warning("no TCP listener on %s:%s: %s", line.host, line.port, _error_text(error))
        shown_host = f"[{host}]" if ":" in host else host
        uri = f"sip:{shown_host}:{line.port}"
        config = pj.AccountConfig()
        config.idUri = uri
        config.regConfig.registrarUri = ""
        config.sipConfig.transportId = udp
        self._media_config(config, host)
        account = _Account(self, line.key)
        try:
            # The default account gets the calls whose request URI matches no other line.
            account.create(config, True)
        except pj.Error as error:
            raise SoftphoneError(
                f"The direct line on {line.host}:{line.port} failed: {_error_text(error)}."
            ) from error
        self._accounts[line.key] = account
        self._line_specs[line.key] = line
        label = line.label or f"{line.host}:{line.port}"
        snapshot = AccountSnapshot(line.key, LineKind.DIRECT, label, RegistrationState.LISTENING, uri)
        self._set_line(snapshot)
        self._flush()
        return snapshot

    def add_account(self, account_spec: PbxAccount) -> AccountSnapshot:
        """Register an account at its PBX; the state arrives through ``registration_changed``."""
        self._require_running()
        if account_spec.key in self._accounts:
            raise SoftphoneError(f"The line '{account_spec.key}' exists already.")
        registrar = _strip_sip(account_spec.registrar)
        domain = account_spec.domain.strip() or registrar.split(";")[0].rsplit(":", 1)[0]
        uri = f"sip:{account_spec.user}@{domain}"
        suffix = ";transport=tcp" if account_spec.transport is SipTransport.TCP else ""
        config = pj.AccountConfig()
        config.idUri = uri
        config.regConfig.registrarUri = f"sip:{registrar}{suffix}"
        config.regConfig.retryIntervalSec = self._retry_s
        config.regConfig.firstRetryIntervalSec = min(5, self._retry_s)
        config.regConfig.randomRetryIntervalSec = 0 if self._retry_s < 10 else 5
        config.regConfig.timeoutSec = 300
        credentials = pj.AuthCredInfo(
            "digest", "*", account_spec.auth_user or account_spec.user, 0, account_spec.password
        )
        config.sipConfig.authCreds.append(credentials)
        if account_spec.proxy.strip():
            config.sipConfig.proxies.append(f"sip:{_strip_sip(account_spec.proxy)};lr{suffix}")
        config.sipConfig.transportId = self._transports[("", account_spec.transport)]
        self._media_config(config, "")
        account = _Account(self, account_spec.key)
        label = account_spec.label or f"{account_spec.user}@{domain}"
        snapshot = AccountSnapshot(account_spec.key, LineKind.PBX, label, RegistrationState.REGISTERING, uri)
        self._accounts[account_spec.key] = account
        self._line_specs[account_spec.key] = account_spec
        self._set_line(snapshot)
        try:
            account.create(config)
        except pj.Error as error:
            del self._accounts[account_spec.key]
            del self._line_specs[account_spec.key]
            self._lines.pop(account_spec.key, None)
            raise SoftphoneError(f"The account {uri} could not be set up: {_error_text(error)}.") from error
        self._flush()
        return self._lines[account_spec.key]

    def remove_line(self, key: str) -> None:
        """Unregister and drop a line (its calls are hung up)."""
        account = self._accounts.pop(key, None)
        self._line_specs.pop(key, None)
        timer = self._retry_timers.pop(key, None)
        if timer is not None:
            timer.stop()
            timer.deleteLater()
        if account is None:
            return
        for call in list(self._calls.values()):
            record = self._records.get(call.key)
            if record is not None and record.snapshot.line == key:
                self._hangup_quietly(call)
        try:
            account.shutdown()
        except pj.Error as error:
            log.warning("removing line %s failed: %s", key, _error_text(error))
        previous = self._lines.pop(key, None)
        if previous is not None:
            off = replace(previous, state=RegistrationState.OFF, status_code=0, reason="")
            self._emit_later(lambda: self.registration_changed.emit(off))
        self._flush()

    def reregister(self) -> None:
        """Register every PBX line again now (the network came back, the user asked)."""
        ep = self._require_running()
        try:
            # Rebinds transports and re-registers (pjsua's answer to an IP address change).
            ep.handleIpChange(pj.IpChangeParam())
        except pj.Error as error:
            log.info("IP change handling failed (%s); re-registering directly", _error_text(error))
            for key, account in self._accounts.items():
                if isinstance(self._line_specs.get(key), PbxAccount):
                    try:
                        account.setRegistration(True)
                    except pj.Error as inner:
                        log.warning("re-registering %s failed: %s", key, _error_text(inner))
        self._flush()

    def _media_config(self, config: Any, host: str) -> None:
        address = self._media_address or ("" if host in ("", "0.0.0.0", "::") else host)
        if address:
            config.mediaConfig.transportConfig.boundAddress = address
            config.mediaConfig.transportConfig.publicAddress = address

    def _set_line(self, snapshot: AccountSnapshot) -> None:
        self._lines[snapshot.line] = snapshot
        self._emit_later(lambda: self.registration_changed.emit(snapshot))

    def _on_reg_state(self, account: _Account, code: int, reason: str, expiration: int) -> None:
        previous = self._lines.get(account.line)
        if previous is None:
            return
        if 200 <= code < 300:
            state = RegistrationState.REGISTERED if expiration > 0 else RegistrationState.OFF
        else:
            state = RegistrationState.FAILED
        snapshot = replace(previous, state=state, status_code=code, reason=reason)
        if snapshot != previous:
            self._set_line(snapshot)
        if state is RegistrationState.FAILED:
            # pjsua retries some failures by itself but not all (a refused TCP connection during an
            # IP-change re-registration is not retried): our own timer makes every failure retry.
            self._retry_timer(account.line).start()

    def _retry_timer(self, line: str) -> QTimer:
        timer = self._retry_timers.get(line)
        if timer is None:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(self._retry_s * 1000)
            timer.timeout.connect(lambda: self._on_retry_timeout(line))
            self._retry_timers[line] = timer
        return timer

    def _on_retry_timeout(self, line: str) -> None:
        account = self._accounts.get(line)
        snapshot = self._lines.get(line)
        if account is None or snapshot is None or snapshot.state is not RegistrationState.FAILED:
            return
        try:
            account.setRegistration(True)
        except pj.Error as error:
            log.info("registering %s again failed: %s", line, _error_text(error))
            self._retry_timer(line).start()
        self._flush()

    # ------------------------------------------------------------------------------ calls

    def calls(self) -> list[CallSnapshot]:
        """The calls not yet ended."""
        return [r.snapshot for r in self._records.values() if r.snapshot.state is not CallState.ENDED]

    def call(self, call_id: int) -> CallSnapshot | None:
        """A call's latest snapshot, while the engine still holds it."""
        record = self._records.get(call_id)
        return record.snapshot if record is not None else None

    def _new_key(self) -> int:
        self._next_key += 1
        return self._next_key

    def _on_incoming_call(self, account: _Account, pj_call_id: int) -> None:
        seen = time.perf_counter()
        call = _Call(self, account, pj_call_id)
        call.key = self._new_key()
        self._calls[call.key] = call  # a strong reference at once: a collected Call answers 603
        info = call.getInfo()
        number, name = parse_remote(str(info.remoteUri))
        snapshot = CallSnapshot(
            call_id=call.key,
            line=account.line,
            sip_call_id=str(info.callIdString),
            direction=CallDirection.INBOUND,
            state=CallState.RINGING,
            remote_uri=str(info.remoteUri),
            remote_number=number,
            remote_name=name,
            local_uri=str(info.localUri),
            started_at=_now(),
            seen_perf=seen,
        )
        record = _CallRecord(snapshot)
        self._records[call.key] = record
        prm = pj.CallOpParam()
        prm.statusCode = 180  # ring at once; the operator answers (200) later from the UI
        call.answer(prm)
        if self._ring_timeout_ms > 0:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(self._ring_timeout_ms)
            timer.timeout.connect(lambda key=call.key: self._on_ring_timeout(key))
            timer.start()
            record.ring_timer = timer
        self._emit_later(lambda: self.incoming_call.emit(snapshot))

    def _on_ring_timeout(self, key: int) -> None:
        record = self._records.get(key)
        call = self._calls.get(key)
        if record is None or call is None or record.snapshot.state is not CallState.RINGING:
            return
        record.timed_out = True
        self._respond(call, 480, "no answer")
        self._flush()

    def _on_call_state(self, call: _Call) -> None:
        record = self._records.get(call.key)
        if record is None:
            return
        info = call.getInfo()
        old = record.snapshot
        pj_state = int(info.state)
        changes: dict[str, Any] = {
            "status_code": int(info.lastStatusCode),
            "reason": str(info.lastReason),
        }
        if not old.sip_call_id:
            changes["sip_call_id"] = str(info.callIdString)
        if pj_state == pj.PJSIP_INV_STATE_DISCONNECTED:
            changes["state"] = CallState.ENDED
            changes["ended_at"] = _now()
            changes["end_reason"] = self._end_reason(record, int(info.lastStatusCode))
        elif pj_state == pj.PJSIP_INV_STATE_CONFIRMED:
            changes["state"] = CallState.ACTIVE
            if old.answered_at is None:
                changes["answered_at"] = _now()
        elif pj_state == pj.PJSIP_INV_STATE_CONNECTING:
            changes["state"] = CallState.CONNECTING
        elif pj_state in (pj.PJSIP_INV_STATE_INCOMING, pj.PJSIP_INV_STATE_EARLY):
            inbound = old.direction is CallDirection.INBOUND
            changes["state"] = CallState.RINGING if inbound else CallState.EARLY
        else:
            changes["state"] = CallState.CALLING
        snapshot = replace(old, **changes)
        record.snapshot = snapshot
        if snapshot.state is not old.state:
            self._emit_later(lambda: self.call_state_changed.emit(snapshot))
        if snapshot.state is CallState.ENDED:
            if record.ring_timer is not None:
                record.ring_timer.stop()
                record.ring_timer.deleteLater()
                record.ring_timer = None
            record.recorder = None  # closes the WAV file before the call goes
            # Drop the Call after this callback has returned (a Call deleted inside its own
            # callback, or late at shutdown, asserts in pjsua_call_set_user_data).
            key = call.key
            self._emit_later(lambda: self._drop(key))

    def _on_cancel(self, call: _Call, message: str) -> None:
        record = self._records.get(call.key)
        if record is not None and _answered_elsewhere(message):
            record.elsewhere = True

    def _drop(self, key: int) -> None:
        self._calls.pop(key, None)
        self._records.pop(key, None)

    @staticmethod
    def _end_reason(record: _CallRecord, code: int) -> EndReason:
        if record.snapshot.answered_at is not None:
            return EndReason.COMPLETED
        if record.elsewhere:
            return EndReason.ELSEWHERE
        if record.rejected:
            return EndReason.REJECTED
        if record.timed_out or code in (408, 480):
            return EndReason.TIMEOUT
        if code == 487:
            return EndReason.CANCELLED
        if code in (486, 600):
            return EndReason.BUSY
        if code in (403, 603):
            return EndReason.REJECTED
        return EndReason.FAILED

    def _on_call_media_state(self, call: _Call) -> None:
        record = self._records.get(call.key)
        if record is None or self._ep is None:
            return
        info = call.getInfo()
        manager = self._ep.audDevManager()
        for index, media in enumerate(info.media):
            if media.type != pj.PJMEDIA_TYPE_AUDIO or media.status != pj.PJSUA_CALL_MEDIA_ACTIVE:
                continue
            audio = call.getAudioMedia(index)
            audio.startTransmit(manager.getPlaybackDevMedia())
            if not record.snapshot.muted:
                manager.getCaptureDevMedia().startTransmit(audio)
            if record.recorder is not None:
                audio.startTransmit(record.recorder)
                manager.getCaptureDevMedia().startTransmit(record.recorder)

    def _on_dtmf(self, call: _Call, digit: str) -> None:
        key = call.key
        self._emit_later(lambda: self.dtmf_received.emit(key, digit))

    def _live(self, call_id: int) -> tuple[_Call, _CallRecord]:
        self._require_running()
        call = self._calls.get(call_id)
        record = self._records.get(call_id)
        if call is None or record is None or record.snapshot.state is CallState.ENDED:
            raise SoftphoneError("The call has ended.")
        return call, record

    def _respond(self, call: _Call, code: int, reason: str = "") -> None:
        prm = pj.CallOpParam()
        prm.statusCode = code
        if reason:
            prm.reason = reason
        call.answer(prm)

    def _hangup_quietly(self, call: _Call) -> None:
        record = self._records.get(call.key)
        if record is not None and record.snapshot.state is CallState.ENDED:
            return  # never hang up a DISCONNECTED call (PJSIP_ESESSIONTERMINATED)
        try:
            call.hangup(pj.CallOpParam())
        except pj.Error as error:
            log.info("hanging up call %s: %s", call.key, _error_text(error))

    def _run(self, what: str, action: Callable[[], None]) -> None:
        try:
            action()
        except pj.Error as error:
            raise SoftphoneError(f"{what} failed: {_error_text(error)}.") from error
        finally:
            self._flush()

    def answer(self, call_id: int) -> None:
        """Answer a ringing inbound call (200 OK)."""
        call, record = self._live(call_id)
        if record.snapshot.state is not CallState.RINGING:
            raise SoftphoneError("The call is not ringing.")
        if record.ring_timer is not None:
            record.ring_timer.stop()
        self._run("Answering the call", lambda: self._respond(call, 200))

    def reject(self, call_id: int) -> None:
        """Decline a ringing inbound call (486 Busy Here: the caller's PBX may try elsewhere)."""
        call, record = self._live(call_id)
        if record.snapshot.state is not CallState.RINGING:
            self.hangup(call_id)
            return
        record.rejected = True
        self._run("Declining the call", lambda: self._respond(call, 486))

    def hangup(self, call_id: int) -> None:
        """End a call in any state (CANCEL, BYE or a final response, as the state requires)."""
        call, _record = self._live(call_id)
        self._run("Hanging up", lambda: call.hangup(pj.CallOpParam()))

    def make_call(self, line: str, destination: str) -> int:
        """Call a number or SIP URI from a line; returns the new call's id."""
        self._require_running()
        account = self._accounts.get(line)
        spec = self._line_specs.get(line)
        if account is None or spec is None:
            raise SoftphoneError("There is no such line.")
        uri = _destination_uri(destination, spec)
        call = _Call(self, account)
        call.key = self._new_key()
        snapshot = CallSnapshot(
            call_id=call.key,
            line=line,
            sip_call_id="",
            direction=CallDirection.OUTBOUND,
            state=CallState.CALLING,
            remote_uri=uri,
            remote_number=parse_remote(uri)[0],
            remote_name="",
            local_uri="",
            started_at=_now(),
            seen_perf=time.perf_counter(),
        )
        self._calls[call.key] = call
        self._records[call.key] = _CallRecord(snapshot)
        try:
            call.makeCall(uri, pj.CallOpParam(True))
        except pj.Error as error:
            self._drop(call.key)
            raise SoftphoneError(f"Calling {destination} failed: {_error_text(error)}.") from error
        record = self._records.get(call.key)
        if record is not None:
            info = call.getInfo()
            record.snapshot = replace(
                record.snapshot, sip_call_id=str(info.callIdString), local_uri=str(info.localUri)
            )
            started = record.snapshot
            self._emit_later(lambda: self.call_state_changed.emit(started))
        self._flush()
        return call.key

    def hold(self, call_id: int) -> None:
        """Put an active call on hold."""
        call, record = self._live(call_id)
        self._run("Holding the call", lambda: call.setHold(pj.CallOpParam(True)))
        self._update(record, on_hold=True)

    def resume(self, call_id: int) -> None:
        """Take a call off hold."""
        call, record = self._live(call_id)

        def unhold() -> None:
            prm = pj.CallOpParam(True)
            prm.opt.flag = pj.PJSUA_CALL_UNHOLD
            call.reinvite(prm)

        self._run("Resuming the call", unhold)
        self._update(record, on_hold=False)

    def set_muted(self, call_id: int, muted: bool) -> None:
        """Stop (or restart) sending the microphone to the call."""
        call, record = self._live(call_id)

        def apply() -> None:
            if not call.hasMedia():
                return
            capture = self._ep.audDevManager().getCaptureDevMedia()
            audio = call.getAudioMedia(-1)
            if muted:
                capture.stopTransmit(audio)
            else:
                capture.startTransmit(audio)

        self._run("Muting", apply)
        self._update(record, muted=muted)

    def send_dtmf(self, call_id: int, digits: str) -> None:
        """Send DTMF digits (RFC 2833) on an active call."""
        call, _record = self._live(call_id)
        self._run("Sending tones", lambda: call.dialDtmf(digits))

    def transfer(self, call_id: int, destination: str) -> None:
        """Blind transfer (REFER) of an active call to a number or URI."""
        call, record = self._live(call_id)
        spec = self._line_specs.get(record.snapshot.line)
        uri = _destination_uri(destination, spec) if spec is not None else destination
        self._run("Transferring the call", lambda: call.xfer(uri, pj.CallOpParam(True)))

    def start_recording(self, call_id: int, path: str) -> None:
        """Record both directions of the call to a WAV file until it ends."""
        call, record = self._live(call_id)
        if record.recorder is not None:
            return
        recorder = pj.AudioMediaRecorder()

        def start() -> None:
            recorder.createRecorder(path)
            if call.hasMedia():
                audio = call.getAudioMedia(-1)
                audio.startTransmit(recorder)
                self._ep.audDevManager().getCaptureDevMedia().startTransmit(recorder)

        self._run("Recording", start)
        record.recorder = recorder
        self._update(record, recording_path=path)

    def _update(self, record: _CallRecord, **changes: Any) -> None:
        record.snapshot = replace(record.snapshot, **changes)
        snapshot = record.snapshot
        self._emit_later(lambda: self.call_state_changed.emit(snapshot))
        self._flush()


def _answered_elsewhere(message: str) -> bool:
    """Whether a CANCEL says the call was answered at another phone (``Reason: SIP;cause=200``)."""
    for line in message.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "reason":
            text = value.lower().replace(" ", "")
            if "cause=200" in text or "completedelsewhere" in text:
                return True
    return False


def _strip_sip(value: str) -> str:
    text = value.strip()
    for prefix in ("sips:", "sip:"):
        if text.lower().startswith(prefix):
            return text[len(prefix) :]
    return text


def _destination_uri(destination: str, spec: DirectLine | PbxAccount) -> str:
    text = destination.strip()
    if text.lower().startswith(("sip:", "sips:")):
        return text
    if "@" in text:
        return f"sip:{text}"
    number = "".join(ch for ch in text if ch.isdigit() or ch in "+*#")
    if isinstance(spec, PbxAccount):
        domain = spec.domain.strip() or _strip_sip(spec.registrar).split(";")[0]
        suffix = ";transport=tcp" if spec.transport is SipTransport.TCP else ""
        return f"sip:{number}@{domain}{suffix}"
    raise SoftphoneError("A direct line calls SIP addresses only (number@host).")
