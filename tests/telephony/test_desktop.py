"""The desktop client end to end: ``python -m app --sip-listen HOST:PORT`` offscreen, called by sipp.

The app runs in its own process (its own pjsua2 Endpoint); the test waits for the line to listen
(the client's log), places a call that gives up after ringing, and finds the lead and the call
record in the database; the client then quits by itself and exits 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from app.domain.enums import CallResult
from app.persistence.models import CallRecord, Channel, Interaction, Lead
from app.persistence.uow import open_database
from app.services.admin import create_user
from app.services.permissions import Actor
from tests.telephony.conftest import SippRunner, free_port

REPO = Path(__file__).resolve().parents[2]


def _wait_for(predicate: object, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    said = log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"
    raise AssertionError(f"timed out waiting for {what}; the client's log:\n{said}")


def test_the_desktop_listens_for_direct_sip_and_makes_a_lead_of_a_call(
    db_url: str, tmp_path: Path, sipp: SippRunner
) -> None:
    db = open_database(db_url)
    try:
        with db.uow() as uow:
            create_user(uow, Actor.system(), "admin", "Смирнов Алексей", ["admin"], password="s3cret")
        port = free_port()
        env = dict(os.environ)
        env.update(
            {
                "QT_QPA_PLATFORM": "offscreen",
                "INFLOW_PASSWORD": "s3cret",
                "INFLOW_QUIT_AFTER_MS": "20000",
                "INFLOW_LOG_LEVEL": "DEBUG",
                "HOME": str(tmp_path / "home"),
                "XDG_DATA_HOME": str(tmp_path / "data"),
                "XDG_CONFIG_HOME": str(tmp_path / "config"),
                "XDG_CACHE_HOME": str(tmp_path / "cache"),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            }
        )
        env.pop("INFLOW_DATABASE_URL", None)
        command = [
            sys.executable, "-m", "app", "--database", db_url, "--user", "admin",
            "--sip-listen", f"127.0.0.1:{port}",
        ]  # fmt: skip
        client = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        log = next(iter(Path(tmp_path / "data").glob("**/logs")), tmp_path / "data") / "inflow.log"
        try:
            def listening() -> bool:
                logs = list((tmp_path / "data").glob("**/logs/inflow.log"))
                return bool(logs) and "listening" in logs[0].read_text(errors="replace")

            _wait_for(listening, 30, "the direct line", log)
            run = sipp(port, caller="89161234567", scenario="cancel", pause_ms=300)
            assert run.wait(30) == 0, run.output()

            def logged() -> bool:
                with db.session() as session:
                    return session.scalar(select(CallRecord.end_at)) is not None

            _wait_for(logged, 15, "the call record", log)
        finally:
            client.terminate()  # aboutToQuit: the softphone shuts down in order
            output = client.communicate(timeout=30)[0].decode(errors="replace")
        assert client.returncode == 0, output
        with db.session() as session:
            lead = session.scalars(select(Lead)).one()
            channel = session.get_one(Channel, lead.channel_id)
            record = session.scalars(select(CallRecord)).one()
            task = session.scalars(select(Interaction)).one()
            assert channel.name == "Телефон" and channel.kind == "call"  # no call channel: made at start
            assert lead.phone == "+79161234567" and lead.kind == "call"
            assert lead.external_id == record.sip_call_id
            assert record.result == CallResult.NO_ANSWER.value and record.lead_id == lead.id
            assert task.lead_id == lead.id
    finally:
        db.dispose()
