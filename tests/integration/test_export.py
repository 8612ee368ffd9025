"""`inflow export leads`: the INTERFACES shape in JSON, CSV for Russian Excel, XLSX; periods; rights."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.cli import main
from app.domain.errors import PermissionDenied, ValidationError
from app.persistence.models import Lead
from app.persistence.uow import open_database
from app.services.admin import find_pg_dump
from app.services.export import FIELDS, export_leads, period_bounds
from app.services.permissions import load_actor_by_login

INTERFACES_FIELDS = [
    "id",
    "received_at",
    "channel",
    "kind",
    "contact_name",
    "phone",
    "email",
    "state",
    "quality",
    "responsible",
    "rejection_reason",
    "result",
    "processed_at",
    "processor",
]
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def run(capsys: pytest.CaptureFixture[str], db_url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--database", db_url, *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def demo_url(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    code, _, err = run(capsys, db_url, "demo", "--leads", "120", "--seed", "2")
    assert code == 0, err
    return db_url


def lead_count(db_url: str) -> int:
    db = open_database(db_url)
    try:
        with db.session() as session:
            return int(session.scalar(select(func.count()).select_from(Lead)) or 0)
    finally:
        db.dispose()


def test_json_export_has_the_interfaces_shape(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert list(FIELDS) == INTERFACES_FIELDS
    code, out, err = run(capsys, demo_url, "export", "leads", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert isinstance(rows, list) and len(rows) == lead_count(demo_url) == 120
    assert len({row["id"] for row in rows}) == 120
    for row in rows:
        assert list(row) == INTERFACES_FIELDS
        assert row["kind"] in {"call", "email", "dialog", "request"}
        assert row["state"] in {"new", "in_progress", "repeat", "converted", "repeat_processed", "rejected"}
        assert row["quality"] in {"target", "repeat", "non_target", "unchecked"}
        assert row["phone"] is None or E164.match(row["phone"]), row["phone"]
        received = datetime.fromisoformat(row["received_at"])
        assert received.utcoffset() is not None
        if row["state"] in ("converted", "repeat_processed"):
            assert re.match(r"^(interest|process) #\d+: .+", row["result"]), row
            assert row["processor"] and row["processed_at"]
            assert datetime.fromisoformat(row["processed_at"]).utcoffset() is not None
        else:
            assert row["result"] is None
        if row["state"] != "rejected":
            assert row["rejection_reason"] is None
        assert row["channel"] in {"Телефон", "Почта sales@", "Telegram", "Сайт", "Walk-in"}
    assert any(row["rejection_reason"] for row in rows)
    received = [row["received_at"] for row in rows]
    assert [datetime.fromisoformat(t) for t in received] == sorted(
        datetime.fromisoformat(t) for t in received
    )


def test_xlsx_and_csv_have_the_same_rows_as_json(
    demo_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, demo_url, "export", "leads", "--format", "json")
    rows = json.loads(out)

    xlsx = tmp_path / "leads.xlsx"
    code, out, err = run(capsys, demo_url, "export", "leads", "-o", str(xlsx))  # format from the extension
    assert code == 0, err
    assert "Exported 120 leads" in out
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == INTERFACES_FIELDS and sheet["A1"].font.b
    assert len(table) - 1 == len(rows)
    for excel, row in zip(table[1:], rows, strict=True):
        assert excel[0] == row["id"]
        assert isinstance(excel[1], datetime) and excel[1].tzinfo is None
        local = datetime.fromisoformat(row["received_at"]).replace(tzinfo=None, microsecond=0)
        assert abs(excel[1] - local) < timedelta(seconds=1)
        assert excel[5] == row["phone"] and excel[7] == row["state"]

    target = tmp_path / "leads.csv"
    code, _, err = run(capsys, demo_url, "export", "leads", "--format", "csv", "-o", str(target))
    assert code == 0, err
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Russian Excel reads UTF-8
    text = raw.decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert parsed[0] == INTERFACES_FIELDS
    assert len(parsed) - 1 == len(rows)
    for line, row in zip(parsed[1:], rows, strict=True):
        back = dict(zip(INTERFACES_FIELDS, line, strict=True))
        for name in (
            "id",
            "channel",
            "kind",
            "contact_name",
            "phone",
            "email",
            "state",
            "quality",
            "responsible",
            "rejection_reason",
            "result",
            "processor",
        ):
            expected = row[name]
            assert back[name] == ("" if expected is None else str(expected)), name
        local = datetime.fromisoformat(row["received_at"]).strftime("%Y-%m-%d %H:%M:%S")
        assert back["received_at"] == local

    # CSV and JSON to standard output when there is no -o.
    code, out, err = run(capsys, demo_url, "export", "leads")
    assert code == 0, err
    assert out.lstrip("\ufeff").splitlines()[0] == ";".join(INTERFACES_FIELDS)
    assert len(out.splitlines()) == len(rows) + 1


def test_period_is_inclusive_local_dates(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, demo_url, "export", "leads", "--format", "json")
    rows = json.loads(out)
    days = sorted({datetime.fromisoformat(r["received_at"]).date() for r in rows})
    first, last = days[len(days) // 3], days[2 * len(days) // 3]
    code, out, err = run(
        capsys,
        demo_url,
        "export",
        "leads",
        "--format",
        "json",
        "--from",
        first.isoformat(),
        "--to",
        last.strftime("%d.%m.%Y"),
    )
    assert code == 0, err
    window = json.loads(out)
    expected = [r["id"] for r in rows if first <= datetime.fromisoformat(r["received_at"]).date() <= last]
    assert [r["id"] for r in window] == expected and expected

    code, _, err = run(capsys, demo_url, "export", "leads", "--from", "2024-02-02", "--to", "2024-01-01")
    assert code == 2 and "after it ends" in err
    code, _, err = run(capsys, demo_url, "export", "leads", "--format", "xlsx")
    assert code == 2 and "-o FILE" in err
    code, _, err = run(capsys, demo_url, "export", "leads", "--from", "31.02.2024")
    assert code == 2 and "not a date" in err


def test_period_bounds_follow_the_given_zone() -> None:
    moscow = timezone(timedelta(hours=3))
    start, end = period_bounds(date(2024, 3, 1), date(2024, 3, 31), moscow)
    assert start == datetime(2024, 2, 29, 21, 0, tzinfo=UTC)
    assert end == datetime(2024, 3, 31, 21, 0, tzinfo=UTC)
    assert period_bounds(None, None) == (None, None)
    with pytest.raises(ValidationError):
        period_bounds(date(2024, 3, 2), date(2024, 3, 1))


def test_export_needs_the_right_and_shows_only_visible_leads(demo_url: str) -> None:
    db = open_database(demo_url)
    try:
        with db.session() as session:
            total = session.scalar(select(func.count()).select_from(Lead))
            manager = load_actor_by_login(session, "manager1")
            with pytest.raises(PermissionDenied, match="export"):
                export_leads(session, manager)
            dispatcher = load_actor_by_login(session, "dispatcher")
            assert len(export_leads(session, dispatcher)) == total
            supervisor = load_actor_by_login(session, "supervisor")  # own department only
            visible = export_leads(session, supervisor)
            assert 0 < len(visible) < int(total or 0)
    finally:
        db.dispose()


def test_responsible_is_the_role_name_when_only_a_role_is_responsible(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, db_url, "channel", "add", "dialog", "Telegram", "--role", "dispatcher")[0] == 0
    assert run(capsys, db_url, "lead", "add", "--channel", "Telegram", "--name", "Аня")[0] == 0
    code, out, _ = run(capsys, db_url, "export", "leads", "--format", "json")
    assert code == 0
    (row,) = json.loads(out)
    assert row["responsible"] == "Диспетчер" and row["processor"] is None and row["phone"] is None


def test_csv_neutralizes_formulas(db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, db_url, "channel", "add", "request", "Сайт")[0] == 0
    assert (
        run(
            capsys,
            db_url,
            "lead",
            "add",
            "--channel",
            "Сайт",
            "--name",
            '=HYPERLINK("x")',
            "--phone",
            "89161234567",
        )[0]
        == 0
    )
    code, out, _ = run(capsys, db_url, "export", "leads", "--format", "csv")
    assert code == 0
    assert "'=HYPERLINK" in out and "+79161234567" in out
    target = tmp_path / "x.xlsx"
    assert run(capsys, db_url, "export", "leads", "-o", str(target))[0] == 0
    sheet = load_workbook(target).active
    assert sheet is not None and sheet["E2"].value == '=HYPERLINK("x")' and sheet["E2"].data_type == "s"


# ----------------------------------------------------------------------------------------- backup


def test_db_backup_is_a_consistent_copy(
    demo_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "backup.bin"
    if demo_url.startswith("postgresql") and find_pg_dump() is None:
        code, _, err = run(capsys, demo_url, "db", "backup", str(target))
        assert code == 1 and "pg_dump was not found" in err
        if os.environ.get("CI") == "true":
            pytest.fail("pg_dump is missing: .ci/run installs PostgreSQL, which brings it")
        pytest.skip("pg_dump is not installed (the refusal sentence was checked)")
    code, out, err = run(capsys, demo_url, "db", "backup", str(target))
    assert code == 0, err
    assert "Backup written" in out and target.stat().st_size > 0
    if demo_url.startswith("sqlite"):
        copy = sqlite3.connect(target)
        try:
            assert copy.execute("SELECT count(*) FROM leads").fetchone() == (lead_count(demo_url),)
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        finally:
            copy.close()
        # ...and the copy is an Inflow database in its own right.
        code, out, err = run(capsys, f"sqlite:///{target}", "export", "leads", "--format", "json")
        assert code == 0, err
        assert len(json.loads(out)) == lead_count(demo_url)
    else:
        assert target.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert not list(tmp_path.glob(".*.partial"))

    code, _, err = run(capsys, demo_url, "db", "backup", str(tmp_path / "missing" / "b.db"))
    assert code == 1 and "does not exist" in err and "Traceback" not in err
