"""The SIP engine against real sipp callers (direct SIP, no PBX): ring, answer, cancel, reject."""

from __future__ import annotations

import array
import math
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from telephony.engine import SipEngine, SoftphoneError
from telephony.model import CallDirection, CallSnapshot, CallState, EndReason, parse_remote
from tests.telephony.conftest import DIRECT_LINE, EngineUnderTest, SippRunner


class Calls:
    """Every snapshot the engine emitted during a test, and what to do when a call rings."""

    def __init__(self, engine: SipEngine) -> None:
        self.engine = engine
        self.incoming: list[CallSnapshot] = []
        self.changes: list[CallSnapshot] = []
        self.on_ring: str = "nothing"  # "answer", "reject" or "nothing"
        engine.incoming_call.connect(self._on_incoming)
        engine.call_state_changed.connect(self.changes.append)

    def _on_incoming(self, snapshot: CallSnapshot) -> None:
        self.incoming.append(snapshot)
        if self.on_ring == "answer":
            self.engine.answer(snapshot.call_id)
        elif self.on_ring == "reject":
            self.engine.reject(snapshot.call_id)

    def ended(self) -> list[CallSnapshot]:
        return [s for s in self.changes if s.state is CallState.ENDED]

    def close(self) -> None:
        self.engine.incoming_call.disconnect(self._on_incoming)
        self.engine.call_state_changed.disconnect(self.changes.append)


@pytest.fixture
def calls(sip_engine: EngineUnderTest, qtbot: QtBot) -> Iterator[Calls]:
    recorder = Calls(sip_engine.engine)
    yield recorder
    recorder.close()
    qtbot.waitUntil(lambda: not sip_engine.engine.calls(), timeout=5000)


def test_an_answered_call_rings_is_answered_and_ends(
    sip_engine: EngineUnderTest, sipp: SippRunner, calls: Calls, qtbot: QtBot
) -> None:
    calls.on_ring = "answer"
    run = sipp(sip_engine.port, caller="+79161234567", display="Ivan Petrov", pause_ms=200)
    qtbot.waitUntil(lambda: run.process.poll() is not None, timeout=20_000)
    assert run.wait() == 0, run.output()
    qtbot.waitUntil(lambda: len(calls.ended()) == 1, timeout=5000)

    (ring,) = calls.incoming
    assert ring.direction is CallDirection.INBOUND
    assert ring.state is CallState.RINGING
    assert ring.line == DIRECT_LINE
    assert (ring.remote_number, ring.remote_name) == ("+79161234567", "Ivan Petrov")
    assert ring.sip_call_id
    states = [s.state for s in calls.changes]
    assert states == [CallState.CONNECTING, CallState.ACTIVE, CallState.ENDED]
    (end,) = calls.ended()
    assert end.end_reason is EndReason.COMPLETED
    assert end.answered_at is not None and end.ended_at is not None
    assert end.sip_call_id == ring.sip_call_id


def test_a_caller_who_gives_up_is_a_cancelled_call(
    sip_engine: EngineUnderTest, sipp: SippRunner, calls: Calls, qtbot: QtBot
) -> None:
    run = sipp(sip_engine.port, scenario="cancel", pause_ms=300)
    qtbot.waitUntil(lambda: run.process.poll() is not None, timeout=20_000)
    assert run.wait() == 0, run.output()
    qtbot.waitUntil(lambda: len(calls.ended()) == 1, timeout=5000)
    (end,) = calls.ended()
    assert end.end_reason is EndReason.CANCELLED
    assert end.answered_at is None


def test_a_call_answered_at_another_phone_of_the_group_ends_as_elsewhere(
    sip_engine: EngineUnderTest, sipp: SippRunner, calls: Calls, qtbot: QtBot
) -> None:
    run = sipp(sip_engine.port, scenario="cancel_elsewhere", pause_ms=200)
    qtbot.waitUntil(lambda: run.process.poll() is not None, timeout=20_000)
    assert run.wait() == 0, run.output()
    qtbot.waitUntil(lambda: len(calls.ended()) == 1, timeout=5000)
    assert calls.ended()[0].end_reason is EndReason.ELSEWHERE


def test_a_declined_call_ends_as_rejected(
    sip_engine: EngineUnderTest, sipp: SippRunner, calls: Calls, qtbot: QtBot
) -> None:
    calls.on_ring = "reject"
    run = sipp(sip_engine.port, scenario="rejected")
    qtbot.waitUntil(lambda: run.process.poll() is not None, timeout=20_000)
    assert run.wait() == 0, run.output()
    qtbot.waitUntil(lambda: len(calls.ended()) == 1, timeout=5000)
    assert calls.ended()[0].end_reason is EndReason.REJECTED


def test_operations_on_an_ended_call_say_so(sip_engine: EngineUnderTest) -> None:
    with pytest.raises(SoftphoneError, match="ended"):
        sip_engine.engine.answer(999_999)


def test_a_second_endpoint_in_the_process_is_refused(sip_engine: EngineUnderTest) -> None:
    with pytest.raises(SoftphoneError, match="Only one"):
        SipEngine().start()


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ('"Ivan" <sip:+79161234567@10.0.0.1:5060>;tag=1', ("+79161234567", "Ivan")),
        ("<sip:89161234567@pbx.example>", ("89161234567", "")),
        ("Anna <sip:101@pbx>", ("101", "Anna")),
        ('"Anonymous" <sip:anonymous@anonymous.invalid>;tag=x', ("", "")),
        ("<sip:pbx.example>", ("", "")),
        ("<tel:+74951234567>", ("+74951234567", "")),
    ],
)
def test_the_caller_is_read_from_the_remote_uri(uri: str, expected: tuple[str, str]) -> None:
    assert parse_remote(uri) == expected


def test_a_recorded_call_is_a_valid_wav_with_the_callers_speech(
    sip_engine: EngineUnderTest, sipp: SippRunner, calls: Calls, qtbot: QtBot, tmp_path: Path
) -> None:
    engine = sip_engine.engine
    target = tmp_path / "call.wav"

    def answer_and_record(snapshot: CallSnapshot) -> None:
        engine.answer(snapshot.call_id)
        engine.start_recording(snapshot.call_id, str(target))

    engine.incoming_call.connect(answer_and_record)
    try:
        run = sipp(sip_engine.port, scenario="answered_audio", pause_ms=2000)
        qtbot.waitUntil(lambda: run.process.poll() is not None, timeout=20_000)
        assert run.wait() == 0, run.output()
    finally:
        engine.incoming_call.disconnect(answer_and_record)
    qtbot.waitUntil(lambda: len(calls.ended()) == 1, timeout=5000)
    assert calls.ended()[0].recording_path == str(target)

    def finished() -> bool:
        # pjmedia removes the recorder's port asynchronously (on its clock thread), then writes
        # the final RIFF sizes: a few tens of milliseconds after the call ended.
        data = target.read_bytes()[:8]
        return len(data) == 8 and data[4:8] != b"\x00\x00\x00\x00"

    qtbot.waitUntil(finished, timeout=5000)
    with wave.open(str(target), "rb") as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        frames = wav.readframes(wav.getnframes())
        seconds = wav.getnframes() / wav.getframerate()
    assert seconds > 1.0
    samples = array.array("h", frames)
    rms = math.sqrt(sum(s * s for s in samples) / len(samples))
    assert rms > 100  # sipp's recorded speech, not silence
