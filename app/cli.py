"""The ``inflow`` command (INTERFACES "The `inflow` command"); see docs/CLI.md.

The CLI is an administrator's console: it acts as :meth:`Actor.system` (every right, every
lead visible). Every command that touches data first opens the database with
:func:`open_database`, which brings the schema to the current version.

Exit status: 0 on success, 2 on bad usage (argparse), 1 with one sentence on standard error for
anything else. A person never sees a traceback: unexpected errors are written to the log file in
the data folder and reported in one sentence.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import json
import logging
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any, NoReturn

from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

from app.domain.contacts import normalize_email, normalize_phone
from app.domain.enums import ChannelKind, DistributionRule, LeadState
from app.domain.errors import InflowError, ValidationError
from app.persistence.db import default_data_dir, default_database_url
from app.persistence.migrate import current_revision
from app.persistence.uow import Database, open_database
from app.services.dto import ChannelDTO, ClientDTO, ContactPersonDTO, LeadDTO, UserDTO
from app.services.permissions import Actor

PROG = "inflow"
DESKTOP_NOT_AVAILABLE = "The desktop client needs PySide6, which is not installed; see `inflow --help`."
LOG_NAME = "inflow-cli.log"


def _version() -> str:
    try:
        return metadata.version("inflow")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


class UsageError(Exception):
    """Bad usage found after parsing (options that do not fit together): exit status 2."""


class CommandError(Exception):
    """An expected failure outside the services (a missing variable, a file): exit status 1."""


# ------------------------------------------------------------------------------------------ parser


class _Parser(argparse.ArgumentParser):
    """argparse with the exit status of the contract (2) and sentences that end with a period."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        text = message[0].upper() + message[1:] if message else message
        self.exit(2, f"{self.prog}: error: {text.rstrip('.')}.\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' must not be negative")
    return value


def _minutes(text: str) -> int:
    value = _positive_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("the SLA must be at least 1 minute")
    return value


_RU_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def _date(text: str) -> date:
    """YYYY-MM-DD, or the Russian DD.MM.YYYY."""
    match = _RU_DATE.match(text.strip())
    try:
        if match:
            day, month, year = (int(x) for x in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD or DD.MM.YYYY)") from None


def build_parser() -> argparse.ArgumentParser:
    """The whole command line of ``inflow``."""
    parser = _Parser(
        prog=PROG,
        description="Inflow: a lead desk — every call, letter, chat and request becomes a lead.",
        epilog="Run 'inflow COMMAND --help' for a command's options. Documentation: docs/CLI.md.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL (default: $INFLOW_DATABASE_URL, else an SQLite file in the user's data folder)",
    )
    parser.add_argument("--user", metavar="LOGIN", help="desktop client: sign in as LOGIN")
    parser.add_argument("--sip-listen", metavar="HOST:PORT", help="desktop client: accept direct SIP calls")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    # db
    db = commands.add_parser("db", help="schema upgrade and backups")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True, parser_class=_Parser)
    upgrade = db_commands.add_parser("upgrade", help="bring the schema to the current version")
    upgrade.set_defaults(handler=_cmd_db_upgrade)
    backup = db_commands.add_parser("backup", help="a consistent online copy of the database")
    backup.add_argument("file", metavar="FILE", type=Path, help="the backup file (replaced when it exists)")
    backup.set_defaults(handler=_cmd_db_backup)

    # demo
    demo = commands.add_parser("demo", help="fill an empty database with realistic Russian demo data")
    demo.add_argument("--leads", type=_positive_int, default=1000, metavar="N", help="number of leads (1000)")
    demo.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (1)")
    demo.set_defaults(handler=_cmd_demo)

    # user
    user = commands.add_parser("user", help="user accounts")
    user_commands = user.add_subparsers(
        dest="user_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    user_add = user_commands.add_parser("add", help="create a user")
    user_add.add_argument("login", metavar="LOGIN")
    user_add.add_argument("--name", required=True, metavar="NAME", help="full name")
    user_add.add_argument(
        "--role",
        required=True,
        action="append",
        metavar="ROLE",
        help="operator, manager, dispatcher, supervisor or admin (repeat for several roles)",
    )
    user_add.add_argument("--department", metavar="D", help="department name (created when missing)")
    user_add.add_argument("--extension", metavar="EXT", help="PBX extension")
    user_add.add_argument("--email", metavar="ADDR", help="the user's e-mail address")
    user_add.add_argument(
        "--password-env", metavar="VAR", help="read the password from this environment variable (else asked)"
    )
    user_add.set_defaults(handler=_cmd_user_add)
    user_list = user_commands.add_parser("list", help="list users")
    user_list.add_argument("--json", action="store_true", help="one JSON document")
    user_list.set_defaults(handler=_cmd_user_list)

    # channel
    channel = commands.add_parser("channel", help="lead channels")
    channel_commands = channel.add_subparsers(
        dest="channel_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    channel_add = channel_commands.add_parser("add", help="create a channel")
    channel_add.add_argument(
        "kind", choices=[k.value for k in ChannelKind], metavar="KIND", help="call, email, dialog or request"
    )
    channel_add.add_argument("name", metavar="NAME")
    _channel_options(channel_add)
    channel_add.add_argument("--json", action="store_true", help="print the channel as JSON")
    channel_add.set_defaults(handler=_cmd_channel_add, parser=channel_add)
    channel_list = channel_commands.add_parser("list", help="list channels")
    channel_list.add_argument("--json", action="store_true", help="one JSON document")
    channel_list.set_defaults(handler=_cmd_channel_list)

    # lead
    lead = commands.add_parser("lead", help="leads")
    lead_commands = lead.add_subparsers(
        dest="lead_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    lead_add = lead_commands.add_parser("add", help="register a manual request through intake")
    lead_add.add_argument("--channel", required=True, metavar="NAME", help="the channel it came through")
    lead_add.add_argument("--name", metavar="N", help="the contact's name")
    lead_add.add_argument("--phone", metavar="P", help="phone in any usual format")
    lead_add.add_argument("--email", metavar="E", help="e-mail address")
    lead_add.add_argument("--comment", metavar="C", help="what they want")
    lead_add.add_argument("--source", metavar="S", help="advertising source")
    lead_add.add_argument("--json", action="store_true", help='print {"id": ..., "state": ...}')
    lead_add.set_defaults(handler=_cmd_lead_add, parser=lead_add)

    # find
    find = commands.add_parser("find", help="find clients, contact persons and leads")
    find.add_argument("query", metavar="QUERY", help="a phone in any format, an e-mail, a name or an INN")
    find.add_argument("--json", action="store_true", help="one JSON document")
    find.set_defaults(handler=_cmd_find)

    # export
    export = commands.add_parser("export", help="export data")
    export_commands = export.add_subparsers(
        dest="export_command", metavar="WHAT", required=True, parser_class=_Parser
    )
    export_leads = export_commands.add_parser("leads", help="one row per lead")
    export_leads.add_argument(
        "--from", dest="date_from", type=_date, metavar="DATE", help="first day (local)"
    )
    export_leads.add_argument("--to", dest="date_to", type=_date, metavar="DATE", help="last day, inclusive")
    export_leads.add_argument(
        "--format",
        choices=["csv", "xlsx", "json"],
        help="file format (default: from the -o file's extension, else csv)",
    )
    export_leads.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE (default: stdout)"
    )
    export_leads.set_defaults(handler=_cmd_export_leads, parser=export_leads)

    # serve, sync: the connector service and the web-form endpoint (app/serve.py)
    from app.serve import add_commands as add_connector_commands

    add_connector_commands(commands)

    # report (app/cli_report.py)
    from app.cli_report import add_parser as add_report_parser

    add_report_parser(commands, _Parser, _date)
    commands.choices["report"].set_defaults(handler=_cmd_report)

    # Commands of the contract that later versions bring: a sentence instead of "invalid choice".
    for name, text in (
        ("import", "import leads from CSV or XLSX (not available yet)"),
    ):
        later = commands.add_parser(name, help=text, add_help=False)
        later.add_argument("rest", nargs=argparse.REMAINDER)
        later.set_defaults(handler=None, later=name)
    return parser


def _channel_options(parser: argparse.ArgumentParser) -> None:
    common = parser.add_argument_group("every kind")
    common.add_argument(
        "--lead-source",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="creates leads (default: on)",
    )
    common.add_argument("--reason-required", action="store_true", help="a rejection needs a reason")
    common.add_argument("--responsible", metavar="LOGIN", help="the user who gets its leads")
    common.add_argument("--role", metavar="ROLE", help="the role whose members get its leads")
    common.add_argument(
        "--rule",
        choices=[r.value for r in DistributionRule if r is not DistributionRule.ZONE],
        help="distribution rule (default: fixed with --responsible only, else pool)",
    )
    common.add_argument("--sla", type=_minutes, metavar="MINUTES", help="qualification deadline")
    common.add_argument("--source", metavar="NAME", help="advertising source recorded on its leads")
    common.add_argument(
        "--counts-in-stats",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="count its leads in reports (default: on)",
    )
    call = parser.add_argument_group("call")
    call.add_argument("--internal-pattern", metavar="REGEX", help="callers matching it are internal")
    call.add_argument(
        "--own-number", action="append", default=[], metavar="NUMBER", help="one of our numbers (repeatable)"
    )
    email = parser.add_argument_group("email")
    email.add_argument("--imap", metavar="HOST:PORT")
    email.add_argument("--smtp", metavar="HOST:PORT")
    email.add_argument("--security", choices=["ssl", "starttls", "none"], help="default: ssl")
    email.add_argument("--login", metavar="LOGIN", help="mailbox login")
    email.add_argument("--password-env", metavar="VAR", help="environment variable with the mailbox password")
    email.add_argument(
        "--folder", action="append", default=[], metavar="NAME",
        help="IMAP folder to watch (repeatable; default: INBOX)",
    )
    email.add_argument("--address", metavar="ADDR", help="sender address (default: the login, if an address)")
    email.add_argument("--signature", metavar="TEXT", help="signature under new letters and replies")
    dialog = parser.add_argument_group("dialog")
    dialog.add_argument("--telegram-token-env", metavar="VAR", help="environment variable with the bot token")
    dialog.add_argument("--api-url", metavar="URL", help="Bot API base URL (default: Telegram's own)")
    request = parser.add_argument_group("request")
    request.add_argument(
        "--web-form", action="store_true", help="create a web-form intake token (shown once)"
    )


_KIND_OPTIONS: dict[ChannelKind, tuple[str, ...]] = {
    ChannelKind.CALL: ("internal_pattern", "own_number"),
    ChannelKind.EMAIL: (
        "imap", "smtp", "security", "login", "password_env", "folder", "address", "signature",
    ),
    ChannelKind.DIALOG: ("telegram_token_env", "api_url"),
    ChannelKind.REQUEST: ("web_form",),
}


# ---------------------------------------------------------------------------------------- output


def _out() -> IO[str]:
    return sys.stdout


def _print_json(document: object) -> None:
    _out().write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    cells = [[("" if value is None else str(value)) for value in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    lines = ["  ".join(h.ljust(widths[i]) for i, h in enumerate(headers)).rstrip()]
    lines += ["  ".join(v.ljust(widths[i]) for i, v in enumerate(row)).rstrip() for row in cells]
    return "\n".join(lines)


def _local_iso(value: datetime | None) -> str | None:
    return value.astimezone().isoformat() if value is not None else None


# -------------------------------------------------------------------------------------- commands

Handler = Callable[[argparse.Namespace, Database], int]


def _cmd_db_upgrade(args: argparse.Namespace, db: Database) -> int:
    revision = current_revision(db.engine)
    _out().write(f"The database is at the current schema version ({revision}): {db.describe()}.\n")
    return 0


def _cmd_db_backup(args: argparse.Namespace, db: Database) -> int:
    from app.services.admin import backup_database

    result = backup_database(db.url, args.file)
    _out().write(f"Backup written to {result.path} ({_size(result.size)}, {result.method}).\n")
    return 0


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            break
    return f"{value:.1f} {unit}"


def _cmd_demo(args: argparse.Namespace, db: Database) -> int:
    from app.services.demo import DEMO_PASSWORD, generate_demo

    def progress(text: str) -> None:
        sys.stderr.write(f"demo: {text}…\n")

    with db.uow() as uow:
        summary = generate_demo(uow, Actor.system(), leads=args.leads, seed=args.seed, progress=progress)
    states = ", ".join(f"{state.value} {summary.states.get(state.value, 0)}" for state in LeadState)
    out = _out()
    out.write(
        f"Demo data created in {summary.seconds:.1f} s: {summary.users} users, {summary.departments} "
        f"departments, {summary.channels} channels, {summary.clients} clients, {summary.contact_persons} "
        f"contact persons, {summary.leads} leads ({summary.excluded} more inquiries kept out by the "
        f"exclusion list), {summary.interests} interests, {summary.processes} processes, {summary.tasks} "
        f"tasks, {summary.call_records} calls in the call log.\n"
    )
    out.write(f"Leads by state: {states}.\n")
    out.write(
        "Sign in as admin, supervisor, dispatcher, operator1-3, office or manager1-5 "
        f'with the password "{DEMO_PASSWORD}".\n'
    )
    return 0


def _read_password(args: argparse.Namespace) -> str:
    variable: str | None = args.password_env
    if variable:
        value = os.environ.get(variable)
        if value is None:
            raise CommandError(f"The environment variable {variable} is not set.")
        if not value:
            raise CommandError(f"The environment variable {variable} is empty; a password is required.")
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(f"Password for {args.login}: ")
        if not first:
            raise CommandError("The password must not be empty.")
        second = getpass.getpass("Repeat the password: ")
        if first != second:
            raise CommandError("The two passwords differ; nothing was created.")
        return first
    raise CommandError(
        "No password given: use --password-env VAR, or run the command in a terminal to be asked for one."
    )


def _cmd_user_add(args: argparse.Namespace, db: Database) -> int:
    from app.services.admin import create_user

    password = _read_password(args)
    with db.uow() as uow:
        user = create_user(
            uow,
            Actor.system(),
            args.login,
            args.name,
            args.role,
            department=args.department,
            extension=args.extension,
            password=password,
            email=args.email,
        )
    _out().write(f"User '{user.login}' created (id {user.id}, roles: {', '.join(user.role_codes)}).\n")
    return 0


def _user_json(user: UserDTO, departments: dict[int, str]) -> dict[str, Any]:
    return {
        "id": user.id,
        "login": user.login,
        "name": user.full_name,
        "roles": list(user.role_codes),
        "department": departments.get(user.department_id) if user.department_id else None,
        "extension": user.extension,
        "active": user.active,
    }


def _cmd_user_list(args: argparse.Namespace, db: Database) -> int:
    from sqlalchemy import select

    from app.persistence.models import Department
    from app.services.admin import list_users

    with db.session() as session:
        users = list_users(session)
        departments = {key: value for key, value in session.execute(select(Department.id, Department.name))}
    rows = [_user_json(user, departments) for user in users]
    if args.json:
        _print_json(rows)
        return 0
    _out().write(
        _table(
            ["ID", "LOGIN", "NAME", "ROLES", "DEPARTMENT", "EXT", "ACTIVE"],
            [
                [
                    r["id"],
                    r["login"],
                    r["name"],
                    ",".join(r["roles"]),
                    r["department"],
                    r["extension"],
                    "yes" if r["active"] else "no",
                ]
                for r in rows
            ],
        )
        + "\n"
    )
    return 0


def _cmd_channel_add(args: argparse.Namespace, db: Database) -> int:
    from app.services.admin import ChannelSpec, DialogSettings, EmailSettings, create_channel

    kind = ChannelKind(args.kind)
    for other, names in _KIND_OPTIONS.items():
        if other is kind:
            continue
        for name in names:
            if getattr(args, name):
                option = "--" + name.replace("_", "-")
                raise UsageError(f"{option} applies to {other.value} channels, not to {kind.value} channels.")
    spec = ChannelSpec(
        kind=kind,
        name=args.name,
        lead_source=args.lead_source,
        reason_required=args.reason_required,
        responsible_login=args.responsible,
        role_code=args.role,
        rule=DistributionRule(args.rule) if args.rule else None,
        sla_minutes=args.sla,
        ad_source=args.source,
        counts_in_stats=args.counts_in_stats,
        internal_pattern=args.internal_pattern,
        own_numbers=tuple(args.own_number),
        email=(
            EmailSettings(
                imap=args.imap,
                smtp=args.smtp,
                security=args.security or "ssl",
                login=args.login,
                password_env=args.password_env,
                folders=tuple(args.folder),
                address=args.address,
                signature=args.signature,
            )
            if kind is ChannelKind.EMAIL
            else None
        ),
        dialog=(
            DialogSettings(telegram_token_env=args.telegram_token_env, api_url=args.api_url)
            if kind is ChannelKind.DIALOG
            else None
        ),
        web_form=args.web_form,
    )
    with db.uow() as uow:
        created = create_channel(uow, Actor.system(), spec)
        owners = _channel_names(uow.session)
    channel = created.channel
    if args.json:
        document = _channel_json(channel, owners)
        document["token"] = created.token
        _print_json(document)
        return 0
    out = _out()
    out.write(
        f"Channel '{channel.name}' created "
        f"(id {channel.id}, {channel.kind.value}, rule {channel.rule.value}).\n"
    )
    if created.token is not None:
        out.write(
            f"Web-form intake token (shown only now; put it into the web form's settings):\n{created.token}\n"
        )
    return 0


def _channel_names(session: Any) -> tuple[dict[int, str], dict[int, str]]:
    from sqlalchemy import select

    from app.persistence.models import Role, User

    users = {key: value for key, value in session.execute(select(User.id, User.login))}
    roles = {key: value for key, value in session.execute(select(Role.id, Role.code))}
    return users, roles


def _channel_json(channel: ChannelDTO, names: tuple[dict[int, str], dict[int, str]]) -> dict[str, Any]:
    users, roles = names
    settings = dict(channel.settings)
    return {
        "id": channel.id,
        "name": channel.name,
        "kind": channel.kind.value,
        "lead_source": channel.lead_source,
        "reason_required": channel.reason_required,
        "responsible": users.get(channel.responsible_user_id) if channel.responsible_user_id else None,
        "role": roles.get(channel.responsible_role_id) if channel.responsible_role_id else None,
        "rule": channel.rule.value,
        "sla_minutes": channel.sla_minutes,
        "source": channel.ad_source,
        "counts_in_stats": channel.counts_in_stats,
        "internal_pattern": channel.internal_pattern,
        "own_numbers": list(channel.own_numbers),
        "web_form": channel.web_form,
        "settings": settings,
        "active": channel.active,
    }


def _cmd_channel_list(args: argparse.Namespace, db: Database) -> int:
    from app.services.admin import list_channels

    with db.session() as session:
        channels = list_channels(session)
        names = _channel_names(session)
    rows = [_channel_json(channel, names) for channel in channels]
    if args.json:
        _print_json(rows)
        return 0
    if not rows:
        _out().write("No channels yet; add one with 'inflow channel add KIND NAME'.\n")
        return 0
    _out().write(
        _table(
            ["ID", "NAME", "KIND", "LEADS", "RESPONSIBLE", "RULE", "SLA", "SOURCE"],
            [
                [
                    r["id"],
                    r["name"],
                    r["kind"],
                    "yes" if r["lead_source"] else "no",
                    r["responsible"] or (f"role {r['role']}" if r["role"] else "-"),
                    r["rule"],
                    f"{r['sla_minutes']} min" if r["sla_minutes"] else "-",
                    r["source"] or "-",
                ]
                for r in rows
            ],
        )
        + "\n"
    )
    return 0


def _cmd_lead_add(args: argparse.Namespace, db: Database) -> int:
    from app.services.admin import get_channel_by_name
    from app.services.intake import LeadInput, register_lead
    from app.services.settings import phone_region

    if not any(value and value.strip() for value in (args.name, args.phone, args.email)):
        raise UsageError("Give at least --name, --phone or --email.")
    with db.uow() as uow:
        channel = get_channel_by_name(uow.session, args.channel)
        if args.phone and normalize_phone(args.phone, phone_region(uow.session)) is None:
            raise ValidationError(f"'{args.phone}' is not a phone number.")
        if args.email and normalize_email(args.email) is None:
            raise ValidationError(f"'{args.email}' is not an e-mail address.")
        result = register_lead(
            uow,
            LeadInput(
                channel_id=channel.id,
                contact_name=args.name.strip() if args.name else None,
                phone=args.phone,
                email=args.email,
                subject=None,
                message=args.comment,
                ad_source=args.source,
            ),
            Actor.system(),
        )
    lead = result.lead
    if lead is None:
        # Not an error of usage: the exclusion list or a channel without the lead-source flag
        # decided that this inquiry is no lead (it is logged). Exit 0, say why.
        reason = result.reason or "the inquiry was not taken as a lead"
        if args.json:
            _print_json({"id": None, "state": None, "reason": reason})
        else:
            _out().write(f"not a lead: {reason}\n")
        return 0
    if args.json:
        _out().write(json.dumps({"id": lead.id, "state": lead.state.value}) + "\n")
    else:
        _out().write(f"{lead.id} {lead.state.value}\n")
    return 0


def _client_json(client: ClientDTO) -> dict[str, Any]:
    return {
        "id": client.id,
        "name": client.name,
        "phones": list(client.phones),
        "emails": list(client.emails),
        "kind": client.kind.value,
        "inn": client.inn,
    }


def _contact_json(person: ContactPersonDTO) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "phones": list(person.phones),
        "emails": list(person.emails),
        "client_id": person.client_id,
        "position": person.position,
    }


def _lead_json(lead: LeadDTO) -> dict[str, Any]:
    return {
        "id": lead.id,
        "name": lead.contact_name,
        "phones": [lead.phone] if lead.phone else [],
        "emails": [lead.email] if lead.email else [],
        "kind": lead.kind.value,
        "state": lead.state.value,
        "received_at": _local_iso(lead.received_at),
        "client_id": lead.client_id,
    }


def _cmd_find(args: argparse.Namespace, db: Database) -> int:
    from app.services.lookup import find

    with db.session() as session:
        found = find(session, args.query, Actor.system())
    document = {
        "clients": [_client_json(c) for c in found.clients],
        "contacts": [_contact_json(p) for p in found.contacts],
        "leads": [_lead_json(lead) for lead in found.leads],
    }
    if args.json:
        _print_json(document)
        return 0
    out = _out()
    if found.empty:
        out.write(f"Nothing found for '{args.query}'.\n")
        return 0
    sections: list[str] = []
    if document["clients"]:
        sections.append(
            f"Clients ({len(document['clients'])}):\n"
            + _table(
                ["ID", "NAME", "KIND", "INN", "PHONES", "E-MAILS"],
                [
                    [c["id"], c["name"], c["kind"], c["inn"], ", ".join(c["phones"]), ", ".join(c["emails"])]
                    for c in document["clients"]
                ],
            )
        )
    if document["contacts"]:
        sections.append(
            f"Contact persons ({len(document['contacts'])}):\n"
            + _table(
                ["ID", "NAME", "CLIENT", "POSITION", "PHONES", "E-MAILS"],
                [
                    [
                        p["id"],
                        p["name"],
                        p["client_id"],
                        p["position"],
                        ", ".join(p["phones"]),
                        ", ".join(p["emails"]),
                    ]
                    for p in document["contacts"]
                ],
            )
        )
    if document["leads"]:
        sections.append(
            f"Leads ({len(document['leads'])}):\n"
            + _table(
                ["ID", "RECEIVED", "KIND", "STATE", "NAME", "PHONE", "E-MAIL"],
                [
                    [
                        lead.id,
                        lead.received_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                        lead.kind.value,
                        lead.state.value,
                        lead.contact_name,
                        lead.phone,
                        lead.email,
                    ]
                    for lead in found.leads
                ],
            )
        )
    out.write("\n\n".join(sections) + "\n")
    return 0


def _cmd_export_leads(args: argparse.Namespace, db: Database) -> int:
    from app.services.export import ExportFormat, iter_lead_rows, write_leads

    output: Path | None = args.output
    fmt_name: str | None = args.format
    if fmt_name is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else ""
        fmt_name = suffix if suffix in ("csv", "xlsx", "json") else "csv"
    fmt = ExportFormat(fmt_name)
    if fmt is ExportFormat.XLSX and output is None:
        raise UsageError("The xlsx format needs an output file: add -o FILE.")
    if args.date_from is not None and args.date_to is not None and args.date_from > args.date_to:
        raise UsageError(f"The period starts ({args.date_from}) after it ends ({args.date_to}).")
    if output is not None:
        output = output.expanduser()
        if output.is_dir():
            raise CommandError(f"{output} is a folder; give the name of the file to write.")
        temporary = output.with_name(f".{output.name}.{os.getpid()}.partial")
        try:
            with db.session() as session, temporary.open("wb") as stream:
                count = write_leads(
                    iter_lead_rows(session, Actor.system(), args.date_from, args.date_to), fmt, stream
                )
            os.replace(temporary, output)
        finally:
            temporary.unlink(missing_ok=True)
        _out().write(f"Exported {count} leads to {output}.\n")
        return 0
    out = _out()
    out.flush()
    binary = getattr(out, "buffer", None)
    with db.session() as session:
        rows = iter_lead_rows(session, Actor.system(), args.date_from, args.date_to)
        if binary is not None:
            write_leads(rows, fmt, binary)
            binary.flush()
        else:  # a text-only stream (embedding): encode ourselves
            import io

            buffer = io.BytesIO()
            write_leads(rows, fmt, buffer)
            out.write(buffer.getvalue().decode("utf-8-sig" if fmt is ExportFormat.CSV else "utf-8"))
    return 0


def _cmd_report(args: argparse.Namespace, db: Database) -> int:
    from app.cli_report import run as run_report_command

    return run_report_command(args, db, _out())


# ------------------------------------------------------------------------------------------ main


def _log_unexpected(error: BaseException) -> Path | None:
    """Append the traceback to the log file in the data folder; its path, or None if unwritable."""
    try:
        folder = default_data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_NAME
        logger = logging.getLogger("inflow.cli")
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        try:
            logger.error(
                "unexpected error in %s\n%s",
                " ".join(sys.argv),
                "".join(traceback.format_exception(error)),
            )
        finally:
            logger.removeHandler(handler)
            handler.close()
        return path
    except OSError:
        return None


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _fail(message: str, status: int = 1) -> int:
    text = " ".join(message.split()) or "Failed."
    sys.stderr.write(f"{PROG}: {text}\n")
    return status


def _run_desktop(args: argparse.Namespace) -> int:
    """``inflow`` without a command: the desktop client (Qt is imported only here)."""
    try:
        import PySide6.QtWidgets  # noqa: F401  (the desktop needs Qt: say so when it is missing)
    except ImportError:
        return _fail(DESKTOP_NOT_AVAILABLE)
    # Imported by name: mypy's strict check of app/ stays out of the Qt code (ui/ is linted on its own).
    desktop = importlib.import_module("ui.application")
    return int(desktop.main(args))


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``inflow`` with the given arguments (default: the process's); returns the exit status."""
    parser = build_parser()
    try:
        # Known-args parsing only so that the later commands accept any options of their own.
        args, unknown = parser.parse_known_args(argv)
        later: str | None = getattr(args, "later", None)
        if unknown and later is None:
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    except SystemExit as exit_:  # --help, --version and usage errors (2)
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)
    if args.command is None:
        return _run_desktop(args)
    if later is not None:
        return _fail(f"inflow {later} is not available in this version yet.")
    handler: Handler = args.handler
    try:
        url = args.database or default_database_url()
        db = open_database(url)
        try:
            return handler(args, db)
        finally:
            db.dispose()
    except UsageError as error:
        command_parser: argparse.ArgumentParser = getattr(args, "parser", parser)
        command_parser.print_usage(sys.stderr)
        return _fail(f"error: {error}", 2)
    except (InflowError, CommandError) as error:
        return _fail(str(error))
    except (ArgumentError, NoSuchModuleError) as error:
        return _fail(f"'{args.database or default_database_url()}' is not a usable database URL ({error}).")
    except DBAPIError as error:
        detail = str(error.orig).strip().splitlines()[0] if error.orig is not None else type(error).__name__
        return _fail(f"The database refused the operation: {detail}.")
    except SQLAlchemyError as error:
        return _fail(f"The database reported an error: {str(error).splitlines()[0]}.")
    except BrokenPipeError:
        # The reader went away (`inflow export leads | head`): stop quietly.
        _silence_stdout()
        return 1
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        return _fail(f"{error.strerror or error}{where}.")
    except KeyboardInterrupt:
        return _fail("Interrupted.", 130)
    except Exception as error:
        path = _log_unexpected(error)
        where = f"; the details are in {path}" if path else ""
        return _fail(f"Unexpected error ({type(error).__name__}: {error}){where}.")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
