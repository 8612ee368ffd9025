"""Export of leads: one row per lead, in CSV, XLSX or JSON (INTERFACES `inflow export leads`).

The rows come from one query with joins, read in batches (``yield_per``), and the writers
consume them as a stream, so 100k+ leads export in constant memory (XLSX uses openpyxl's
write-only mode).

Decisions:

* Periods are calendar dates in the local time zone, both ends inclusive; they are turned into
  UTC bounds ``[from 00:00 local, to+1 00:00 local)``.
* JSON times are ISO 8601 in the local time zone *with* its offset (unambiguous for machines).
* CSV is for Russian Excel: UTF-8 with a BOM (so Excel detects the encoding), ``;`` as the
  delimiter (the list separator of the Russian locale, where ``,`` is the decimal comma), a
  header row with the English field names, and times as local ``YYYY-MM-DD HH:MM:SS`` which
  Excel reads as dates.
* XLSX: a bold header row, times as real Excel date-times in local time (Excel has no time
  zones), a frozen header and an auto-filter.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, fields
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import IO, Any

from sqlalchemy import Executable, func, select
from sqlalchemy.orm import Session, aliased

from app.domain.enums import ChannelKind, LeadQuality, LeadState
from app.domain.errors import ValidationError
from app.persistence.models import (
    Channel,
    Client,
    ContactPerson,
    Interest,
    Lead,
    Process,
    RejectionReason,
    Role,
    User,
)
from app.services.permissions import Actor, Right, lead_visibility_clause

BATCH = 2000


class ExportFormat(StrEnum):
    """The file formats of an export."""

    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class LeadExportRow:
    """One exported lead; field names and order are the INTERFACES contract."""

    id: int
    received_at: datetime
    channel: str
    kind: ChannelKind
    contact_name: str | None
    phone: str | None
    email: str | None
    state: LeadState
    quality: LeadQuality
    responsible: str | None
    rejection_reason: str | None
    result: str | None
    processed_at: datetime | None
    processor: str | None


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(LeadExportRow))


def local_zone() -> tzinfo:
    """The local time zone of this computer."""
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def period_bounds(
    date_from: date | None, date_to: date | None, zone: tzinfo | None = None
) -> tuple[datetime | None, datetime | None]:
    """UTC-aware bounds ``[start, end)`` of inclusive local calendar dates."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ValidationError(f"The period starts ({date_from}) after it ends ({date_to}).")
    start = _local_midnight(date_from, zone) if date_from is not None else None
    end = _local_midnight(date_to + timedelta(days=1), zone) if date_to is not None else None
    return start, end


def _local_midnight(day: date, zone: tzinfo | None) -> datetime:
    naive = datetime.combine(day, time())
    # Without an explicit zone, astimezone() reads the naive time as system local time
    # (daylight saving included), which is what a person typing a date means.
    return naive.replace(tzinfo=zone) if zone is not None else naive.astimezone()


def _statement(actor: Actor, start: datetime | None, end: datetime | None) -> Executable:
    responsible = aliased(User, name="responsible")
    processor = aliased(User, name="processor")
    responsible_role = aliased(Role, name="responsible_role")
    statement = (
        select(
            Lead.id,
            Lead.received_at,
            Channel.name,
            Lead.kind,
            func.coalesce(Lead.contact_name, ContactPerson.name, Client.name),
            Lead.phone,
            Lead.email,
            Lead.state,
            Lead.quality,
            responsible.full_name,
            responsible_role.name,
            RejectionReason.name,
            Interest.id,
            Interest.title,
            Process.id,
            Process.title,
            Lead.processed_at,
            processor.full_name,
        )
        .select_from(Lead)
        .join(Channel, Channel.id == Lead.channel_id)
        .outerjoin(ContactPerson, ContactPerson.id == Lead.contact_person_id)
        .outerjoin(Client, Client.id == Lead.client_id)
        .outerjoin(responsible, responsible.id == Lead.responsible_user_id)
        .outerjoin(responsible_role, responsible_role.id == Lead.responsible_role_id)
        .outerjoin(RejectionReason, RejectionReason.id == Lead.rejection_reason_id)
        .outerjoin(Interest, Interest.id == Lead.result_interest_id)
        .outerjoin(Process, Process.id == Lead.result_process_id)
        .outerjoin(processor, processor.id == Lead.processor_id)
        .where(lead_visibility_clause(actor))
        .order_by(Lead.received_at, Lead.id)
    )
    if start is not None:
        statement = statement.where(Lead.received_at >= start)
    if end is not None:
        statement = statement.where(Lead.received_at < end)
    return statement


def iter_lead_rows(
    session: Session,
    actor: Actor,
    date_from: date | None = None,
    date_to: date | None = None,
    zone: tzinfo | None = None,
) -> Iterator[LeadExportRow]:
    """Stream the export rows of the leads the actor may see, oldest first.

    The session must stay open while the iterator is consumed.
    """
    actor.require(Right.EXPORT)
    start, end = period_bounds(date_from, date_to, zone)
    result = session.execute(_statement(actor, start, end).execution_options(yield_per=BATCH))
    for (
        lead_id,
        received_at,
        channel,
        kind,
        contact_name,
        phone,
        email,
        state,
        quality,
        responsible_name,
        role_name,
        reason,
        interest_id,
        interest_title,
        process_id,
        process_title,
        processed_at,
        processor_name,
    ) in result:
        if interest_id is not None:
            outcome: str | None = f"interest #{interest_id}: {interest_title}"
        elif process_id is not None:
            outcome = f"process #{process_id}: {process_title}"
        else:
            outcome = None
        yield LeadExportRow(
            id=lead_id,
            received_at=received_at,
            channel=channel,
            kind=ChannelKind(kind),
            contact_name=contact_name,
            phone=phone,
            email=email,
            state=LeadState(state),
            quality=LeadQuality(quality),
            responsible=responsible_name or role_name,
            rejection_reason=reason,
            result=outcome,
            processed_at=processed_at,
            processor=processor_name,
        )


def export_leads(
    session: Session,
    actor: Actor,
    date_from: date | None = None,
    date_to: date | None = None,
    zone: tzinfo | None = None,
) -> list[LeadExportRow]:
    """The export rows as a list (see :func:`iter_lead_rows` for large exports)."""
    return list(iter_lead_rows(session, actor, date_from, date_to, zone))


# ----------------------------------------------------------------------------------------- writers


def _local(value: datetime, zone: tzinfo | None) -> datetime:
    return value.astimezone(zone) if zone is not None else value.astimezone()


def row_to_json(row: LeadExportRow, zone: tzinfo | None = None) -> dict[str, Any]:
    """A row as a JSON object: enums as their values, times ISO 8601 with offset."""
    result: dict[str, Any] = {}
    for name, value in zip(FIELDS, astuple(row), strict=True):
        if isinstance(value, datetime):
            result[name] = _local(value, zone).isoformat()
        elif isinstance(value, StrEnum):
            result[name] = value.value
        else:
            result[name] = value
    return result


def write_json(rows: Iterable[LeadExportRow], stream: IO[bytes], zone: tzinfo | None = None) -> int:
    """Write a JSON list of objects, one per line; returns the number of rows."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n", write_through=True)
    count = 0
    try:
        text.write("[")
        for row in rows:
            text.write(",\n" if count else "\n")
            text.write(json.dumps(row_to_json(row, zone), ensure_ascii=False))
            count += 1
        text.write("\n]\n" if count else "]\n")
        text.flush()
    finally:
        text.detach()
    return count


CSV_DELIMITER = ";"
CSV_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: object, zone: tzinfo | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value, zone).strftime(CSV_TIME_FORMAT)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        # CSV injection: a name like "=HYPERLINK(...)" from a web form must stay text in Excel.
        return "'" + value
    return str(value)


def write_csv(rows: Iterable[LeadExportRow], stream: IO[bytes], zone: tzinfo | None = None) -> int:
    """Write CSV for Russian Excel (UTF-8 with BOM, ``;``); returns the number of rows."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
    count = 0
    try:
        writer = csv.writer(text, delimiter=CSV_DELIMITER, lineterminator="\r\n")
        writer.writerow(FIELDS)
        phone = FIELDS.index("phone")
        for row in rows:
            values = astuple(row)
            # The phone is E.164 from our own normalizer: its "+" is not a formula.
            writer.writerow(
                [value or "" if i == phone else _csv_value(value, zone) for i, value in enumerate(values)]
            )
            count += 1
        text.flush()
    finally:
        text.detach()
    return count


_XLSX_WIDTHS = {
    "id": 8,
    "received_at": 19,
    "channel": 20,
    "kind": 9,
    "contact_name": 28,
    "phone": 15,
    "email": 28,
    "state": 16,
    "quality": 11,
    "responsible": 24,
    "rejection_reason": 22,
    "result": 40,
    "processed_at": 19,
    "processor": 24,
}


def write_xlsx(rows: Iterable[LeadExportRow], stream: IO[bytes], zone: tzinfo | None = None) -> int:
    """Write an XLSX workbook (write-only mode: constant memory); returns the number of rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Leads")
    for index, name in enumerate(FIELDS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _XLSX_WIDTHS.get(name, 14)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in FIELDS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        values: list[Any] = []
        for value in astuple(row):
            if isinstance(value, datetime):
                # A plain naive datetime: openpyxl stores it as an Excel date with a date-time format.
                values.append(_local(value, zone).replace(tzinfo=None))
            elif isinstance(value, StrEnum):
                values.append(value.value)
            elif isinstance(value, str) and value.startswith("="):
                # openpyxl would store "=..." as a formula; a contact's name is always text.
                text_cell = WriteOnlyCell(sheet, value=value)
                text_cell.data_type = "s"
                values.append(text_cell)
            else:
                values.append(value)
        sheet.append(values)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(FIELDS))}{count + 1}"
    workbook.save(stream)
    return count


WRITERS = {
    ExportFormat.CSV: write_csv,
    ExportFormat.XLSX: write_xlsx,
    ExportFormat.JSON: write_json,
}


def write_leads(
    rows: Iterable[LeadExportRow], fmt: ExportFormat, stream: IO[bytes], zone: tzinfo | None = None
) -> int:
    """Write rows in the given format; returns the number of rows written."""
    return WRITERS[ExportFormat(fmt)](rows, stream, zone)
