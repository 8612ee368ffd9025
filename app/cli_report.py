"""``inflow report NAME …`` (INTERFACES "The `inflow` command"; docs/CLI.md "report").

Whose data: the CLI acts as the system actor (every lead, interest, call and client) unless a user
is named — ``inflow report NAME --user LOGIN`` or ``inflow --user LOGIN report NAME`` — and then
the report counts what that user may see (the same visibility as in the desktop). The period
defaults to today for ``kpi`` and to all time for the other reports.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from app.domain.enums import ChannelKind, LeadQuality
from app.persistence.models import Channel, Department, User
from app.persistence.uow import Database
from app.services.permissions import Actor, load_actor_by_login
from app.services.reports import (
    NO_SOURCE,
    PeriodPreset,
    ReportFilters,
    ReportFormat,
    ReportName,
    period_for_preset,
    run_report,
    write_report,
)

_ADDRESS = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
PRESETS = [p.value for p in PeriodPreset if p is not PeriodPreset.CUSTOM]


def add_parser(
    commands: Any, parser_class: type[argparse.ArgumentParser], date_type: Callable[[str], date]
) -> None:
    """Add ``report`` to the ``inflow`` subcommands."""
    report = commands.add_parser(
        "report",
        help="built-in reports: leads, rejections, funnel, control, missed-calls, response-time, "
        "sources, kpi",
        description="Run a built-in report for a period and print, save or mail it.",
    )
    report.add_argument("name", choices=[n.value for n in ReportName], metavar="NAME",
                        help=", ".join(n.value for n in ReportName))
    period = report.add_argument_group("period (inclusive local dates; default: kpi today, others all time)")
    period.add_argument("--from", dest="date_from", type=date_type, metavar="DATE", help="first day")
    period.add_argument("--to", dest="date_to", type=date_type, metavar="DATE", help="last day, inclusive")
    period.add_argument("--period", choices=PRESETS, help="a preset relative to today")
    period.add_argument(
        "--zone", metavar="TZ", help="time zone of the dates, e.g. Europe/Moscow (default: local)"
    )
    filters = report.add_argument_group("filters (repeat an option for several values)")
    filters.add_argument("--channel", action="append", default=[], metavar="NAME", help="channel name")
    filters.add_argument("--kind", action="append", default=[], choices=[k.value for k in ChannelKind])
    filters.add_argument("--manager", action="append", default=[], metavar="LOGIN", help="responsible user")
    filters.add_argument("--department", action="append", default=[], metavar="NAME",
                         help="department of the responsible user")
    filters.add_argument("--quality", action="append", default=[], choices=[q.value for q in LeadQuality])
    filters.add_argument("--source", action="append", default=[], metavar="NAME",
                         help='advertising source ("" for leads without one)')
    output = report.add_argument_group("output")
    output.add_argument("--format", choices=[f.value for f in ReportFormat],
                        help="default: from the -o file's extension, else table")
    output.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE (default: stdout)")
    output.add_argument("--mail-to", action="append", default=[], metavar="ADDR",
                        help="send the report by e-mail (repeatable; the table in the body, a file attached)")
    output.add_argument("--attach", choices=["xlsx", "pdf", "csv"],
                        help="the attached file's format (default: --format when xlsx/pdf/csv, else xlsx)")
    output.add_argument("--smtp-channel", metavar="NAME",
                        help="the e-mail channel whose SMTP server sends (default: the first with one)")
    report.add_argument("--user", dest="report_user", metavar="LOGIN",
                        help="count what this user may see (default: everything)")
    report.set_defaults(parser=report)


def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        from app.cli import UsageError

        raise UsageError(f"'{name}' is not a time zone name (e.g. Europe/Moscow).") from None


def _ids(session: Any, column: Any, key: Any, values: list[str], what: str) -> tuple[int, ...]:
    from app.cli import CommandError

    found: list[int] = []
    for value in values:
        ident = session.scalar(select(column).where(key == value))
        if ident is None:
            raise CommandError(f"There is no {what} '{value}'.")
        found.append(int(ident))
    return tuple(found)


def run(args: argparse.Namespace, db: Database, out: IO[str]) -> int:
    """The handler of ``inflow report``."""
    from app.cli import UsageError
    from app.services.export import local_zone

    name = ReportName(args.name)
    zone = _zone(args.zone) or local_zone()
    date_from: date | None = args.date_from
    date_to: date | None = args.date_to
    if args.period and (date_from or date_to):
        raise UsageError("Give either --period or --from/--to, not both.")
    if args.period:
        date_from, date_to = period_for_preset(PeriodPreset(args.period), datetime.now(zone).date())
    elif date_from is None and date_to is None and name is ReportName.KPI:
        date_from = date_to = datetime.now(zone).date()
    if date_from is not None and date_to is not None and date_from > date_to:
        raise UsageError(f"The period starts ({date_from}) after it ends ({date_to}).")
    recipients = [a.strip() for value in args.mail_to for a in value.split(",") if a.strip()]
    for address in recipients:
        if not _ADDRESS.match(address):
            raise UsageError(f"'{address}' is not an e-mail address.")
    output: Path | None = args.output.expanduser() if args.output is not None else None
    fmt_name: str | None = args.format
    if fmt_name is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else ""
        fmt_name = suffix if suffix in {f.value for f in ReportFormat} else "table"
    fmt = ReportFormat(fmt_name)
    if fmt in (ReportFormat.XLSX, ReportFormat.PDF) and output is None and not recipients:
        raise UsageError(f"The {fmt.value} format needs an output file: add -o FILE.")
    attachment = ReportFormat(args.attach) if args.attach else (
        fmt if fmt in (ReportFormat.XLSX, ReportFormat.PDF, ReportFormat.CSV) else ReportFormat.XLSX
    )
    login: str | None = args.report_user or getattr(args, "user", None)

    with db.session() as session:
        actor = load_actor_by_login(session, login) if login else Actor.system()
        filters = ReportFilters(
            date_from=date_from,
            date_to=date_to,
            zone=zone,
            channel_ids=_ids(session, Channel.id, Channel.name, args.channel, "channel"),
            kinds=tuple(ChannelKind(k) for k in args.kind),
            manager_ids=_ids(session, User.id, User.login, args.manager, "user"),
            department_ids=_ids(session, Department.id, Department.name, args.department, "department"),
            qualities=tuple(LeadQuality(q) for q in args.quality),
            sources=tuple(NO_SOURCE if s.strip() == "" else s for s in args.source),
        )
        result = run_report(session, actor, name, filters)
        if recipients:
            from app.services.report_mail import mail_report

            account = mail_report(
                session, result, recipients, channel_name=args.smtp_channel, attachment=attachment, zone=zone
            )

    printed = False
    if output is not None:
        if output.is_dir():
            from app.cli import CommandError

            raise CommandError(f"{output} is a folder; give the name of the file to write.")
        temporary = output.with_name(f".{output.name}.{os.getpid()}.partial")
        try:
            with temporary.open("wb") as stream:
                write_report(result, fmt, stream, zone)
            os.replace(temporary, output)
        finally:
            temporary.unlink(missing_ok=True)
        out.write(f"Report '{name.value}' written to {output}.\n")
        printed = True
    elif fmt not in (ReportFormat.XLSX, ReportFormat.PDF) and (not recipients or args.format):
        buffer = io.BytesIO()
        write_report(result, fmt, buffer, zone)
        out.write(buffer.getvalue().decode("utf-8-sig" if fmt is ReportFormat.CSV else "utf-8"))
        printed = fmt is not ReportFormat.TABLE
    if recipients:
        # Standard output may already carry a document (JSON, CSV): the note goes to stderr then.
        note = (
            f"Report '{name.value}' sent to {', '.join(recipients)} through {account.host}:{account.port} "
            f"(channel '{account.channel}').\n"
        )
        (sys.stderr if printed else out).write(note)
    return 0
