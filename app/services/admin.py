"""Administration: users, departments and channels (DOMAIN §1 "administrator", §6, §8).

Every function that changes something takes the unit of work and the acting :class:`Actor`, and
needs the ``configure`` right (the CLI acts as :meth:`Actor.system`, which has every right).
Bad input is refused with a :class:`ValidationError` whose message is one readable sentence.

Channel connection settings are stored in ``Channel.settings`` (JSON) under the keys listed in
:data:`EMAIL_KEYS` / :data:`DIALOG_KEYS`. Secrets are never stored: an e-mail channel remembers the
*name* of the environment variable holding its password, a dialog channel the name of the variable
holding its bot token, and a web-form channel's intake tokens are kept in ``intake_tokens`` only as
their SHA-256 (:func:`issue_intake_token`).
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import URL, func, make_url, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.domain.contacts import normalize_email, normalize_phone
from app.domain.enums import ChannelKind, DistributionRule, SystemRole
from app.domain.errors import NotFound, ValidationError
from app.persistence.models import Channel, ChannelNumber, Department, IntakeToken, Role, User, user_roles
from app.persistence.types import utcnow
from app.persistence.uow import UnitOfWork
from app.services.auth import hash_password
from app.services.dto import ChannelDTO, UserDTO
from app.services.permissions import Actor, Right
from app.services.settings import phone_region

# Channel.settings keys. Readers (mail and messenger sync, the intake endpoint) use these names.
IMAP_HOST = "imap_host"
IMAP_PORT = "imap_port"
SMTP_HOST = "smtp_host"
SMTP_PORT = "smtp_port"
SECURITY = "security"
MAIL_LOGIN = "login"
PASSWORD_ENV = "password_env"
# The Mail issue: folders to watch (a list, default INBOX), the sender address when the login is
# not one, and the signature put under new letters and replies.
MAIL_FOLDERS = "folders"
MAIL_ADDRESS = "address"
MAIL_SIGNATURE = "signature"
EMAIL_KEYS = (
    IMAP_HOST, IMAP_PORT, SMTP_HOST, SMTP_PORT, SECURITY, MAIL_LOGIN, PASSWORD_ENV,
    MAIL_FOLDERS, MAIL_ADDRESS, MAIL_SIGNATURE,
)
TELEGRAM_TOKEN_ENV = "telegram_token_env"
API_URL = "api_url"
DIALOG_KEYS = (TELEGRAM_TOKEN_ENV, API_URL)
# Where revision 0007 found web-form token digests before they moved to intake_tokens.
WEB_FORM_TOKEN_KEY = "token_sha256"

DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"
SECURITY_MODES = ("ssl", "starttls", "none")
# Well-known ports per protocol and security mode, used when HOST is given without :PORT.
_DEFAULT_PORTS = {
    ("imap", "ssl"): 993,
    ("imap", "starttls"): 143,
    ("imap", "none"): 143,
    ("smtp", "ssl"): 465,
    ("smtp", "starttls"): 587,
    ("smtp", "none"): 25,
}

_LOGIN_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
_EXTENSION_RE = re.compile(r"^[A-Za-z0-9_.*#-]{1,32}$")
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HOST_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")


@dataclass(frozen=True, slots=True)
class EmailSettings:
    """Connection settings of a mailbox channel; the password is only *named*, never given."""

    imap: str | None = None  # HOST[:PORT]
    smtp: str | None = None  # HOST[:PORT]
    security: str = "ssl"
    login: str | None = None
    password_env: str | None = None
    folders: tuple[str, ...] = ()  # empty: INBOX
    address: str | None = None
    signature: str | None = None


@dataclass(frozen=True, slots=True)
class DialogSettings:
    """Settings of a messenger channel (Telegram bot first)."""

    telegram_token_env: str | None = None
    api_url: str | None = None


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """Everything an administrator says about a new channel (INTERFACES "Channel options")."""

    kind: ChannelKind
    name: str
    lead_source: bool = True
    reason_required: bool = False
    responsible_login: str | None = None
    role_code: str | None = None
    # None: fixed when only a responsible is given, pool otherwise.
    rule: DistributionRule | None = None
    sla_minutes: int | None = None
    ad_source: str | None = None
    counts_in_stats: bool = True
    internal_pattern: str | None = None
    own_numbers: tuple[str, ...] = ()
    email: EmailSettings | None = None
    dialog: DialogSettings | None = None
    web_form: bool = False


@dataclass(frozen=True, slots=True)
class CreatedChannel:
    """A new channel, and its web-form intake token in plain text (this once, never again)."""

    channel: ChannelDTO
    token: str | None = None


# ------------------------------------------------------------------------------------------ users


def create_user(
    uow: UnitOfWork,
    actor: Actor,
    login: str,
    full_name: str,
    role_codes: Sequence[str],
    department: str | None = None,
    extension: str | None = None,
    password: str | None = None,
    email: str | None = None,
) -> UserDTO:
    """Create a user with roles; the department (by name) is created when it does not exist."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    login = login.strip()
    full_name = " ".join(full_name.split())
    if not _LOGIN_RE.match(login):
        raise ValidationError(
            f"'{login}' is not a valid login: use up to 100 Latin letters, digits and . _ @ -, "
            "starting with a letter or digit."
        )
    if not full_name:
        raise ValidationError("A user needs a full name.")
    if len(full_name) > 200:
        raise ValidationError("A full name is at most 200 characters long.")
    roles = _roles_by_code(session, role_codes)
    if session.scalar(select(User.id).where(func.lower(User.login) == login.lower())) is not None:
        raise ValidationError(f"A user with login '{login}' already exists.")
    ext: str | None = None
    if extension is not None and extension.strip():
        ext = extension.strip()
        if not _EXTENSION_RE.match(ext):
            raise ValidationError(f"'{ext}' is not a valid extension: use digits (or letters), no spaces.")
        holder = session.scalar(select(User.login).where(User.extension == ext))
        if holder is not None:
            raise ValidationError(f"Extension {ext} already belongs to user '{holder}'.")
    mail: str | None = None
    if email is not None and email.strip():
        mail = normalize_email(email)
        if mail is None:
            raise ValidationError(f"'{email.strip()}' is not an e-mail address.")
    if password is not None and not password:
        raise ValidationError("The password must not be empty.")
    department_id = _department_id(session, department) if department else None
    user = User(
        login=login,
        full_name=full_name,
        password_hash=hash_password(password) if password is not None else None,
        department_id=department_id,
        extension=ext,
        email=mail,
        active=True,
    )
    user.roles = roles
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        # Someone created the same login or extension between our check and the insert.
        raise ValidationError(
            f"A user with login '{login}' or extension {ext} was created meanwhile."
        ) from error
    return _user_dto(user)


def list_users(session: Session) -> list[UserDTO]:
    """Every user, by login."""
    users = session.scalars(select(User).options(selectinload(User.roles)).order_by(User.login))
    return [_user_dto(user) for user in users]


def get_user_by_login(session: Session, login: str) -> UserDTO:
    """The user with this login, or :class:`NotFound`."""
    user = session.scalars(
        select(User).options(selectinload(User.roles)).where(User.login == login.strip())
    ).one_or_none()
    if user is None:
        raise NotFound(f"There is no user '{login.strip()}'.")
    return _user_dto(user)


def _user_dto(user: User) -> UserDTO:
    return UserDTO(
        id=user.id,
        login=user.login,
        full_name=user.full_name,
        department_id=user.department_id,
        extension=user.extension,
        active=user.active,
        role_codes=tuple(sorted(role.code for role in user.roles)),
    )


def _roles_by_code(session: Session, codes: Sequence[str]) -> list[Role]:
    wanted = [code.strip().lower() for code in codes if code.strip()]
    if not wanted:
        raise ValidationError(f"A user needs at least one role: {_valid_roles_text(session)}.")
    found = {role.code: role for role in session.scalars(select(Role).where(Role.code.in_(wanted)))}
    for code in wanted:
        if code not in found:
            raise ValidationError(f"There is no role '{code}'; valid roles: {_valid_roles_text(session)}.")
    return [found[code] for code in dict.fromkeys(wanted)]


def _role_by_code(session: Session, code: str) -> Role:
    return _roles_by_code(session, [code])[0]


def _valid_roles_text(session: Session) -> str:
    codes = list(session.scalars(select(Role.code).order_by(Role.id)))
    return ", ".join(codes or [role.value for role in SystemRole])


def _department_id(session: Session, name: str) -> int:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("A department needs a name.")
    # Compared in Python: SQLite's lower() folds ASCII only, and department names are Russian.
    for department_id, existing in session.execute(select(Department.id, Department.name)):
        if existing.casefold() == name.casefold():
            return int(department_id)
    department = Department(name=name)
    session.add(department)
    session.flush()
    return department.id


def ensure_department(uow: UnitOfWork, actor: Actor, name: str) -> int:
    """The id of the department with this name, created when missing."""
    actor.require(Right.CONFIGURE)
    return _department_id(uow.session, name)


# --------------------------------------------------------------------------------------- channels


def create_channel(uow: UnitOfWork, actor: Actor, spec: ChannelSpec) -> CreatedChannel:
    """Create a channel from an administrator's spec; a web-form token is returned once."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    kind = ChannelKind(spec.kind)
    name = " ".join(spec.name.split())
    if not name:
        raise ValidationError("A channel needs a name.")
    if len(name) > 200:
        raise ValidationError("A channel name is at most 200 characters long.")
    if _channel_id_by_name(session, name) is not None:
        raise ValidationError(f"A channel named '{name}' already exists.")
    _check_kind_options(kind, spec)

    user_id: int | None = None
    if spec.responsible_login:
        user = session.scalars(select(User).where(User.login == spec.responsible_login.strip())).one_or_none()
        if user is None or not user.active:
            raise ValidationError(f"There is no active user '{spec.responsible_login.strip()}'.")
        user_id = user.id
    role_id: int | None = None
    if spec.role_code:
        role_id = _role_by_code(session, spec.role_code).id
    rule = _rule(spec.rule, user_id, role_id)
    if spec.sla_minutes is not None and spec.sla_minutes <= 0:
        raise ValidationError("The SLA is a positive number of minutes.")
    pattern = _internal_pattern(spec.internal_pattern)
    numbers = _own_numbers(spec.own_numbers, phone_region(session))

    settings: dict[str, Any] = {}
    token: str | None = None
    if kind is ChannelKind.EMAIL:
        settings = _email_settings(spec.email or EmailSettings())
    elif kind is ChannelKind.DIALOG:
        settings = _dialog_settings(spec.dialog or DialogSettings())

    channel = Channel(
        name=name,
        kind=kind.value,
        lead_source=spec.lead_source,
        reason_required=spec.reason_required,
        responsible_user_id=user_id,
        responsible_role_id=role_id,
        rule=rule.value,
        sla_minutes=spec.sla_minutes,
        ad_source=(spec.ad_source.strip() or None) if spec.ad_source else None,
        counts_in_stats=spec.counts_in_stats,
        internal_pattern=pattern,
        settings=settings,
        active=True,
    )
    channel.own_numbers = [ChannelNumber(number=number) for number in numbers]
    session.add(channel)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise ValidationError(f"A channel named '{name}' was created meanwhile.") from error
    if kind is ChannelKind.REQUEST and spec.web_form:
        token = issue_intake_token(session, channel.id)
    return CreatedChannel(ChannelDTO.of(channel), token)


def token_digest(token: str) -> str:
    """The SHA-256 (hex) under which a web-form intake token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_intake_token(session: Session, channel_id: int, label: str | None = None) -> str:
    """Store a new web-form intake token of a channel (its digest only); the token, returned once."""
    token = secrets.token_urlsafe(32)
    session.add(IntakeToken(channel_id=channel_id, token_hash=token_digest(token), label=label))
    session.flush()
    return token


def revoke_intake_tokens(session: Session, channel_id: int) -> int:
    """Revoke every active intake token of a channel; how many were revoked."""
    tokens = session.scalars(
        select(IntakeToken).where(IntakeToken.channel_id == channel_id, IntakeToken.revoked_at.is_(None))
    ).all()
    now = utcnow()
    for row in tokens:
        row.revoked_at = now
    session.flush()
    return len(tokens)


def list_channels(session: Session) -> list[ChannelDTO]:
    """Every channel, in the order they were created."""
    channels = session.scalars(
        select(Channel).options(selectinload(Channel.own_numbers)).order_by(Channel.id)
    )
    return [ChannelDTO.of(channel) for channel in channels]


def get_channel_by_name(session: Session, name: str) -> ChannelDTO:
    """The channel with this name (case-insensitive), or :class:`NotFound`."""
    wanted = " ".join(name.split())
    channel_id = _channel_id_by_name(session, wanted)
    channel = (
        session.scalars(
            select(Channel).options(selectinload(Channel.own_numbers)).where(Channel.id == channel_id)
        ).one_or_none()
        if channel_id is not None
        else None
    )
    if channel is None:
        raise NotFound(f"There is no channel named '{wanted}'.")
    return ChannelDTO.of(channel)


def _channel_id_by_name(session: Session, name: str) -> int | None:
    """The channel with this name: exact first, else ignoring case (in Python: names are Russian
    and SQLite's lower() folds ASCII only; there are few channels)."""
    exact = session.scalar(select(Channel.id).where(Channel.name == name))
    if exact is not None:
        return int(exact)
    for channel_id, existing in session.execute(select(Channel.id, Channel.name)):
        if existing.casefold() == name.casefold():
            return int(channel_id)
    return None


def _check_kind_options(kind: ChannelKind, spec: ChannelSpec) -> None:
    if kind is not ChannelKind.CALL and (spec.internal_pattern or spec.own_numbers):
        raise ValidationError("An internal-number pattern and own numbers apply to call channels only.")
    if kind is not ChannelKind.EMAIL and spec.email is not None:
        raise ValidationError("IMAP/SMTP settings apply to e-mail channels only.")
    if kind is not ChannelKind.DIALOG and spec.dialog is not None:
        raise ValidationError("Messenger settings apply to dialog channels only.")
    if kind is not ChannelKind.REQUEST and spec.web_form:
        raise ValidationError("A web-form token applies to request channels only.")


def _rule(rule: DistributionRule | None, user_id: int | None, role_id: int | None) -> DistributionRule:
    if rule is None:
        return DistributionRule.FIXED if user_id is not None and role_id is None else DistributionRule.POOL
    rule = DistributionRule(rule)
    if rule is DistributionRule.ZONE:
        raise ValidationError(
            "Distribution by zone is set up in the desktop settings; create the channel with another rule."
        )
    if rule is DistributionRule.FIXED and user_id is None:
        raise ValidationError("The fixed rule needs a responsible user (--responsible LOGIN).")
    if rule is not DistributionRule.FIXED and role_id is None:
        raise ValidationError(f"The {rule.value} rule needs a role (--role ROLE).")
    return rule


def _internal_pattern(pattern: str | None) -> str | None:
    if pattern is None or not pattern.strip():
        return None
    if len(pattern) > 200:
        raise ValidationError("The internal-number pattern is at most 200 characters long.")
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValidationError(
            f"The internal-number pattern is not a valid regular expression: {error}."
        ) from error
    return pattern


def _own_numbers(numbers: Sequence[str], region: str) -> list[str]:
    result: list[str] = []
    for raw in numbers:
        number = normalize_phone(raw, region)
        if number is None:
            raise ValidationError(f"'{raw}' is not a phone number.")
        if number not in result:
            result.append(number)
    return result


def _host_port(value: str, protocol: str, security: str) -> tuple[str, int]:
    text = value.strip()
    host, port_text = text, ""
    if text.startswith("["):  # [IPv6]:port
        end = text.find("]")
        if end < 0:
            raise ValidationError(f"'{value}' is not HOST:PORT.")
        host, rest = text[1:end], text[end + 1 :]
        if rest and not rest.startswith(":"):
            raise ValidationError(f"'{value}' is not HOST:PORT.")
        port_text = rest[1:]
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    elif ":" in text:
        raise ValidationError(f"'{value}' is not HOST:PORT (write an IPv6 address in brackets).")
    if not host or not (_HOST_RE.match(host) or ":" in host):
        raise ValidationError(f"'{value}' is not HOST:PORT.")
    if not port_text:
        return host, _DEFAULT_PORTS[(protocol, security)]
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValidationError(f"'{port_text}' in '{value}' is not a port number (1–65535).")
    return host, int(port_text)


def _env_name(value: str, what: str) -> str:
    name = value.strip()
    if not _ENV_NAME_RE.match(name):
        raise ValidationError(f"'{value}' is not an environment variable name ({what}).")
    return name


def _email_settings(email: EmailSettings) -> dict[str, Any]:
    security = (email.security or "ssl").strip().lower()
    if security not in SECURITY_MODES:
        raise ValidationError(f"Security must be one of {', '.join(SECURITY_MODES)}, not '{email.security}'.")
    settings: dict[str, Any] = {SECURITY: security}
    if email.imap:
        settings[IMAP_HOST], settings[IMAP_PORT] = _host_port(email.imap, "imap", security)
    if email.smtp:
        settings[SMTP_HOST], settings[SMTP_PORT] = _host_port(email.smtp, "smtp", security)
    if email.login and email.login.strip():
        settings[MAIL_LOGIN] = email.login.strip()
    if email.password_env:
        settings[PASSWORD_ENV] = _env_name(email.password_env, "the mailbox password")
    settings.update(mail_extras(email))
    return settings


def mail_extras(email: EmailSettings) -> dict[str, Any]:
    """The folders, sender address and signature of a mailbox as stored in its settings."""
    extras: dict[str, Any] = {}
    folders = [name.strip() for name in email.folders if name.strip()]
    if folders:
        extras[MAIL_FOLDERS] = list(dict.fromkeys(folders))
    if email.address and email.address.strip():
        address = normalize_email(email.address)
        if address is None:
            raise ValidationError(f"'{email.address.strip()}' is not an e-mail address.")
        extras[MAIL_ADDRESS] = address
    if email.signature and email.signature.strip():
        extras[MAIL_SIGNATURE] = email.signature.rstrip()
    return extras


def _dialog_settings(dialog: DialogSettings) -> dict[str, Any]:
    settings: dict[str, Any] = {API_URL: DEFAULT_TELEGRAM_API_URL}
    if dialog.telegram_token_env:
        settings[TELEGRAM_TOKEN_ENV] = _env_name(dialog.telegram_token_env, "the bot token")
    if dialog.api_url and dialog.api_url.strip():
        url = dialog.api_url.strip().rstrip("/")
        if not re.match(r"^https?://[^\s/]+", url):
            raise ValidationError(f"'{dialog.api_url}' is not an http(s) URL.")
        settings[API_URL] = url
    return settings


def role_names(session: Session) -> dict[int, tuple[str, str]]:
    """Role id → (code, display name), for showing channels and leads."""
    return {
        role_id: (code, name)
        for role_id, code, name in session.execute(select(Role.id, Role.code, Role.name))
    }


def user_logins(session: Session, ids: Sequence[int]) -> dict[int, str]:
    """User id → login for the given ids."""
    if not ids:
        return {}
    return {key: value for key, value in session.execute(select(User.id, User.login).where(User.id.in_(ids)))}


def role_member_ids(session: Session, role_code: str) -> list[int]:
    """Ids of the active members of a role, in id order."""
    return list(
        session.scalars(
            select(User.id)
            .join(user_roles, user_roles.c.user_id == User.id)
            .join(Role, Role.id == user_roles.c.role_id)
            .where(Role.code == role_code, User.active.is_(True))
            .order_by(User.id)
        )
    )


# ----------------------------------------------------------------------------------------- backup


@dataclass(frozen=True, slots=True)
class BackupResult:
    """Where a backup went and how big it is."""

    path: Path
    size: int
    method: str


def backup_database(url: str, target: Path) -> BackupResult:
    """Write a consistent online copy of the database to ``target`` (replaced atomically).

    SQLite: the SQLite backup API (a snapshot, while other programs keep working), then a quick
    integrity check of the copy, stored as a single self-contained file (journal mode DELETE).
    PostgreSQL: ``pg_dump -Fc`` (restore with ``pg_restore``), the newest one found on ``PATH`` or
    under ``/usr/lib/postgresql/*/bin``.
    """
    parsed = make_url(url)
    target = target.expanduser()
    if target.is_dir():
        raise ValidationError(f"{target} is a folder; give the name of the backup file.")
    if not target.parent.is_dir():
        raise ValidationError(f"The folder {target.parent} does not exist.")
    temporary = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        if parsed.get_backend_name() == "sqlite":
            method = _backup_sqlite(parsed.database, target, temporary)
        elif parsed.get_backend_name() == "postgresql":
            method = _backup_postgresql(parsed, temporary)
        else:
            raise ValidationError(f"Backing up a {parsed.get_backend_name()} database is not supported.")
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return BackupResult(target, target.stat().st_size, method)


def _backup_sqlite(database: str | None, target: Path, temporary: Path) -> str:
    if not database or database == ":memory:" or database.startswith("file:"):
        raise ValidationError("Only an SQLite database in a file can be backed up.")
    source_path = Path(database).expanduser()
    if not source_path.exists():
        raise NotFound(f"The database file {source_path} does not exist.")
    if target.exists() and target.resolve() == source_path.resolve():
        raise ValidationError("The backup file must not be the database itself.")
    source = sqlite3.connect(str(source_path), timeout=30)
    try:
        copy = sqlite3.connect(str(temporary))
        try:
            # One step (pages=-1): the copy is a snapshot of one moment. In WAL mode this only
            # holds a read lock, so intake keeps writing meanwhile.
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            check = copy.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                raise ValidationError(f"The backup copy failed its integrity check ({check}).")
        finally:
            copy.close()
    finally:
        source.close()
    return "SQLite backup API"


def find_pg_dump() -> Path | None:
    """The newest ``pg_dump`` on PATH or under /usr/lib/postgresql/*/bin (a newer one dumps older servers)."""
    candidates: list[Path] = []
    on_path = shutil.which("pg_dump")
    if on_path:
        candidates.append(Path(on_path))
    candidates += [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin/pg_dump")]

    def version(path: Path) -> tuple[int, ...]:
        try:
            output = subprocess.run(
                [str(path), "--version"], capture_output=True, text=True, timeout=10, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return ()
        match = re.search(r"(\d+)(?:\.(\d+))?", output)
        return tuple(int(x) for x in match.groups() if x is not None) if match else ()

    versions = [(version(path), path) for path in candidates]
    usable = [(v, path) for v, path in versions if v]
    return max(usable)[1] if usable else None


def _backup_postgresql(parsed: URL, temporary: Path) -> str:
    pg_dump = find_pg_dump()
    if pg_dump is None:
        raise ValidationError(
            "pg_dump was not found on PATH or in /usr/lib/postgresql/*/bin; install the PostgreSQL "
            "client tools to back up a PostgreSQL database."
        )
    env = dict(os.environ)
    password = parsed.password
    if password is None:
        # The same places the program itself takes it from (PGPASSWORD, then the keyring).
        password = make_engine_url_password(parsed)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    conninfo = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    completed = subprocess.run(
        [str(pg_dump), "--format=custom", "--no-password", f"--file={temporary}", f"--dbname={conninfo}"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if completed.returncode != 0:
        lines = [line for line in completed.stderr.strip().splitlines() if line.strip()]
        detail = lines[-1] if lines else f"exit status {completed.returncode}"
        raise ValidationError(f"pg_dump failed: {detail.removeprefix('pg_dump: ').strip()}")
    return f"pg_dump -Fc ({pg_dump})"


def make_engine_url_password(parsed: URL) -> str | None:
    """The password the program would use for this PostgreSQL URL (PGPASSWORD, else keyring)."""
    from app.persistence.db import make_engine

    engine = make_engine(parsed.render_as_string(hide_password=False))
    try:
        password = engine.url.password
    finally:
        engine.dispose()
    return str(password) if password is not None else None
