"""Settings (administrators): every change the Settings workspace makes to channels and catalogs.

Every function takes the unit of work (reads: a session) and the acting :class:`Actor`, needs the
*configure* right, and returns frozen DTOs. Bad input is refused with a :class:`ValidationError`
whose message is one readable sentence; :class:`InvalidField` also names the form field it is
about, so a dialog can show the sentence next to that field.

Creation of users and channels goes through :mod:`app.services.admin` (the CLI's path), so both
entry points apply the same rules. Secrets are never stored here: see :mod:`app.services.secrets`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.domain.contacts import normalize_email, normalize_phone
from app.domain.enums import ChannelKind, DistributionRule, ExclusionKind, StageKind, Visibility
from app.domain.errors import NotFound, ValidationError
from app.persistence.models import (
    Channel,
    ChannelNumber,
    Department,
    Exclusion,
    Interest,
    Lead,
    Pipeline,
    ProgressStatus,
    RejectionReason,
    Role,
    Stage,
    User,
    ZoneRule,
    user_roles,
)
from app.persistence.uow import UnitOfWork
from app.services import admin
from app.services.admin import (
    API_URL,
    DEFAULT_TELEGRAM_API_URL,
    DIALOG_KEYS,
    EMAIL_KEYS,
    IMAP_HOST,
    IMAP_PORT,
    MAIL_LOGIN,
    PASSWORD_ENV,
    SECURITY,
    SECURITY_MODES,
    SMTP_HOST,
    SMTP_PORT,
    TELEGRAM_TOKEN_ENV,
    ChannelSpec,
    CreatedChannel,
    DialogSettings,
    EmailSettings,
)
from app.services.auth import hash_password
from app.services.catalogs import (
    DepartmentDTO,
    PipelineDTO,
    ProgressStatusDTO,
    RejectionReasonDTO,
    RoleDTO,
    StageDTO,
)
from app.services.catalogs import departments as _departments
from app.services.catalogs import pipelines as _pipelines
from app.services.catalogs import progress_statuses as _progress_statuses
from app.services.catalogs import rejection_reasons as _rejection_reasons
from app.services.catalogs import roles as _roles
from app.services.catalogs import users as _users
from app.services.dto import ChannelDTO, UserDTO
from app.services.permissions import Actor, Right
from app.services.settings import phone_region

# Reasons the program itself rejects with ("Mark as spam", "Mark as duplicate"): never deactivated.
PROTECTED_REASON_CODES = frozenset({"spam", "duplicate"})

_COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
_ROLE_CODE_RE = re.compile(r"^[a-z][a-z0-9_-]{1,63}$")
_DOMAIN_RE = re.compile(r"^[^\s@/:]+\.[^\s@/:]+$")
_MAX_SLA_MINUTES = 60 * 24 * 365


class InvalidField(ValidationError):
    """Input was rejected because of one form field (named by :attr:`field`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ZoneField(StrEnum):
    """What a zone rule compares (DECISIONS "Distribution rules")."""

    SOURCE = "source"
    PHONE_PREFIX = "phone_prefix"
    EMAIL_DOMAIN = "email_domain"


# ------------------------------------------------------------------------------------------ DTOs


@dataclass(frozen=True, slots=True)
class ZoneRuleDTO:
    """One zone rule of a channel, in its order."""

    id: int
    channel_id: int
    position: int
    field: ZoneField
    value: str
    user_id: int | None
    role_id: int | None


@dataclass(frozen=True, slots=True)
class ExclusionDTO:
    """An exclusion-list entry (stored in the form intake compares)."""

    id: int
    kind: ExclusionKind
    value: str
    comment: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class UserAccountDTO:
    """A user as the Settings show it: the account plus its e-mail and whether it may sign in."""

    user: UserDTO
    email: str | None
    has_password: bool


@dataclass(frozen=True, slots=True)
class SettingsSnapshot:
    """Everything the Settings workspace shows, read in one go (the catalogs are small)."""

    channels: tuple[ChannelDTO, ...]
    zone_rules: tuple[ZoneRuleDTO, ...]
    reasons: tuple[RejectionReasonDTO, ...]
    pipelines: tuple[PipelineDTO, ...]
    users: tuple[UserAccountDTO, ...]
    roles: tuple[RoleDTO, ...]
    departments: tuple[DepartmentDTO, ...]
    exclusions: tuple[ExclusionDTO, ...]
    progress_statuses: tuple[ProgressStatusDTO, ...]


@dataclass(frozen=True, slots=True)
class ZoneRuleSpec:
    """A zone rule as an administrator writes it: when ``field`` matches ``value``, a user or a role."""

    field: ZoneField | str
    value: str
    user_id: int | None = None
    role_id: int | None = None


@dataclass(frozen=True, slots=True)
class ChannelChanges:
    """Every editable field of a channel (its kind never changes)."""

    name: str
    lead_source: bool = True
    reason_required: bool = False
    responsible_user_id: int | None = None
    responsible_role_id: int | None = None
    rule: DistributionRule | str = DistributionRule.POOL
    sla_minutes: int | None = None
    ad_source: str | None = None
    counts_in_stats: bool = True
    internal_pattern: str | None = None
    own_numbers: tuple[str, ...] = ()
    zone_rules: tuple[ZoneRuleSpec, ...] = ()
    email: EmailSettings | None = None
    dialog: DialogSettings | None = None


# ----------------------------------------------------------------------------------------- reads


def load_settings(session: Session, actor: Actor) -> SettingsSnapshot:
    """Every channel and catalog, for the Settings workspace."""
    actor.require(Right.CONFIGURE)
    channels = session.scalars(
        select(Channel).options(selectinload(Channel.own_numbers)).order_by(Channel.id)
    )
    zones = session.scalars(select(ZoneRule).order_by(ZoneRule.channel_id, ZoneRule.position, ZoneRule.id))
    accounts = {
        user_id: (email, has_password)
        for user_id, email, has_password in session.execute(
            select(User.id, User.email, User.password_hash.is_not(None))
        )
    }
    return SettingsSnapshot(
        channels=tuple(ChannelDTO.of(channel) for channel in channels),
        zone_rules=tuple(_zone_dto(zone) for zone in zones),
        reasons=tuple(_rejection_reasons(session, include_inactive=True)),
        pipelines=tuple(_pipelines(session)),
        users=tuple(
            UserAccountDTO(user, *accounts.get(user.id, (None, False)))
            for user in _users(session, include_inactive=True)
        ),
        roles=tuple(_roles(session)),
        departments=tuple(_departments(session)),
        exclusions=tuple(list_exclusions(session, actor)),
        progress_statuses=tuple(_progress_statuses(session)),
    )


def zone_rules(session: Session, actor: Actor, channel_id: int) -> list[ZoneRuleDTO]:
    """The zone rules of a channel, in order."""
    actor.require(Right.CONFIGURE)
    return [
        _zone_dto(zone)
        for zone in session.scalars(
            select(ZoneRule).where(ZoneRule.channel_id == channel_id).order_by(ZoneRule.position, ZoneRule.id)
        )
    ]


def list_exclusions(session: Session, actor: Actor) -> list[ExclusionDTO]:
    """The exclusion list, by kind and value."""
    actor.require(Right.CONFIGURE)
    return [
        _exclusion_dto(row)
        for row in session.scalars(select(Exclusion).order_by(Exclusion.kind, Exclusion.value))
    ]


def email_settings_of(channel: ChannelDTO) -> EmailSettings:
    """A mailbox channel's stored settings in the form :class:`ChannelChanges` takes them."""
    settings = channel.settings
    return EmailSettings(
        imap=_join_host_port(settings.get(IMAP_HOST), settings.get(IMAP_PORT)),
        smtp=_join_host_port(settings.get(SMTP_HOST), settings.get(SMTP_PORT)),
        security=str(settings.get(SECURITY) or "ssl"),
        login=_str_or_none(settings.get(MAIL_LOGIN)),
        password_env=_str_or_none(settings.get(PASSWORD_ENV)),
        folders=_names(settings.get(admin.MAIL_FOLDERS)),
        address=_str_or_none(settings.get(admin.MAIL_ADDRESS)),
        signature=_str_or_none(settings.get(admin.MAIL_SIGNATURE)),
    )


def _names(value: object) -> tuple[str, ...]:
    return tuple(str(name) for name in value) if isinstance(value, list | tuple) else ()


def dialog_settings_of(channel: ChannelDTO) -> DialogSettings:
    """A messenger channel's stored settings in the form :class:`ChannelChanges` takes them."""
    settings = channel.settings
    return DialogSettings(
        telegram_token_env=_str_or_none(settings.get(TELEGRAM_TOKEN_ENV)),
        api_url=_str_or_none(settings.get(API_URL)) or DEFAULT_TELEGRAM_API_URL,
    )


def has_web_form_token(channel: ChannelDTO) -> bool:
    """Whether a request channel accepts the web form (an unrevoked intake token exists)."""
    return channel.web_form


# -------------------------------------------------------------------------------------- channels


def add_channel(
    uow: UnitOfWork,
    actor: Actor,
    kind: ChannelKind | str,
    changes: ChannelChanges,
    *,
    web_form: bool = False,
) -> CreatedChannel:
    """Create a channel with every field set; a web-form token (request channels) is returned once."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    kind = ChannelKind(kind)
    if web_form and kind is not ChannelKind.REQUEST:
        raise ValidationError("A web-form token applies to request channels only.")
    name = _channel_name(session, changes.name, None)
    # admin.create_channel is the CLI's path (name rules, token); every other field is then set by
    # update_channel in the same unit of work, so a refusal there leaves nothing behind.
    created = admin.create_channel(uow, actor, ChannelSpec(kind=kind, name=name, web_form=web_form))
    channel = update_channel(uow, actor, created.channel.id, changes)
    return CreatedChannel(channel, created.token)


def update_channel(uow: UnitOfWork, actor: Actor, channel_id: int, changes: ChannelChanges) -> ChannelDTO:
    """Replace every editable field of a channel (name, responsible, rule, zones, connection…)."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    channel = _channel(session, channel_id)
    kind = ChannelKind(channel.kind)
    name = _channel_name(session, changes.name, channel.id)

    user_id = changes.responsible_user_id
    if user_id is not None:
        _check_user_target(session, user_id, channel.responsible_user_id, "responsible_user")
    role_id = changes.responsible_role_id
    if role_id is not None and session.get(Role, role_id) is None:
        raise InvalidField("responsible_role", "That role no longer exists; choose another one.")
    try:
        rule = DistributionRule(changes.rule)
    except ValueError:
        raise InvalidField("rule", f"'{changes.rule}' is not a distribution rule.") from None
    if rule is DistributionRule.FIXED and user_id is None:
        raise InvalidField("responsible_user", "The fixed rule needs a responsible user.")
    if rule in (DistributionRule.POOL, DistributionRule.ROUND_ROBIN, DistributionRule.LEAST_LOADED) and (
        role_id is None
    ):
        raise InvalidField(
            "responsible_role", f"The {rule.value} rule needs a role whose members get the leads."
        )
    existing_zone_users = {zone.responsible_user_id for zone in channel.zone_rules}
    zones = _zone_rules(session, changes.zone_rules, existing_zone_users)
    if rule is DistributionRule.ZONE and not zones:
        raise InvalidField("zone_rules", "Distribution by zone needs at least one zone rule.")

    if changes.sla_minutes is not None and not 0 < changes.sla_minutes <= _MAX_SLA_MINUTES:
        raise InvalidField("sla_minutes", "The SLA is a positive number of minutes, at most a year.")
    ad_source = (changes.ad_source or "").strip() or None
    if ad_source is not None and len(ad_source) > 200:
        raise InvalidField("ad_source", "An advertising source is at most 200 characters long.")

    if kind is not ChannelKind.CALL and (changes.internal_pattern or changes.own_numbers):
        raise InvalidField(
            "internal_pattern", "An internal-number pattern and own numbers apply to call channels only."
        )
    if kind is not ChannelKind.EMAIL and changes.email is not None:
        raise ValidationError("IMAP/SMTP settings apply to e-mail channels only.")
    if kind is not ChannelKind.DIALOG and changes.dialog is not None:
        raise ValidationError("Messenger settings apply to dialog channels only.")
    try:
        pattern = admin._internal_pattern(changes.internal_pattern)
    except ValidationError as error:
        raise InvalidField("internal_pattern", str(error)) from error
    try:
        numbers = admin._own_numbers([n for n in changes.own_numbers if n.strip()], phone_region(session))
    except ValidationError as error:
        raise InvalidField("own_numbers", str(error)) from error

    settings: dict[str, Any] = dict(channel.settings or {})
    if kind is ChannelKind.EMAIL:
        for key in EMAIL_KEYS:
            settings.pop(key, None)
        settings.update(_email_settings(changes.email or EmailSettings()))
    elif kind is ChannelKind.DIALOG:
        for key in DIALOG_KEYS:
            settings.pop(key, None)
        settings.update(_dialog_settings(changes.dialog or DialogSettings()))

    channel.name = name
    channel.lead_source = changes.lead_source
    channel.reason_required = changes.reason_required
    channel.responsible_user_id = user_id
    channel.responsible_role_id = role_id
    channel.rule = rule.value
    channel.sla_minutes = changes.sla_minutes
    channel.ad_source = ad_source
    channel.counts_in_stats = changes.counts_in_stats
    channel.internal_pattern = pattern
    channel.settings = settings  # a new dict: JSON columns do not track changes inside one
    kept = {number.number: number for number in channel.own_numbers}
    channel.own_numbers = [kept.get(number) or ChannelNumber(number=number) for number in numbers]
    channel.zone_rules = zones
    _flush_named(session, f"A channel named '{name}' was created meanwhile.")
    return ChannelDTO.of(channel)


def set_channel_active(uow: UnitOfWork, actor: Actor, channel_id: int, active: bool) -> ChannelDTO:
    """Deactivate a channel (it takes no more inquiries; its leads stay) or activate it again."""
    actor.require(Right.CONFIGURE)
    channel = _channel(uow.session, channel_id)
    channel.active = active
    uow.session.flush()
    return ChannelDTO.of(channel)


def reset_web_form_token(uow: UnitOfWork, actor: Actor, channel_id: int) -> str:
    """Give a request channel a new web-form intake token (the old one stops working); returned once."""
    actor.require(Right.CONFIGURE)
    channel = _channel(uow.session, channel_id)
    if channel.kind != ChannelKind.REQUEST.value:
        raise ValidationError("A web-form token applies to request channels only.")
    # The old tokens are revoked (kept for the record), the new one is stored as its digest only.
    admin.revoke_intake_tokens(uow.session, channel_id)
    return admin.issue_intake_token(uow.session, channel_id)


def _channel(session: Session, channel_id: int) -> Channel:
    channel = session.scalars(
        select(Channel)
        .options(selectinload(Channel.own_numbers), selectinload(Channel.zone_rules))
        .where(Channel.id == channel_id)
    ).one_or_none()
    if channel is None:
        raise NotFound(f"Channel {channel_id} does not exist (any more).")
    return channel


def _channel_name(session: Session, raw: str, channel_id: int | None) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidField("name", "A channel needs a name.")
    if len(name) > 200:
        raise InvalidField("name", "A channel name is at most 200 characters long.")
    other = admin._channel_id_by_name(session, name)
    if other is not None and other != channel_id:
        raise InvalidField("name", f"A channel named '{name}' already exists.")
    return name


def _check_user_target(session: Session, user_id: int, current: int | None, field: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise InvalidField(field, "That user no longer exists; choose another one.")
    # A deactivated user already set stays acceptable (editing other fields must not fail).
    if not user.active and user_id != current:
        raise InvalidField(field, f"{user.full_name} is deactivated; choose an active user.")
    return user


def _zone_rules(
    session: Session, specs: Sequence[ZoneRuleSpec], existing_users: set[int | None]
) -> list[ZoneRule]:
    region = phone_region(session)
    made: list[ZoneRule] = []
    for position, spec in enumerate(specs, start=1):
        try:
            field = ZoneField(spec.field)
        except ValueError:
            raise InvalidField(
                "zone_rules", f"Zone rule {position}: '{spec.field}' is not a zone field."
            ) from None
        value = _zone_value(field, spec.value, region, position)
        if (spec.user_id is None) == (spec.role_id is None):
            raise InvalidField("zone_rules", f"Zone rule {position} needs either a user or a role.")
        if spec.user_id is not None:
            user = session.get(User, spec.user_id)
            if user is None or (not user.active and spec.user_id not in existing_users):
                raise InvalidField("zone_rules", f"Zone rule {position}: choose an active user.")
        if spec.role_id is not None and session.get(Role, spec.role_id) is None:
            raise InvalidField("zone_rules", f"Zone rule {position}: that role no longer exists.")
        made.append(
            ZoneRule(
                position=position,
                field=field.value,
                value=value,
                responsible_user_id=spec.user_id,
                responsible_role_id=spec.role_id,
            )
        )
    return made


def _zone_value(field: ZoneField, raw: str, region: str, position: int) -> str:
    text = raw.strip()
    if not text:
        raise InvalidField("zone_rules", f"Zone rule {position} needs a value to compare.")
    if len(text) > 200:
        raise InvalidField("zone_rules", f"Zone rule {position}: the value is at most 200 characters long.")
    if field is ZoneField.PHONE_PREFIX:
        return phone_prefix(text, region, position)
    if field is ZoneField.EMAIL_DOMAIN:
        domain = text.lstrip("@").lower()
        if not _DOMAIN_RE.match(domain):
            raise InvalidField("zone_rules", f"Zone rule {position}: '{text}' is not a mail domain.")
        return domain
    return text


def phone_prefix(raw: str, region: str = "RU", position: int = 1) -> str:
    """A phone prefix in the E.164 form intake compares with: ``8 (495)`` → ``+7495``."""
    text = re.sub(r"[\s()\-.]", "", raw)
    if not re.fullmatch(r"\+?\d{1,15}", text):
        raise InvalidField("zone_rules", f"Zone rule {position}: '{raw.strip()}' is not a phone prefix.")
    if text.startswith("+"):
        return text
    if text.startswith("00"):
        return "+" + text[2:]
    if region == "RU" and text.startswith("8"):
        return "+7" + text[1:]  # the Russian trunk prefix, as people write it
    return "+" + text


def _email_settings(email: EmailSettings) -> dict[str, Any]:
    security = (email.security or "ssl").strip().lower()
    if security not in SECURITY_MODES:
        raise InvalidField("security", f"Security must be one of {', '.join(SECURITY_MODES)}.")
    settings: dict[str, Any] = {SECURITY: security}
    for key_host, key_port, protocol, value in (
        (IMAP_HOST, IMAP_PORT, "imap", email.imap),
        (SMTP_HOST, SMTP_PORT, "smtp", email.smtp),
    ):
        if value and value.strip():
            try:
                settings[key_host], settings[key_port] = admin._host_port(value, protocol, security)
            except ValidationError as error:
                raise InvalidField(protocol, str(error)) from error
    if email.login and email.login.strip():
        settings[MAIL_LOGIN] = email.login.strip()
    if email.password_env and email.password_env.strip():
        try:
            settings[PASSWORD_ENV] = admin._env_name(email.password_env, "the mailbox password")
        except ValidationError as error:
            raise InvalidField("password_env", str(error)) from error
    try:
        settings.update(admin.mail_extras(email))
    except ValidationError as error:
        raise InvalidField("address", str(error)) from error
    return settings


def _dialog_settings(dialog: DialogSettings) -> dict[str, Any]:
    settings: dict[str, Any] = {API_URL: DEFAULT_TELEGRAM_API_URL}
    if dialog.telegram_token_env and dialog.telegram_token_env.strip():
        try:
            settings[TELEGRAM_TOKEN_ENV] = admin._env_name(dialog.telegram_token_env, "the bot token")
        except ValidationError as error:
            raise InvalidField("telegram_token_env", str(error)) from error
    if dialog.api_url and dialog.api_url.strip():
        url = dialog.api_url.strip().rstrip("/")
        if not re.match(r"^https?://[^\s/]+$|^https?://[^\s/]+/\S*$", url):
            raise InvalidField("api_url", f"'{dialog.api_url.strip()}' is not an http(s) URL.")
        settings[API_URL] = url
    return settings


def _join_host_port(host: object, port: object) -> str | None:
    if not host:
        return None
    text = f"[{host}]" if ":" in str(host) else str(host)
    return f"{text}:{port}" if port else text


def _str_or_none(value: object) -> str | None:
    return str(value) if value else None


def _zone_dto(zone: ZoneRule) -> ZoneRuleDTO:
    return ZoneRuleDTO(
        id=zone.id,
        channel_id=zone.channel_id,
        position=zone.position,
        field=ZoneField(zone.field),
        value=zone.value,
        user_id=zone.responsible_user_id,
        role_id=zone.responsible_role_id,
    )


# ------------------------------------------------------------------------------ rejection reasons


def add_rejection_reason(uow: UnitOfWork, actor: Actor, name: str) -> RejectionReasonDTO:
    """Add a reason at the end of the catalog."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    name = _reason_name(session, name, None)
    position = int(session.scalar(select(func.max(RejectionReason.position))) or 0) + 1
    reason = RejectionReason(code=_free_reason_code(session, name), name=name, position=position, active=True)
    session.add(reason)
    _flush_named(session, f"A rejection reason named '{name}' was added meanwhile.")
    return _reason_dto(reason)


def rename_rejection_reason(uow: UnitOfWork, actor: Actor, reason_id: int, name: str) -> RejectionReasonDTO:
    """Rename a reason (rejected leads keep it: they refer to it, not to its name)."""
    actor.require(Right.CONFIGURE)
    reason = _get(uow.session, RejectionReason, reason_id, "Rejection reason")
    reason.name = _reason_name(uow.session, name, reason.id)
    uow.session.flush()
    return _reason_dto(reason)


def move_rejection_reason(
    uow: UnitOfWork, actor: Actor, reason_id: int, index: int
) -> list[RejectionReasonDTO]:
    """Move a reason to ``index`` (0-based) in the catalog order; the whole catalog in its new order."""
    actor.require(Right.CONFIGURE)
    ordered = _move_in_catalog(uow.session, RejectionReason, reason_id, "Rejection reason", index)
    return [_reason_dto(r) for r in ordered]


def set_rejection_reason_active(
    uow: UnitOfWork, actor: Actor, reason_id: int, active: bool
) -> RejectionReasonDTO:
    """Deactivate a reason (no longer offered; leads rejected with it keep it) or activate it again."""
    actor.require(Right.CONFIGURE)
    reason = _get(uow.session, RejectionReason, reason_id, "Rejection reason")
    if not active and reason.code in PROTECTED_REASON_CODES:
        raise ValidationError(
            f"The reason '{reason.name}' is used by Mark as spam / Mark as duplicate and cannot be "
            "deactivated; rename it if you like."
        )
    reason.active = active
    uow.session.flush()
    return _reason_dto(reason)


def delete_rejection_reason(uow: UnitOfWork, actor: Actor, reason_id: int) -> None:
    """Delete a reason no lead was ever rejected with; a used one can only be deactivated."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    reason = _get(session, RejectionReason, reason_id, "Rejection reason")
    if reason.code in PROTECTED_REASON_CODES:
        raise ValidationError(f"The reason '{reason.name}' is used by the program and cannot be deleted.")
    used = int(session.scalar(select(func.count()).where(Lead.rejection_reason_id == reason.id)) or 0)
    if used:
        raise ValidationError(
            f"The reason '{reason.name}' is recorded on {used} rejected lead(s), so it cannot be deleted; "
            "deactivate it instead."
        )
    session.delete(reason)
    session.flush()


def _reason_name(session: Session, raw: str, reason_id: int | None) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidField("name", "A rejection reason needs a name.")
    if len(name) > 200:
        raise InvalidField("name", "A rejection reason is at most 200 characters long.")
    for other_id, other in session.execute(select(RejectionReason.id, RejectionReason.name)):
        if other_id != reason_id and other.casefold() == name.casefold():
            raise InvalidField("name", f"A rejection reason named '{other}' already exists.")
    return name


def _free_reason_code(session: Session, name: str) -> str:
    # Codes are the stable key reports and scripts use; an ASCII name gives a readable one.
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or "reason"
    taken = set(session.scalars(select(RejectionReason.code)))
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}_{n}"
    return code


def _reason_dto(reason: RejectionReason) -> RejectionReasonDTO:
    return RejectionReasonDTO(reason.id, reason.code, reason.name, reason.position, reason.active)


# ---------------------------------------------------------------------------- pipelines & stages


def add_pipeline(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    stages: Sequence[tuple[str, StageKind | str]],
    *,
    default: bool = False,
) -> PipelineDTO:
    """A new pipeline with its first stages (at least one open); the first pipeline is the default."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    name = _pipeline_name(session, name, None)
    kinds = [StageKind(kind) for _, kind in stages]
    if StageKind.OPEN not in kinds:
        raise ValidationError("A pipeline needs at least one open stage.")
    first = session.scalar(select(func.count()).select_from(Pipeline)) == 0
    pipeline = Pipeline(name=name, is_default=False)
    session.add(pipeline)
    _flush_named(session, f"A pipeline named '{name}' was added meanwhile.")
    seen: set[str] = set()
    for position, (stage_name, kind) in enumerate(stages):
        clean = _stage_name(session, pipeline.id, stage_name, None)
        if clean.casefold() in seen:
            raise InvalidField("name", f"Two stages are named '{clean}'.")
        seen.add(clean.casefold())
        stage_kind = _stage_kind(kind)
        session.add(
            Stage(
                pipeline_id=pipeline.id,
                name=clean,
                position=position,
                color=_default_color(stage_kind),
                kind=stage_kind.value,
            )
        )
    session.flush()
    if default or first:
        _make_default(session, pipeline)
    return _pipeline_dto(session, pipeline.id)


def rename_pipeline(uow: UnitOfWork, actor: Actor, pipeline_id: int, name: str) -> PipelineDTO:
    """Rename a pipeline."""
    actor.require(Right.CONFIGURE)
    pipeline = _get(uow.session, Pipeline, pipeline_id, "Pipeline")
    pipeline.name = _pipeline_name(uow.session, name, pipeline.id)
    _flush_named(uow.session, f"A pipeline named '{pipeline.name}' was added meanwhile.")
    return _pipeline_dto(uow.session, pipeline.id)


def set_default_pipeline(uow: UnitOfWork, actor: Actor, pipeline_id: int) -> PipelineDTO:
    """Make a pipeline the default one (new interests start there)."""
    actor.require(Right.CONFIGURE)
    pipeline = _get(uow.session, Pipeline, pipeline_id, "Pipeline")
    _make_default(uow.session, pipeline)
    return _pipeline_dto(uow.session, pipeline.id)


def add_stage(
    uow: UnitOfWork,
    actor: Actor,
    pipeline_id: int,
    name: str,
    color: str,
    kind: StageKind | str = StageKind.OPEN,
) -> StageDTO:
    """Add a stage: an open one before the won/lost stages, a closing one at the end."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    pipeline = _get(session, Pipeline, pipeline_id, "Pipeline")
    kind = _stage_kind(kind)
    stage = Stage(
        pipeline_id=pipeline.id,
        name=_stage_name(session, pipeline.id, name, None),
        color=_color(color),
        kind=kind.value,
        position=0,
    )
    ordered = _ordered_stages(session, pipeline.id)
    index = len(ordered)
    if kind is StageKind.OPEN:
        index = next((i for i, s in enumerate(ordered) if s.kind != StageKind.OPEN.value), len(ordered))
    session.add(stage)
    ordered.insert(index, stage)
    _number(ordered)
    _flush_named(session, f"A stage named '{stage.name}' was added meanwhile.")
    return _stage_dto(stage)


def update_stage(
    uow: UnitOfWork,
    actor: Actor,
    stage_id: int,
    *,
    name: str,
    color: str,
    kind: StageKind | str,
) -> StageDTO:
    """Rename, recolour and set whether a stage is open, won or lost."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    stage = _get(session, Stage, stage_id, "Stage")
    new_kind = _stage_kind(kind)
    stage.name = _stage_name(session, stage.pipeline_id, name, stage.id)
    stage.color = _color(color)
    if new_kind is not StageKind.OPEN and stage.kind == StageKind.OPEN.value:
        _keep_an_open_stage(session, stage)
    stage.kind = new_kind.value
    _flush_named(session, f"A stage named '{stage.name}' was added meanwhile.")
    return _stage_dto(stage)


def move_stage(uow: UnitOfWork, actor: Actor, stage_id: int, index: int) -> list[StageDTO]:
    """Move a stage to ``index`` (0-based) in its pipeline; the stages in their new order."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    stage = _get(session, Stage, stage_id, "Stage")
    ordered = _ordered_stages(session, stage.pipeline_id)
    _place(ordered, stage, index)
    session.flush()
    return [_stage_dto(s) for s in ordered]


def delete_stage(uow: UnitOfWork, actor: Actor, stage_id: int) -> None:
    """Delete a stage no interest is on (a pipeline keeps at least one open stage)."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    stage = _get(session, Stage, stage_id, "Stage")
    used = int(session.scalar(select(func.count()).where(Interest.stage_id == stage.id)) or 0)
    if used:
        raise ValidationError(
            f"The stage '{stage.name}' holds {used} interest(s), so it cannot be deleted; move them "
            "to another stage first."
        )
    if stage.kind == StageKind.OPEN.value:
        _keep_an_open_stage(session, stage)
    ordered = [s for s in _ordered_stages(session, stage.pipeline_id) if s.id != stage.id]
    session.delete(stage)
    session.flush()
    _number(ordered)
    session.flush()


def _keep_an_open_stage(session: Session, stage: Stage) -> None:
    others = session.scalar(
        select(func.count()).where(
            Stage.pipeline_id == stage.pipeline_id, Stage.kind == StageKind.OPEN.value, Stage.id != stage.id
        )
    )
    if not others:
        raise ValidationError(f"'{stage.name}' is the last open stage; a pipeline needs at least one.")


def _make_default(session: Session, pipeline: Pipeline) -> None:
    for other in session.scalars(select(Pipeline).where(Pipeline.is_default.is_(True))):
        if other.id != pipeline.id:
            other.is_default = False
    session.flush()
    pipeline.is_default = True
    session.flush()


def _pipeline_name(session: Session, raw: str, pipeline_id: int | None) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidField("name", "A pipeline needs a name.")
    if len(name) > 200:
        raise InvalidField("name", "A pipeline name is at most 200 characters long.")
    for other_id, other in session.execute(select(Pipeline.id, Pipeline.name)):
        if other_id != pipeline_id and other.casefold() == name.casefold():
            raise InvalidField("name", f"A pipeline named '{other}' already exists.")
    return name


def _stage_name(session: Session, pipeline_id: int, raw: str, stage_id: int | None) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidField("name", "A stage needs a name.")
    if len(name) > 200:
        raise InvalidField("name", "A stage name is at most 200 characters long.")
    for other_id, other in session.execute(
        select(Stage.id, Stage.name).where(Stage.pipeline_id == pipeline_id)
    ):
        if other_id != stage_id and other.casefold() == name.casefold():
            raise InvalidField("name", f"This pipeline already has a stage named '{other}'.")
    return name


def _stage_kind(kind: StageKind | str) -> StageKind:
    try:
        return StageKind(kind)
    except ValueError:
        raise InvalidField("kind", f"'{kind}' is not a stage kind (open, won, lost).") from None


def _color(raw: str) -> str:
    color = raw.strip()
    if not _COLOR_RE.match(color):
        raise InvalidField("color", f"'{raw}' is not a colour; write it as #RRGGBB.")
    return color.lower()


def _default_color(kind: StageKind | str) -> str:
    return {StageKind.WON: "#3aa55d", StageKind.LOST: "#b0413e"}.get(StageKind(kind), "#4a90d9")


def _ordered_stages(session: Session, pipeline_id: int) -> list[Stage]:
    return list(
        session.scalars(
            select(Stage).where(Stage.pipeline_id == pipeline_id).order_by(Stage.position, Stage.id)
        )
    )


def _stage_dto(stage: Stage) -> StageDTO:
    return StageDTO(
        stage.id, stage.pipeline_id, stage.name, stage.position, stage.color, StageKind(stage.kind)
    )


def _pipeline_dto(session: Session, pipeline_id: int) -> PipelineDTO:
    return next(p for p in _pipelines(session) if p.id == pipeline_id)


# ------------------------------------------------------------------------------------------ users


def add_user(
    uow: UnitOfWork,
    actor: Actor,
    login: str,
    full_name: str,
    role_codes: Sequence[str],
    *,
    department_id: int | None = None,
    extension: str | None = None,
    email: str | None = None,
    password: str | None = None,
) -> UserDTO:
    """Create a user (through :func:`admin.create_user`, the CLI's path); without a password they
    cannot sign in until one is set."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    if not admin._LOGIN_RE.match(login.strip()):
        raise InvalidField(
            "login",
            f"'{login.strip()}' is not a valid login: use Latin letters, digits and . _ @ -, "
            "starting with a letter or digit.",
        )
    if session.scalar(select(User.id).where(func.lower(User.login) == login.strip().lower())) is not None:
        raise InvalidField("login", f"A user with login '{login.strip()}' already exists.")
    _user_fields(session, None, full_name, extension, email, role_codes)
    _department_name(session, department_id)
    if password is not None and not password:
        password = None
    # The department is set by id afterwards: create_user takes a name and would pick (or make)
    # a department by name.
    created = admin.create_user(uow, actor, login, full_name, role_codes, None, extension, password, email)
    if department_id is not None:
        _user(session, created.id).department_id = department_id
        session.flush()
    return replace(created, department_id=department_id)


def update_user(
    uow: UnitOfWork,
    actor: Actor,
    user_id: int,
    *,
    full_name: str,
    department_id: int | None,
    extension: str | None,
    email: str | None,
    role_codes: Sequence[str],
) -> UserDTO:
    """Change a user's name, department, extension, e-mail and roles (the login never changes)."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    user = _user(session, user_id)
    before = _configurers(session)
    name, ext, mail, roles = _user_fields(session, user.id, full_name, extension, email, role_codes)
    _department_name(session, department_id)
    user.full_name = name
    user.department_id = department_id
    user.extension = ext
    user.email = mail
    user.roles = roles
    _flush_named(session, f"Extension {ext} was given to another user meanwhile.")
    _keep_a_configurer(session, before, f"{user.full_name} cannot lose the right to change the settings")
    return admin._user_dto(user)


def set_user_active(uow: UnitOfWork, actor: Actor, user_id: int, active: bool) -> UserDTO:
    """Deactivate a user (cannot sign in, gets no new leads; history stays) or activate them again."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    user = _user(session, user_id)
    if not active and user.id == actor.user_id:
        raise ValidationError("You cannot deactivate your own account.")
    before = _configurers(session)
    user.active = active
    if not active:
        _keep_a_configurer(session, before, f"{user.full_name} cannot be deactivated")
    return admin._user_dto(user)


def set_user_password(uow: UnitOfWork, actor: Actor, user_id: int, password: str) -> None:
    """Set a user's password (stored as a scrypt hash)."""
    actor.require(Right.CONFIGURE)
    user = _user(uow.session, user_id)
    if not password:
        raise InvalidField("password", "The password must not be empty.")
    if len(password) > 1000:
        raise InvalidField("password", "The password is at most 1000 characters long.")
    user.password_hash = hash_password(password)
    uow.session.flush()


def _user(session: Session, user_id: int) -> User:
    user = session.scalars(
        select(User).options(selectinload(User.roles)).where(User.id == user_id)
    ).one_or_none()
    if user is None:
        raise NotFound(f"User {user_id} does not exist (any more).")
    return user


def _user_fields(
    session: Session,
    user_id: int | None,
    full_name: str,
    extension: str | None,
    email: str | None,
    role_codes: Sequence[str],
) -> tuple[str, str | None, str | None, list[Role]]:
    name = " ".join(full_name.split())
    if not name:
        raise InvalidField("full_name", "A user needs a full name.")
    if len(name) > 200:
        raise InvalidField("full_name", "A full name is at most 200 characters long.")
    ext: str | None = None
    if extension is not None and extension.strip():
        ext = extension.strip()
        if not admin._EXTENSION_RE.match(ext):
            raise InvalidField(
                "extension", f"'{ext}' is not a valid extension: use digits (or letters), no spaces."
            )
        holder = session.execute(select(User.id, User.full_name).where(User.extension == ext)).first()
        if holder is not None and holder[0] != user_id:
            raise InvalidField("extension", f"Extension {ext} already belongs to {holder[1]}.")
    mail: str | None = None
    if email is not None and email.strip():
        mail = normalize_email(email)
        if mail is None:
            raise InvalidField("email", f"'{email.strip()}' is not an e-mail address.")
    try:
        roles = admin._roles_by_code(session, role_codes)
    except ValidationError as error:
        raise InvalidField("roles", str(error)) from error
    return name, ext, mail, roles


def _department_name(session: Session, department_id: int | None) -> str | None:
    if department_id is None:
        return None
    department = session.get(Department, department_id)
    if department is None:
        raise InvalidField("department", "That department no longer exists; choose another one.")
    return department.name


def _configurers(session: Session) -> int:
    """How many active users may change the settings (as the session sees it, flushed)."""
    session.flush()
    return int(
        session.scalar(
            select(func.count(func.distinct(User.id)))
            .join(user_roles, user_roles.c.user_id == User.id)
            .join(Role, Role.id == user_roles.c.role_id)
            .where(User.active.is_(True), Role.can_configure.is_(True))
        )
        or 0
    )


def _keep_a_configurer(session: Session, before: int, what: str) -> None:
    """Refuse a change that leaves nobody active able to change the settings (when somebody was)."""
    if before and not _configurers(session):
        raise ValidationError(f"{what}: nobody active would be left with the right to change the settings.")


# ------------------------------------------------------------------------------------------ roles


def add_role(
    uow: UnitOfWork,
    actor: Actor,
    code: str,
    name: str,
    visibility: Visibility | str,
    rights: Collection[Right | str],
) -> RoleDTO:
    """A custom role with its rights and lead visibility."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    code = _role_code(session, code, None)
    role = Role(code=code, is_system=False)
    _apply_role(session, role, name, visibility, rights)
    session.add(role)
    _flush_named(session, f"A role with code '{code}' was added meanwhile.")
    return _role_dto(session, role.id)


def update_role(
    uow: UnitOfWork,
    actor: Actor,
    role_id: int,
    *,
    code: str,
    name: str,
    visibility: Visibility | str,
    rights: Collection[Right | str],
) -> RoleDTO:
    """Change a role's name, rights and visibility (and the code of a custom role)."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    role = _get(session, Role, role_id, "Role")
    before = _configurers(session)
    new_code = code.strip().lower()
    if role.is_system and new_code != role.code:
        raise InvalidField("code", f"The code of the built-in role '{role.code}' cannot change.")
    role.code = _role_code(session, code, role.id) if not role.is_system else role.code
    _apply_role(session, role, name, visibility, rights)
    _flush_named(session, f"A role with code '{role.code}' was added meanwhile.")
    _keep_a_configurer(
        session, before, f"The role '{role.name}' cannot lose the right to change the settings"
    )
    return _role_dto(session, role.id)


def _apply_role(
    session: Session, role: Role, name: str, visibility: Visibility | str, rights: Collection[Right | str]
) -> None:
    clean = " ".join(name.split())
    if not clean:
        raise InvalidField("name", "A role needs a name.")
    if len(clean) > 200:
        raise InvalidField("name", "A role name is at most 200 characters long.")
    for other_id, other in session.execute(select(Role.id, Role.name)):
        if other_id != role.id and other.casefold() == clean.casefold():
            raise InvalidField("name", f"A role named '{other}' already exists.")
    try:
        seeing = Visibility(visibility)
        granted = {Right(right) for right in rights}
    except ValueError as error:
        raise InvalidField("visibility", f"Unknown visibility or right: {error}.") from None
    role.name = clean
    role.visibility = seeing.value
    role.can_reassign = Right.REASSIGN in granted
    role.can_reject = Right.REJECT in granted
    role.can_delete = Right.DELETE in granted
    role.can_export = Right.EXPORT in granted
    role.can_configure = Right.CONFIGURE in granted


def _role_code(session: Session, raw: str, role_id: int | None) -> str:
    code = raw.strip().lower()
    if not _ROLE_CODE_RE.match(code):
        raise InvalidField(
            "code",
            f"'{raw.strip()}' is not a valid role code: 2–64 Latin letters, digits, _ or -, "
            "starting with a letter.",
        )
    other = session.scalar(select(Role.id).where(Role.code == code))
    if other is not None and other != role_id:
        raise InvalidField("code", f"A role with code '{code}' already exists.")
    return code


def _role_dto(session: Session, role_id: int) -> RoleDTO:
    return next(r for r in _roles(session) if r.id == role_id)


# ------------------------------------------------------------------------------------ departments


def add_department(uow: UnitOfWork, actor: Actor, name: str, parent_id: int | None = None) -> DepartmentDTO:
    """A new department (optionally inside another one)."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    department = Department(name=_department_title(session, name, None))
    department.parent_id = _parent(session, parent_id, None)
    session.add(department)
    _flush_named(session, f"A department named '{department.name}' was added meanwhile.")
    return DepartmentDTO(department.id, department.name, department.parent_id)


def update_department(
    uow: UnitOfWork, actor: Actor, department_id: int, name: str, parent_id: int | None = None
) -> DepartmentDTO:
    """Rename a department or move it under another one."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    department = _get(session, Department, department_id, "Department")
    department.name = _department_title(session, name, department.id)
    department.parent_id = _parent(session, parent_id, department.id)
    _flush_named(session, f"A department named '{department.name}' was added meanwhile.")
    return DepartmentDTO(department.id, department.name, department.parent_id)


def _department_title(session: Session, raw: str, department_id: int | None) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidField("name", "A department needs a name.")
    if len(name) > 200:
        raise InvalidField("name", "A department name is at most 200 characters long.")
    # Compared in Python: SQLite's lower() folds ASCII only, and department names are Russian.
    for other_id, other in session.execute(select(Department.id, Department.name)):
        if other_id != department_id and other.casefold() == name.casefold():
            raise InvalidField("name", f"A department named '{other}' already exists.")
    return name


def _parent(session: Session, parent_id: int | None, department_id: int | None) -> int | None:
    if parent_id is None:
        return None
    parents: dict[int, int | None] = {
        key: parent for key, parent in session.execute(select(Department.id, Department.parent_id))
    }
    if parent_id not in parents:
        raise InvalidField("parent", "That department no longer exists; choose another one.")
    current: int | None = parent_id
    while current is not None:
        if current == department_id:
            raise InvalidField("parent", "A department cannot be inside itself.")
        current = parents.get(current)
    return parent_id


# --------------------------------------------------------------------------------- exclusion list


def add_exclusion(
    uow: UnitOfWork, actor: Actor, kind: ExclusionKind | str, value: str, comment: str | None = None
) -> ExclusionDTO:
    """Put a phone (any format, stored E.164), an e-mail or a whole domain on the exclusion list."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    try:
        kind = ExclusionKind(kind)
    except ValueError:
        raise InvalidField("kind", f"'{kind}' is not a phone, e-mail or domain.") from None
    stored = exclusion_value(kind, value, phone_region(session))
    note = (comment or "").strip() or None
    if note is not None and len(note) > 300:
        raise InvalidField("comment", "A comment is at most 300 characters long.")
    if session.scalar(select(Exclusion.id).where(Exclusion.kind == kind.value, Exclusion.value == stored)):
        raise InvalidField("value", f"{stored} is already on the exclusion list.")
    exclusion = Exclusion(kind=kind.value, value=stored, comment=note)
    session.add(exclusion)
    _flush_named(session, f"{stored} was put on the exclusion list meanwhile.")
    return _exclusion_dto(exclusion)


def remove_exclusion(uow: UnitOfWork, actor: Actor, exclusion_id: int) -> None:
    """Take an entry off the exclusion list (its contacts make leads again)."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    exclusion = _get(session, Exclusion, exclusion_id, "Exclusion-list entry")
    session.delete(exclusion)
    session.flush()


_MESSENGER_RE = re.compile(r"^[a-z][a-z0-9_-]*:[^\s:]+$")


def exclusion_value(kind: ExclusionKind | str, value: str, region: str = "RU") -> str:
    """The stored form of an exclusion: E.164 phone, lower-case e-mail, lower-case domain,
    lower-case messenger user."""
    kind = ExclusionKind(kind)
    text = value.strip()
    if not text:
        raise InvalidField("value", "Enter the phone, e-mail or domain to exclude.")
    if kind is ExclusionKind.PHONE:
        phone = normalize_phone(text, region)
        if phone is None:
            raise InvalidField("value", f"'{text}' is not a phone number.")
        return phone
    if kind is ExclusionKind.EMAIL:
        mail = normalize_email(text)
        if mail is None:
            raise InvalidField("value", f"'{text}' is not an e-mail address.")
        return mail
    if kind is ExclusionKind.MESSENGER:
        # As leads and conversations store it: "<messenger>:<user id>", e.g. "telegram:123456789".
        user = text.lower()
        if not _MESSENGER_RE.match(user):
            raise InvalidField("value", f"'{text}' is not a messenger user (like telegram:123456789).")
        return user
    domain = text.lower().removeprefix("mailto:").lstrip("@")
    if "@" in domain:
        domain = domain.rsplit("@", 1)[1]
    if not _DOMAIN_RE.match(domain) or len(domain) > 254:
        raise InvalidField("value", f"'{text}' is not a mail domain (like example.ru).")
    return domain


def _exclusion_dto(exclusion: Exclusion) -> ExclusionDTO:
    return ExclusionDTO(
        exclusion.id, ExclusionKind(exclusion.kind), exclusion.value, exclusion.comment, exclusion.created_at
    )


# ---------------------------------------------------------------------------- progress statuses


def add_progress_status(uow: UnitOfWork, actor: Actor, name: str, color: str) -> ProgressStatusDTO:
    """An optional "in progress" lead status, at the end of the order."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    status = ProgressStatus(name=_status_name(session, name, None), color=_color(color))
    status.position = int(session.scalar(select(func.max(ProgressStatus.position))) or 0) + 1
    session.add(status)
    _flush_named(session, f"A status named '{status.name}' was added meanwhile.")
    return _status_dto(status)


def update_progress_status(
    uow: UnitOfWork, actor: Actor, status_id: int, name: str, color: str
) -> ProgressStatusDTO:
    """Rename and recolour an "in progress" status."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    status = _get(session, ProgressStatus, status_id, "Status")
    status.name = _status_name(session, name, status.id)
    status.color = _color(color)
    _flush_named(session, f"A status named '{status.name}' was added meanwhile.")
    return _status_dto(status)


def move_progress_status(
    uow: UnitOfWork, actor: Actor, status_id: int, index: int
) -> list[ProgressStatusDTO]:
    """Move a status to ``index`` (0-based); every status in the new order."""
    actor.require(Right.CONFIGURE)
    ordered = _move_in_catalog(uow.session, ProgressStatus, status_id, "Status", index)
    return [_status_dto(s) for s in ordered]


def delete_progress_status(uow: UnitOfWork, actor: Actor, status_id: int) -> None:
    """Delete a status no lead has."""
    actor.require(Right.CONFIGURE)
    session = uow.session
    status = _get(session, ProgressStatus, status_id, "Status")
    used = int(session.scalar(select(func.count()).where(Lead.progress_status_id == status.id)) or 0)
    if used:
        raise ValidationError(
            f"{used} lead(s) have the status '{status.name}', so it cannot be deleted; move them on first."
        )
    session.delete(status)
    session.flush()


def _status_name(session: Session, raw: str, status_id: int | None) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidField("name", "A status needs a name.")
    if len(name) > 100:
        raise InvalidField("name", "A status name is at most 100 characters long.")
    for other_id, other in session.execute(select(ProgressStatus.id, ProgressStatus.name)):
        if other_id != status_id and other.casefold() == name.casefold():
            raise InvalidField("name", f"A status named '{other}' already exists.")
    return name


def _status_dto(status: ProgressStatus) -> ProgressStatusDTO:
    return ProgressStatusDTO(status.id, status.name, status.position, status.color)


# ---------------------------------------------------------------------------------------- helpers


_Ordered = RejectionReason | Stage | ProgressStatus
_T = TypeVar("_T")


def _move_in_catalog(session: Session, model: Any, item_id: int, label: str, index: int) -> list[Any]:
    """Move one row of an ordered catalog (by position, then id) to ``index``; the rows in order."""
    item = _get(session, model, item_id, label)
    ordered = list(session.scalars(select(model).order_by(model.position, model.id)))
    _place(ordered, item, index)
    session.flush()
    return ordered


def _place(ordered: list[Any], item: _Ordered, index: int) -> None:
    """Move ``item`` to ``index`` in ``ordered`` (clamped) and renumber positions from 0."""
    ordered.remove(item)
    ordered.insert(max(0, min(index, len(ordered))), item)
    _number(ordered)


def _number(ordered: Sequence[_Ordered]) -> None:
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position


def _get(session: Session, model: type[_T], key: int, what: str) -> _T:
    found = session.get(model, key)
    if found is None:
        raise NotFound(f"{what} {key} does not exist (any more).")
    return found


def _flush_named(session: Session, conflict: str) -> None:
    """Flush; a unique-key race with another desk becomes a sentence instead of a driver error."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        raise ValidationError(conflict) from error
