"""`inflow report` in-process on both engines: the JSON shape, files, filters, users, and mail
delivered to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import json
import socket
from collections.abc import Iterator
from datetime import date
from email.message import Message
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from openpyxl import load_workbook

from app.cli import main
from app.persistence.models import Channel
from app.persistence.uow import Database
from app.services.admin import SECURITY, SMTP_HOST, SMTP_PORT
from tests.factories import make_channel
from tests.integration.reports_seed import STATES, Seeded, Truth, local_day_bounds, seed

MOSCOW = ZoneInfo("Europe/Moscow")


def run(capsys: pytest.CaptureFixture[str], db_url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--database", db_url, *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def seeded(db: Database) -> Seeded:
    return seed(db, n_leads=150)


PERIOD = ("--from", "2026-03-01", "--to", "2026-03-20", "--zone", "Europe/Moscow")


def truth(data: Seeded, **kwargs: Any) -> Truth:
    start, end = local_day_bounds(date(2026, 3, 1), date(2026, 3, 20), MOSCOW)
    return Truth(data, start, end, **kwargs)


def test_report_leads_json_shape(db_url: str, seeded: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, db_url, "report", "leads", *PERIOD, "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["report"] == "leads"
    assert (document["from"], document["to"]) == ("2026-03-01", "2026-03-20")
    assert document["rows"] and isinstance(document["totals"], dict)
    for row in document["rows"]:
        assert {"kind", "channel", "total", *STATES} <= set(row)
        assert row["total"] == sum(row[s] for s in STATES)
    assert document["totals"]["total"] == len(truth(seeded).leads())


def test_report_filters_and_user(db_url: str, seeded: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        db_url,
        "report",
        "sources",
        *PERIOD,
        "--format",
        "json",
        "--channel",
        "Сайт",
        "--channel",
        "Почта",
        "--quality",
        "target",
    )
    assert code == 0, err
    channels = {seeded.channels["Сайт"], seeded.channels["Почта"]}
    assert json.loads(out)["totals"]["leads"] == len(
        truth(seeded, channels=channels, qualities={"target"}).leads()
    )

    from sqlalchemy import select

    from app.persistence.models import User
    from app.persistence.uow import open_database

    database = open_database(db_url)
    try:
        with database.session() as session:
            login = session.scalar(select(User.login).where(User.id == seeded.managers[0]))
    finally:
        database.dispose()
    assert login
    code, out, err = run(capsys, db_url, "report", "leads", *PERIOD, "--format", "json", "--user", login)
    assert code == 0, err
    assert json.loads(out)["totals"]["total"] == len(truth(seeded, viewer=seeded.managers[0]).leads())
    code, out, err = run(capsys, db_url, "report", "leads", *PERIOD, "--format", "json", "--manager", login)
    assert code == 0, err
    assert json.loads(out)["totals"]["total"] == len(truth(seeded, managers={seeded.managers[0]}).leads())


def test_report_files(
    db_url: str, seeded: Seeded, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "leads.xlsx"
    code, out, err = run(capsys, db_url, "report", "leads", *PERIOD, "-o", str(target))
    assert code == 0, err
    sheet = load_workbook(target).active
    assert sheet is not None
    last = list(sheet.iter_rows(values_only=True))[-1]
    assert last[0] == "Total" and last[-1] == len(truth(seeded).leads())
    pdf = tmp_path / "funnel.pdf"
    code, out, err = run(capsys, db_url, "report", "funnel", *PERIOD, "-o", str(pdf))
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF")
    code, out, err = run(capsys, db_url, "report", "rejections", *PERIOD, "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[0] == "group;name;count;share"
    code, out, err = run(capsys, db_url, "report", "control", *PERIOD)
    assert code == 0 and "Supervisor control" in out


@pytest.mark.parametrize(
    "argv",
    [
        ("report", "nonsense"),
        ("report", "leads", "--from", "2026-03-05", "--to", "2026-03-01"),
        ("report", "leads", "--format", "xlsx"),
        ("report", "leads", "--period", "week", "--from", "2026-03-01"),
        ("report", "leads", "--zone", "Mars/Olympus"),
        ("report", "kpi", "--mail-to", "not-an-address"),
    ],
)
def test_bad_usage_exits_2(db_url: str, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    code, out, err = run(capsys, db_url, *argv)
    assert code == 2, (out, err)
    assert "Traceback" not in err


def test_errors_are_one_sentence(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, db_url, "report", "leads", "--channel", "Нет такого")
    assert code == 1
    assert err.strip() == "inflow: There is no channel 'Нет такого'."
    code, _out, err = run(capsys, db_url, "report", "kpi", "--mail-to", "boss@example.ru")
    assert code == 1
    assert "No SMTP server is configured" in err and len(err.strip().splitlines()) == 1


# ------------------------------------------------------------------------------------------- mail


class Inbox:
    """An aiosmtpd handler keeping every letter."""

    def __init__(self) -> None:
        self.letters: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.letters.append(
            (envelope.mail_from, list(envelope.rcpt_tos), email.message_from_bytes(envelope.content))
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_mail_to_delivers_the_kpi(
    db: Database,
    db_url: str,
    seeded: Seeded,
    smtp_server: tuple[Inbox, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    inbox, port = smtp_server
    with db.uow() as uow:
        idle = make_channel(uow.session, "Без SMTP", kind="email")
        idle.settings = {SECURITY: "none"}
        mailbox = make_channel(uow.session, "Отчёты", kind="email")
        mailbox.settings = {SMTP_HOST: "127.0.0.1", SMTP_PORT: port, SECURITY: "none"}
    code, out, err = run(
        capsys,
        db_url,
        "report",
        "kpi",
        *PERIOD,
        "--mail-to",
        "boss@example.ru,deputy@example.ru",
        "--attach",
        "pdf",
    )
    assert code == 0, err
    assert "sent to boss@example.ru, deputy@example.ru" in out
    assert len(inbox.letters) == 1
    sender, recipients, letter = inbox.letters[0]
    assert recipients == ["boss@example.ru", "deputy@example.ru"]
    assert sender == "inflow@127.0.0.1"
    assert "Daily KPI summary" in str(letter["Subject"])
    parts = list(letter.walk())
    text = next(p for p in parts if p.get_content_type() == "text/plain")
    body = text.get_payload(decode=True).decode(text.get_content_charset() or "utf-8")
    assert "Leads in" in body and f"{len(truth(seeded).leads())}" in body
    attachment = next(p for p in parts if p.get_filename())
    assert attachment.get_filename() == "kpi-2026-03-20.pdf"
    assert attachment.get_payload(decode=True).startswith(b"%PDF")

    # The channel can be named; JSON on stdout stays one document.
    code, out, err = run(
        capsys,
        db_url,
        "report",
        "leads",
        *PERIOD,
        "--format",
        "json",
        "--mail-to",
        "boss@example.ru",
        "--smtp-channel",
        "Отчёты",
    )
    assert code == 0, err
    assert json.loads(out)["report"] == "leads"
    assert "sent to boss@example.ru" in err
    assert len(inbox.letters) == 2
    xlsx = next(p for p in inbox.letters[1][2].walk() if p.get_filename())
    assert xlsx.get_filename().endswith(".xlsx")

    with db.uow() as uow:
        channel = uow.session.get(Channel, mailbox.id)
        assert channel is not None
        channel.settings = {SMTP_HOST: "127.0.0.1", SMTP_PORT: _free_port(), SECURITY: "none"}
    code, out, err = run(capsys, db_url, "report", "kpi", "--mail-to", "boss@example.ru")
    assert code == 1
    assert err.startswith("inflow: The report could not be sent through 127.0.0.1:")
