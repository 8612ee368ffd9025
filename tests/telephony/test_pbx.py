"""PBX accounts against a real kamailio: digest registration, a call routed to the account, recovery."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from telephony.model import AccountSnapshot, CallSnapshot, PbxAccount, RegistrationState, SipTransport
from tests.telephony.conftest import EngineUnderTest, Kamailio, SippRunner


class Lines:
    """Registration snapshots of one line."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.seen: list[AccountSnapshot] = []

    def __call__(self, snapshot: AccountSnapshot) -> None:
        if snapshot.line == self.key:
            self.seen.append(snapshot)

    @property
    def state(self) -> RegistrationState | None:
        return self.seen[-1].state if self.seen else None


@pytest.fixture
def pbx_line(sip_engine: EngineUnderTest, qtbot: QtBot) -> Iterator[Lines]:
    lines = Lines("pbx")
    sip_engine.engine.registration_changed.connect(lines)
    yield lines
    sip_engine.engine.remove_line("pbx")
    sip_engine.engine.registration_changed.disconnect(lines)
    qtbot.waitUntil(lambda: not sip_engine.engine.calls(), timeout=5000)


@pytest.mark.parametrize("transport", [SipTransport.UDP, SipTransport.TCP])
def test_an_account_registers_with_digest_auth_and_takes_calls_through_the_pbx(
    sip_engine: EngineUnderTest,
    kamailio: Kamailio,
    sipp: SippRunner,
    pbx_line: Lines,
    qtbot: QtBot,
    transport: SipTransport,
) -> None:
    engine = sip_engine.engine
    account = PbxAccount(
        "pbx", f"127.0.0.1:{kamailio.port}", "101", password=kamailio.password, transport=transport
    )
    first = engine.add_account(account)
    assert first.state is RegistrationState.REGISTERING
    qtbot.waitUntil(lambda: pbx_line.state is RegistrationState.REGISTERED, timeout=10_000)
    assert pbx_line.seen[-1].status_code == 200

    rang: list[CallSnapshot] = []

    def on_incoming(snapshot: CallSnapshot) -> None:
        rang.append(snapshot)
        engine.answer(snapshot.call_id)

    engine.incoming_call.connect(on_incoming)
    try:
        run = sipp(kamailio.port, caller="+79161234567", service="101")
        qtbot.waitUntil(lambda: run.process.poll() is not None, timeout=20_000)
        assert run.wait() == 0, run.output()
    finally:
        engine.incoming_call.disconnect(on_incoming)
    (call,) = rang
    assert call.line == "pbx"
    assert call.remote_number == "+79161234567"
    qtbot.waitUntil(lambda: engine.call(call.call_id) is None, timeout=5000)


def test_a_wrong_password_is_a_failed_registration(
    sip_engine: EngineUnderTest, kamailio: Kamailio, pbx_line: Lines, qtbot: QtBot
) -> None:
    sip_engine.engine.add_account(PbxAccount("pbx", f"127.0.0.1:{kamailio.port}", "101", password="wrong"))
    qtbot.waitUntil(lambda: pbx_line.state is RegistrationState.FAILED, timeout=10_000)
    assert pbx_line.seen[-1].status_code in (401, 403, 407)


def test_the_line_registers_again_after_the_pbx_comes_back(
    sip_engine: EngineUnderTest, kamailio: Kamailio, pbx_line: Lines, qtbot: QtBot
) -> None:
    engine = sip_engine.engine
    engine.add_account(
        PbxAccount(
            "pbx", f"127.0.0.1:{kamailio.port}", "101", password=kamailio.password, transport=SipTransport.TCP
        )
    )
    qtbot.waitUntil(lambda: pbx_line.state is RegistrationState.REGISTERED, timeout=10_000)
    kamailio.stop()
    engine.reregister()  # what the desktop does when the network comes and goes
    qtbot.waitUntil(lambda: pbx_line.state is RegistrationState.FAILED, timeout=10_000)
    kamailio.start()
    # No user action: the retry timer registers the line again.
    qtbot.waitUntil(lambda: pbx_line.state is RegistrationState.REGISTERED, timeout=15_000)
    assert [s.state for s in pbx_line.seen if s.state is not RegistrationState.REGISTERING][-2:] == [
        RegistrationState.FAILED,
        RegistrationState.REGISTERED,
    ]
