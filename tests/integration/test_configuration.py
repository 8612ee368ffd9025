"""Settings services (app/services/configuration.py, app/services/secrets.py) on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import select

from app.domain.enums import ChannelKind, DistributionRule, ExclusionKind, StageKind, Visibility
from app.domain.errors import NotFound, PermissionDenied, ValidationError
from app.persistence.models import (
    Channel,
    Exclusion,
    IntakeToken,
    Pipeline,
    RejectionReason,
    Stage,
    User,
    ZoneRule,
)
from app.persistence.uow import Database, open_database
from app.services import configuration as conf
from app.services import secrets
from app.services.admin import DialogSettings, EmailSettings, token_digest
from app.services.auth import authenticate
from app.services.configuration import ChannelChanges, InvalidField, ZoneRuleSpec
from app.services.dto import ChannelDTO
from app.services.intake import IntakeOutcome
from app.services.permissions import Actor, Right
from tests.conftest import MemoryKeyring
from tests.factories import (
    actor_of,
    build,
    default_pipeline,
    make_channel,
    make_client,
    make_department,
    make_interest,
    make_user,
    new_lead,
    reason_id,
    role,
    take_in,
    unique,
)

# ---------------------------------------------------------------------------------------- helpers


def run(db: Database, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a configuration function in its own unit of work."""
    with db.uow() as uow:
        return work(uow, *args, **kwargs)


@pytest.fixture
def admin(db: Database) -> Actor:
    """A signed-in administrator (the configure right through the seeded admin role)."""
    user = build(db, make_user, "admin-" + unique("a"), roles=("admin",))
    return actor_of(db, user)


@pytest.fixture
def manager(db: Database) -> Actor:
    """A manager: no configure right."""
    return actor_of(db, build(db, make_user, roles=("manager",)))


def ids(db: Database) -> dict[str, int]:
    """Ids of the seeded roles by code."""
    with db.session() as session:
        return {code: role(session, code).id for code in ("manager", "operator", "dispatcher", "admin")}


def failure(error: pytest.ExceptionInfo[BaseException]) -> str:
    """The error's message, checked to read as one sentence (no traceback, no driver text)."""
    text = str(error.value)
    assert text and (text[0].isupper() or text[0] in "'+0123456789"), text
    assert text.endswith("."), text
    assert "\n" not in text and "Traceback" not in text and "sqlalchemy" not in text.lower(), text
    return text


# -------------------------------------------------------------------------------------- channels


def test_add_call_channel_with_every_field(db: Database, admin: Actor) -> None:
    manager_id = build(db, make_user, roles=("manager",)).id
    created = run(
        db,
        conf.add_channel,
        admin,
        ChannelKind.CALL,
        ChannelChanges(
            name="  Входящая   линия ",
            lead_source=True,
            reason_required=True,
            responsible_user_id=manager_id,
            rule=DistributionRule.FIXED,
            sla_minutes=15,
            ad_source=" Яндекс.Директ ",
            counts_in_stats=False,
            internal_pattern=r"^\+7495123\d{4}$",
            own_numbers=("8 (495) 123-00-00", "+7 495 123-00-01", "  "),
        ),
    )
    channel = created.channel
    assert created.token is None
    assert channel.name == "Входящая линия"
    assert channel.kind is ChannelKind.CALL
    assert channel.reason_required and not channel.counts_in_stats
    assert channel.responsible_user_id == manager_id and channel.rule is DistributionRule.FIXED
    assert channel.sla_minutes == 15 and channel.ad_source == "Яндекс.Директ"
    assert channel.own_numbers == ("+74951230000", "+74951230001")
    with db.session() as session:
        stored = session.get_one(Channel, channel.id)
        assert stored.internal_pattern == r"^\+7495123\d{4}$"
        assert sorted(n.number for n in stored.own_numbers) == ["+74951230000", "+74951230001"]


def test_add_channel_refusal_leaves_nothing(db: Database, admin: Actor) -> None:
    with pytest.raises(InvalidField) as error:
        run(db, conf.add_channel, admin, "call", ChannelChanges(name="Линия", rule="pool"))
    assert error.value.field == "responsible_role"
    assert "needs a role" in failure(error)
    with db.session() as session:
        assert session.scalar(select(Channel.id).where(Channel.name == "Линия")) is None


def test_request_channel_with_web_form_token_and_reset(db: Database, admin: Actor) -> None:
    role_id = ids(db)["manager"]
    created = run(
        db,
        conf.add_channel,
        admin,
        "request",
        ChannelChanges(name="Сайт", responsible_role_id=role_id),
        web_form=True,
    )
    assert created.token
    assert conf.has_web_form_token(created.channel)
    assert "token_sha256" not in created.channel.settings
    token = run(db, conf.reset_web_form_token, admin, created.channel.id)
    with db.session() as session:
        rows = session.execute(
            select(IntakeToken.token_hash, IntakeToken.revoked_at.is_(None))
            .where(IntakeToken.channel_id == created.channel.id)
            .order_by(IntakeToken.id)
        ).all()
        # The first token is revoked (kept for the record); only the new one works.
        assert [tuple(row) for row in rows] == [
            (token_digest(created.token), False),
            (token_digest(token), True),
        ]
        assert conf.has_web_form_token(ChannelDTO.of(session.get_one(Channel, created.channel.id)))
    assert token != created.token


def test_edit_rule_responsible_and_reason_required(db: Database, admin: Actor) -> None:
    user = build(db, make_user, roles=("manager",))
    channel = build(db, make_channel, kind="request", rule="fixed", user=user)
    roles = ids(db)
    changed = run(
        db,
        conf.update_channel,
        admin,
        channel.id,
        ChannelChanges(
            name=channel.name,
            reason_required=True,
            responsible_role_id=roles["manager"],
            rule=DistributionRule.ROUND_ROBIN,
        ),
    )
    assert changed.rule is DistributionRule.ROUND_ROBIN
    assert changed.responsible_user_id is None and changed.responsible_role_id == roles["manager"]
    with db.session() as session:
        stored = session.get_one(Channel, channel.id)
        assert stored.reason_required is True and stored.rule == "round-robin"

    run(
        db,
        conf.update_channel,
        admin,
        channel.id,
        ChannelChanges(name=channel.name, reason_required=False, responsible_role_id=roles["manager"]),
    )
    with db.session() as session:
        assert session.get_one(Channel, channel.id).reason_required is False


def test_zone_rules_are_normalized_and_used_by_intake(db: Database, admin: Actor) -> None:
    moscow = build(db, make_user, roles=("manager",))
    mail_team = ids(db)["dispatcher"]
    fallback = build(db, make_user, roles=("manager",))
    channel = build(db, make_channel, kind="request", rule="fixed", user=fallback)
    dto = run(
        db,
        conf.update_channel,
        admin,
        channel.id,
        ChannelChanges(
            name=channel.name,
            responsible_user_id=fallback.id,
            rule="zone",
            zone_rules=(
                ZoneRuleSpec("phone_prefix", "8 (495)", user_id=moscow.id),
                ZoneRuleSpec("email_domain", "@Example.RU", role_id=mail_team),
                ZoneRuleSpec("source", "Авито", user_id=moscow.id),
            ),
        ),
    )
    assert dto.rule is DistributionRule.ZONE
    with db.session() as session:
        zones = conf.zone_rules(session, admin, channel.id)
    assert [(z.field.value, z.value, z.position) for z in zones] == [
        ("phone_prefix", "+7495", 1),
        ("email_domain", "example.ru", 2),
        ("source", "Авито", 3),
    ]
    assert new_lead(db, channel, phone="+7 495 111-22-33").responsible_user_id == moscow.id
    by_mail = new_lead(db, channel, email="Petrov@example.ru")
    assert by_mail.responsible_role_id == mail_team and by_mail.responsible_user_id is None
    assert new_lead(db, channel, phone="+7 916 000-11-22").responsible_user_id == fallback.id

    # Replacing the rules keeps no orphans.
    run(
        db,
        conf.update_channel,
        admin,
        channel.id,
        ChannelChanges(name=channel.name, responsible_user_id=fallback.id, rule="fixed"),
    )
    with db.session() as session:
        assert session.scalars(select(ZoneRule).where(ZoneRule.channel_id == channel.id)).all() == []


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        (dict(rule="zone"), "zone_rules", "at least one zone rule"),
        (
            dict(rule="zone", zone_rules=(ZoneRuleSpec("source", "x"),)),
            "zone_rules",
            "either a user or a role",
        ),
        (
            dict(rule="zone", zone_rules=(ZoneRuleSpec("phone_prefix", "abc", role_id=1),)),
            "zone_rules",
            "not a phone prefix",
        ),
        (dict(rule="fixed"), "responsible_user", "needs a responsible user"),
        (dict(rule="least-loaded"), "responsible_role", "needs a role"),
        (dict(rule="pool", responsible_role_id=1, sla_minutes=0), "sla_minutes", "positive number"),
        (
            dict(rule="pool", responsible_role_id=1, internal_pattern="("),
            "internal_pattern",
            "not a valid regular expression",
        ),
        (
            dict(rule="pool", responsible_role_id=1, own_numbers=("12",)),
            "own_numbers",
            "is not a phone number",
        ),
        (dict(name=" ", rule="pool", responsible_role_id=1), "name", "needs a name"),
    ],
)
def test_channel_validation_sentences(
    db: Database, admin: Actor, changes: dict[str, Any], field: str, words: str
) -> None:
    channel = build(db, make_channel, kind="call", rule="pool", role=ids(db)["manager"])
    values: dict[str, Any] = {"name": channel.name, **changes}
    with pytest.raises(InvalidField) as error:
        run(db, conf.update_channel, admin, channel.id, ChannelChanges(**values))
    assert error.value.field == field
    assert words in failure(error)


def test_channel_name_clash_is_case_insensitive(db: Database, admin: Actor) -> None:
    role_id = ids(db)["manager"]
    build(db, make_channel, "Почта отдела", kind="email", rule="pool", role=role_id)
    other = build(db, make_channel, "Другая", kind="email", rule="pool", role=role_id)
    with pytest.raises(InvalidField) as error:
        run(
            db,
            conf.update_channel,
            admin,
            other.id,
            ChannelChanges(name="ПОЧТА ОТДЕЛА", responsible_role_id=role_id),
        )
    assert error.value.field == "name"
    assert "already exists" in failure(error)


def test_deactivated_user_cannot_be_made_responsible(db: Database, admin: Actor) -> None:
    gone = build(db, make_user, roles=("manager",), active=False, full_name="Уволен Уволенович")
    channel = build(db, make_channel, kind="call", rule="pool", role=ids(db)["manager"])
    with pytest.raises(InvalidField) as error:
        run(
            db,
            conf.update_channel,
            admin,
            channel.id,
            ChannelChanges(name=channel.name, responsible_user_id=gone.id, rule="fixed"),
        )
    assert error.value.field == "responsible_user"
    assert "Уволен Уволенович is deactivated" in failure(error)


def test_kind_specific_settings_of_mail_and_dialog_channels(db: Database, admin: Actor) -> None:
    role_id = ids(db)["dispatcher"]
    mail = run(
        db,
        conf.add_channel,
        admin,
        "email",
        ChannelChanges(
            name="info@",
            responsible_role_id=role_id,
            lead_source=False,
            email=EmailSettings(
                imap="imap.yandex.ru",
                smtp="smtp.yandex.ru:587",
                security="starttls",
                login="info@firma.ru",
                password_env="INFO_MAIL_PASSWORD",
            ),
        ),
    ).channel
    assert mail.lead_source is False
    assert mail.settings == {
        "security": "starttls",
        "imap_host": "imap.yandex.ru",
        "imap_port": 143,
        "smtp_host": "smtp.yandex.ru",
        "smtp_port": 587,
        "login": "info@firma.ru",
        "password_env": "INFO_MAIL_PASSWORD",
    }
    assert conf.email_settings_of(mail) == EmailSettings(
        imap="imap.yandex.ru:143",
        smtp="smtp.yandex.ru:587",
        security="starttls",
        login="info@firma.ru",
        password_env="INFO_MAIL_PASSWORD",
    )

    with pytest.raises(InvalidField) as error:
        run(
            db,
            conf.update_channel,
            admin,
            mail.id,
            ChannelChanges(
                name=mail.name, responsible_role_id=role_id, email=EmailSettings(imap="imap.yandex.ru:99999")
            ),
        )
    assert error.value.field == "imap" and "not a port number" in failure(error)
    with pytest.raises(InvalidField) as error:
        run(
            db,
            conf.update_channel,
            admin,
            mail.id,
            ChannelChanges(
                name=mail.name, responsible_role_id=role_id, email=EmailSettings(password_env="1 bad")
            ),
        )
    assert error.value.field == "password_env" and "environment variable" in failure(error)

    bot = run(
        db,
        conf.add_channel,
        admin,
        "dialog",
        ChannelChanges(
            name="Телеграм-бот",
            responsible_role_id=role_id,
            dialog=DialogSettings(telegram_token_env="BOT_TOKEN", api_url="https://tg.example.ru/"),
        ),
    ).channel
    assert bot.settings == {"api_url": "https://tg.example.ru", "telegram_token_env": "BOT_TOKEN"}
    with pytest.raises(ValidationError, match="e-mail channels only"):
        run(
            db,
            conf.update_channel,
            admin,
            bot.id,
            ChannelChanges(name=bot.name, responsible_role_id=role_id, email=EmailSettings()),
        )
    with pytest.raises(InvalidField) as error:
        run(
            db,
            conf.update_channel,
            admin,
            bot.id,
            ChannelChanges(
                name=bot.name, responsible_role_id=role_id, dialog=DialogSettings(api_url="ftp://x")
            ),
        )
    assert error.value.field == "api_url"


def test_deactivate_and_activate_channel(db: Database, admin: Actor) -> None:
    channel = build(db, make_channel, kind="request", rule="pool", role=ids(db)["manager"])
    assert run(db, conf.set_channel_active, admin, channel.id, False).active is False
    with db.session() as session:
        assert session.get_one(Channel, channel.id).active is False
    assert run(db, conf.set_channel_active, admin, channel.id, True).active is True
    with pytest.raises(NotFound):
        run(db, conf.set_channel_active, admin, 999_999, False)


# -------------------------------------------------------------------------------------- reasons


def test_rejection_reasons_add_rename_reorder_deactivate(db: Database, admin: Actor) -> None:
    added = run(db, conf.add_rejection_reason, admin, "Дорого")
    assert added.active and added.code.startswith("reason")
    latin = run(db, conf.add_rejection_reason, admin, "Too expensive")
    assert latin.code == "too_expensive"
    with pytest.raises(InvalidField) as error:
        run(db, conf.add_rejection_reason, admin, "  дорого ")
    assert "already exists" in failure(error)

    renamed = run(db, conf.rename_rejection_reason, admin, added.id, "Слишком дорого")
    assert renamed.name == "Слишком дорого" and renamed.code == added.code

    ordered = run(db, conf.move_rejection_reason, admin, added.id, 0)
    assert ordered[0].id == added.id
    assert [r.position for r in ordered] == list(range(len(ordered)))

    assert run(db, conf.set_rejection_reason_active, admin, added.id, False).active is False
    with db.session() as session:
        assert session.get_one(RejectionReason, added.id).active is False
    with db.session() as session:
        spam = reason_id(session, "spam")
    with pytest.raises(ValidationError, match="cannot be deactivated"):
        run(db, conf.set_rejection_reason_active, admin, spam, False)


def test_used_reason_cannot_be_deleted(db: Database, admin: Actor) -> None:
    from app.services.processing import reject_lead

    reason = run(db, conf.add_rejection_reason, admin, "Не дозвонились")
    unused = run(db, conf.add_rejection_reason, admin, "Ненужная")
    channel = build(db, make_channel, kind="request", rule="pool", role=ids(db)["manager"])
    lead = new_lead(db, channel, phone="+79160001122")
    with db.uow() as uow:
        reject_lead(uow, admin, lead.id, reason_id=reason.id)
    with pytest.raises(ValidationError) as error:
        run(db, conf.delete_rejection_reason, admin, reason.id)
    assert "1 rejected lead(s)" in failure(error) and "deactivate it instead" in str(error.value)
    run(db, conf.delete_rejection_reason, admin, unused.id)
    with db.session() as session:
        assert session.get(RejectionReason, unused.id) is None
        assert session.get(RejectionReason, reason.id) is not None


# ------------------------------------------------------------------------------------ pipelines


def test_pipelines_and_stages(db: Database, admin: Actor) -> None:
    pipeline = run(
        db,
        conf.add_pipeline,
        admin,
        "Оптовые продажи",
        [("Заявка", "open"), ("Сделка", StageKind.WON), ("Отказ", "lost")],
    )
    assert not pipeline.is_default
    assert [(s.name, s.kind) for s in pipeline.stages] == [
        ("Заявка", StageKind.OPEN),
        ("Сделка", StageKind.WON),
        ("Отказ", StageKind.LOST),
    ]

    stage = run(db, conf.add_stage, admin, pipeline.id, "Счёт выставлен", "#AABBCC")
    with db.session() as session:
        names = [
            s.name
            for s in session.scalars(
                select(Stage).where(Stage.pipeline_id == pipeline.id).order_by(Stage.position)
            )
        ]
    assert names == ["Заявка", "Счёт выставлен", "Сделка", "Отказ"]  # open stages before won/lost
    assert stage.color == "#aabbcc"

    changed = run(db, conf.update_stage, admin, stage.id, name="Счёт", color="#102030", kind="open")
    assert (changed.name, changed.color) == ("Счёт", "#102030")
    moved = run(db, conf.move_stage, admin, stage.id, 0)
    assert [s.name for s in moved] == ["Счёт", "Заявка", "Сделка", "Отказ"]
    assert [s.position for s in moved] == [0, 1, 2, 3]

    with pytest.raises(InvalidField) as error:
        run(db, conf.update_stage, admin, stage.id, name="Счёт", color="red", kind="open")
    assert error.value.field == "color" and "#RRGGBB" in failure(error)
    with pytest.raises(InvalidField) as error:
        run(db, conf.add_stage, admin, pipeline.id, "заявка", "#000000")
    assert "already has a stage" in failure(error)

    default = run(db, conf.set_default_pipeline, admin, pipeline.id)
    assert default.is_default
    with db.session() as session:
        assert session.scalars(select(Pipeline.id).where(Pipeline.is_default.is_(True))).all() == [
            pipeline.id
        ]
    renamed = run(db, conf.rename_pipeline, admin, pipeline.id, "Опт")
    assert renamed.name == "Опт"


def test_used_stage_and_last_open_stage_are_kept(db: Database, admin: Actor) -> None:
    with db.uow() as uow:
        client = make_client(uow.session)
        interest = make_interest(uow.session, client)
        used_stage = interest.stage_id
    with pytest.raises(ValidationError) as error:
        run(db, conf.delete_stage, admin, used_stage)
    assert "holds 1 interest(s)" in failure(error)

    pipeline = run(db, conf.add_pipeline, admin, "Малая", [("Одна", "open"), ("Итог", "won")])
    only_open = pipeline.stages[0].id
    with pytest.raises(ValidationError, match="last open stage"):
        run(db, conf.delete_stage, admin, only_open)
    with pytest.raises(ValidationError, match="last open stage"):
        run(db, conf.update_stage, admin, only_open, name="Одна", color="#000000", kind="won")
    run(db, conf.delete_stage, admin, pipeline.stages[1].id)
    with db.session() as session:
        assert [s.id for s in session.scalars(select(Stage).where(Stage.pipeline_id == pipeline.id))] == [
            only_open
        ]
    with pytest.raises(ValidationError, match="at least one open stage"):
        run(db, conf.add_pipeline, admin, "Без открытых", [("Итог", "won")])
    with db.session() as session:
        assert default_pipeline(session).is_default


# ---------------------------------------------------------------------------------------- users


def test_users_add_edit_deactivate_password(db: Database, admin: Actor) -> None:
    department = build(db, make_department, "Отдел продаж")
    user = run(
        db,
        conf.add_user,
        admin,
        "petrova",
        "Петрова  Анна",
        ["manager", "operator"],
        department_id=department.id,
        extension="205",
        email="Petrova@Firma.RU",
        password="пароль-1",
    )
    assert user.role_codes == ("manager", "operator") and user.department_id == department.id
    with db.session() as session:
        stored = session.get_one(User, user.id)
        assert stored.email == "petrova@firma.ru" and stored.full_name == "Петрова Анна"
        assert authenticate(session, "petrova", "пароль-1").user_id == user.id

    with pytest.raises(InvalidField) as error:
        run(db, conf.add_user, admin, "PETROVA", "Другая", ["manager"])
    assert error.value.field == "login" and "already exists" in failure(error)
    with pytest.raises(InvalidField) as error:
        run(db, conf.add_user, admin, "ivanov", "Иванов", ["manager"], extension="205")
    assert error.value.field == "extension" and "already belongs to Петрова Анна" in failure(error)
    with pytest.raises(InvalidField) as error:
        run(db, conf.add_user, admin, "ivanov", "Иванов", [])
    assert error.value.field == "roles"

    edited = run(
        db,
        conf.update_user,
        admin,
        user.id,
        full_name="Петрова Анна Сергеевна",
        department_id=None,
        extension="",
        email="",
        role_codes=["dispatcher"],
    )
    assert edited.role_codes == ("dispatcher",) and edited.extension is None and edited.department_id is None

    run(db, conf.set_user_password, admin, user.id, "новый")
    with db.session() as session:
        assert authenticate(session, "petrova", "новый").user_id == user.id
    with pytest.raises(InvalidField):
        run(db, conf.set_user_password, admin, user.id, "")

    assert run(db, conf.set_user_active, admin, user.id, False).active is False
    with db.session() as session, pytest.raises(PermissionDenied):
        authenticate(session, "petrova", "новый")
    assert run(db, conf.set_user_active, admin, user.id, True).active is True


def test_the_last_configurer_is_kept(db: Database, admin: Actor) -> None:
    assert admin.user_id is not None
    with pytest.raises(ValidationError, match="your own account"):
        run(db, conf.set_user_active, admin, admin.user_id, False)
    with pytest.raises(ValidationError, match="nobody active would be left"):
        run(
            db,
            conf.update_user,
            admin,
            admin.user_id,
            full_name="Админ",
            department_id=None,
            extension=None,
            email=None,
            role_codes=["manager"],
        )
    admin_role = ids(db)["admin"]
    with pytest.raises(ValidationError, match="nobody active would be left"):
        run(
            db,
            conf.update_role,
            admin,
            admin_role,
            code="admin",
            name="Администратор",
            visibility="all",
            rights=[Right.REASSIGN],
        )
    # With a second administrator the first may step down.
    build(db, make_user, roles=("admin",))
    assert run(
        db,
        conf.update_user,
        admin,
        admin.user_id,
        full_name="Админ",
        department_id=None,
        extension=None,
        email=None,
        role_codes=["manager"],
    ).role_codes == ("manager",)


# ---------------------------------------------------------------------------------------- roles


def test_roles(db: Database, admin: Actor) -> None:
    made = run(
        db, conf.add_role, admin, "Call_Center", "Колл-центр", Visibility.DEPARTMENT, [Right.REJECT, "export"]
    )
    assert (
        made.code,
        made.visibility,
        made.can_reject,
        made.can_export,
        made.can_configure,
        made.is_system,
    ) == ("call_center", "department", True, True, False, False)
    edited = run(
        db,
        conf.update_role,
        admin,
        made.id,
        code="callcenter",
        name="Колл-центр",
        visibility="all",
        rights=[Right.REASSIGN],
    )
    assert (edited.code, edited.visibility, edited.can_reassign, edited.can_reject) == (
        "callcenter",
        "all",
        True,
        False,
    )
    with pytest.raises(InvalidField) as error:
        run(db, conf.add_role, admin, "manager", "Ещё менеджер", "own", [])
    assert error.value.field == "code" and "already exists" in failure(error)
    with pytest.raises(InvalidField) as error:
        run(db, conf.add_role, admin, "x y", "Роль", "own", [])
    assert error.value.field == "code"
    manager_role = ids(db)["manager"]
    with pytest.raises(InvalidField) as error:
        run(
            db,
            conf.update_role,
            admin,
            manager_role,
            code="seller",
            name="Менеджер",
            visibility="own",
            rights=[],
        )
    assert "built-in role" in failure(error)
    system = run(
        db,
        conf.update_role,
        admin,
        manager_role,
        code="manager",
        name="Менеджер по продажам",
        visibility="department",
        rights=[Right.REJECT, Right.EXPORT],
    )
    assert system.can_export and system.visibility == "department" and system.is_system
    user = build(db, make_user, roles=("manager",))
    assert Right.EXPORT in actor_of(db, user).rights


# ---------------------------------------------------------------------------------- departments


def test_departments(db: Database, admin: Actor) -> None:
    sales = run(db, conf.add_department, admin, "Продажи")
    retail = run(db, conf.add_department, admin, "Розница", sales.id)
    assert retail.parent_id == sales.id
    with pytest.raises(InvalidField) as error:
        run(db, conf.add_department, admin, "продажи")
    assert "already exists" in failure(error)
    with pytest.raises(InvalidField) as error:
        run(db, conf.update_department, admin, sales.id, "Продажи", retail.id)
    assert error.value.field == "parent" and "inside itself" in failure(error)
    renamed = run(db, conf.update_department, admin, sales.id, "Отдел продаж")
    assert renamed.name == "Отдел продаж" and renamed.parent_id is None


# ------------------------------------------------------------------------------- exclusion list


def test_exclusion_list(db: Database, admin: Actor) -> None:
    phone = run(db, conf.add_exclusion, admin, "phone", "8 (916) 123-45-67", " поставщик ")
    assert (phone.kind, phone.value, phone.comment) == (ExclusionKind.PHONE, "+79161234567", "поставщик")
    with pytest.raises(InvalidField) as error:
        run(db, conf.add_exclusion, admin, "phone", "+7 916 123 45 67")
    assert "already on the exclusion list" in failure(error)
    mail = run(db, conf.add_exclusion, admin, ExclusionKind.EMAIL, " Spam@Mail.RU ")
    assert mail.value == "spam@mail.ru"
    domain = run(db, conf.add_exclusion, admin, "domain", "@Supplier.RU")
    assert domain.value == "supplier.ru"
    spammer = run(db, conf.add_exclusion, admin, "messenger", " Telegram:123456 ")
    assert (spammer.kind, spammer.value) == (ExclusionKind.MESSENGER, "telegram:123456")
    with pytest.raises(InvalidField) as error:
        run(db, conf.add_exclusion, admin, "messenger", "просто текст")
    assert "not a messenger user" in failure(error)
    with pytest.raises(InvalidField) as error:
        run(db, conf.add_exclusion, admin, "phone", "позвоните")
    assert error.value.field == "value" and "not a phone number" in failure(error)
    with pytest.raises(InvalidField):
        run(db, conf.add_exclusion, admin, "domain", "localhost")

    channel = build(db, make_channel, kind="request", rule="pool", role=ids(db)["manager"])
    assert take_in(db, channel, phone="79161234567", external_id="x1").outcome is IntakeOutcome.EXCLUDED
    assert take_in(db, channel, email="boss@supplier.ru", external_id="x2").outcome is IntakeOutcome.EXCLUDED

    with db.session() as session:
        listed = conf.list_exclusions(session, admin)
    assert {(e.kind.value, e.value) for e in listed} == {
        ("phone", "+79161234567"),
        ("email", "spam@mail.ru"),
        ("domain", "supplier.ru"),
        ("messenger", "telegram:123456"),
    }
    run(db, conf.remove_exclusion, admin, phone.id)
    with db.session() as session:
        assert session.get(Exclusion, phone.id) is None
    assert take_in(db, channel, phone="79161234567", external_id="x3").outcome is IntakeOutcome.CREATED


# ----------------------------------------------------------------------------- progress statuses


def test_progress_statuses(db: Database, admin: Actor) -> None:
    first = run(db, conf.add_progress_status, admin, "Перезвонить", "#FFAA00")
    second = run(db, conf.add_progress_status, admin, "Ждём ответа", "#00aaff")
    assert second.position > first.position
    assert [s.id for s in run(db, conf.move_progress_status, admin, second.id, 0)] == [second.id, first.id]
    edited = run(db, conf.update_progress_status, admin, first.id, "Перезвонить завтра", "#123456")
    assert (edited.name, edited.color) == ("Перезвонить завтра", "#123456")
    with pytest.raises(InvalidField) as error:
        run(db, conf.add_progress_status, admin, "ждём ОТВЕТА", "#000000")
    assert "already exists" in failure(error)
    run(db, conf.delete_progress_status, admin, first.id)
    with db.session() as session:
        assert [s.id for s in conf.load_settings(session, admin).progress_statuses] == [second.id]


# ---------------------------------------------------------------------------------- permissions


def test_snapshot_reads_everything(db: Database, admin: Actor) -> None:
    channel = build(
        db,
        make_channel,
        kind="request",
        rule="zone",
        user=None,
        zones=[("source", "avito", build(db, make_user, roles=("manager",)))],
    )
    with db.session() as session:
        snapshot = conf.load_settings(session, admin)
    assert channel.id in {c.id for c in snapshot.channels}
    assert [z.channel_id for z in snapshot.zone_rules] == [channel.id]
    assert {"spam", "duplicate"} <= {r.code for r in snapshot.reasons}
    assert snapshot.pipelines[0].is_default and snapshot.pipelines[0].stages
    assert admin.user_id in {u.user.id for u in snapshot.users}
    assert {"admin", "manager"} <= {r.code for r in snapshot.roles}


WRITES: list[tuple[str, Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = [
    ("add_channel", conf.add_channel, ("request", ChannelChanges(name="x", responsible_role_id=1)), {}),
    ("update_channel", conf.update_channel, (1, ChannelChanges(name="x")), {}),
    ("set_channel_active", conf.set_channel_active, (1, False), {}),
    ("reset_web_form_token", conf.reset_web_form_token, (1,), {}),
    ("add_rejection_reason", conf.add_rejection_reason, ("x",), {}),
    ("rename_rejection_reason", conf.rename_rejection_reason, (1, "x"), {}),
    ("move_rejection_reason", conf.move_rejection_reason, (1, 0), {}),
    ("set_rejection_reason_active", conf.set_rejection_reason_active, (1, False), {}),
    ("delete_rejection_reason", conf.delete_rejection_reason, (1,), {}),
    ("add_pipeline", conf.add_pipeline, ("x", [("a", "open")]), {}),
    ("rename_pipeline", conf.rename_pipeline, (1, "x"), {}),
    ("set_default_pipeline", conf.set_default_pipeline, (1,), {}),
    ("add_stage", conf.add_stage, (1, "x", "#000000"), {}),
    ("update_stage", conf.update_stage, (1,), dict(name="x", color="#000000", kind="open")),
    ("move_stage", conf.move_stage, (1, 0), {}),
    ("delete_stage", conf.delete_stage, (1,), {}),
    ("add_user", conf.add_user, ("x", "X", ["manager"]), {}),
    (
        "update_user",
        conf.update_user,
        (1,),
        dict(full_name="x", department_id=None, extension=None, email=None, role_codes=["manager"]),
    ),
    ("set_user_active", conf.set_user_active, (1, False), {}),
    ("set_user_password", conf.set_user_password, (1, "x"), {}),
    ("add_role", conf.add_role, ("xx", "X", "own", []), {}),
    ("update_role", conf.update_role, (1,), dict(code="operator", name="X", visibility="own", rights=[])),
    ("add_department", conf.add_department, ("x",), {}),
    ("update_department", conf.update_department, (1, "x"), {}),
    ("add_exclusion", conf.add_exclusion, ("phone", "+79161234567"), {}),
    ("remove_exclusion", conf.remove_exclusion, (1,), {}),
    ("add_progress_status", conf.add_progress_status, ("x", "#000000"), {}),
    ("update_progress_status", conf.update_progress_status, (1, "x", "#000000"), {}),
    ("move_progress_status", conf.move_progress_status, (1, 0), {}),
    ("delete_progress_status", conf.delete_progress_status, (1,), {}),
]


@pytest.mark.parametrize(("name", "work", "args", "kwargs"), WRITES, ids=[w[0] for w in WRITES])
def test_a_manager_may_change_nothing(
    db: Database,
    manager: Actor,
    name: str,
    work: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    with pytest.raises(PermissionDenied) as error:
        run(db, work, manager, *args, **kwargs)
    assert str(error.value) == f"{manager.login} has no right to change the settings."


def test_every_write_is_checked_for_permission() -> None:
    public = {
        name
        for name in dir(conf)
        if callable(getattr(conf, name))
        and getattr(getattr(conf, name), "__module__", "") == conf.__name__
        and not name.startswith("_")
        and name[0].islower()
    }
    reads_and_helpers = {
        "load_settings",
        "zone_rules",
        "list_exclusions",
        "email_settings_of",
        "dialog_settings_of",
        "has_web_form_token",
        "phone_prefix",
        "exclusion_value",
    }
    assert public - reads_and_helpers == {w[0] for w in WRITES}


def test_reads_need_the_configure_right(db: Database, manager: Actor) -> None:
    with db.session() as session:
        for read in (conf.load_settings, conf.list_exclusions):
            with pytest.raises(PermissionDenied):
                read(session, manager)


# -------------------------------------------------------------------------------------- secrets


def test_secret_goes_to_the_keyring_never_to_the_database(
    db: Database, admin: Actor, memory_keyring: MemoryKeyring
) -> None:
    channel = run(
        db,
        conf.add_channel,
        admin,
        "email",
        ChannelChanges(
            name="Почта", responsible_role_id=ids(db)["manager"], email=EmailSettings(imap="imap.mail.ru")
        ),
    ).channel
    secrets.set_secret(secrets.SecretKind.MAIL_PASSWORD, channel.id, "очень-секретно")
    assert memory_keyring.passwords == {(secrets.SERVICE, f"mail-password:{channel.id}"): "очень-секретно"}
    assert secrets.has_secret("mail-password", channel.id)
    assert secrets.channel_secret("mail-password", channel.id) == "очень-секретно"
    with db.session() as session:
        stored = json.dumps([c.settings for c in session.scalars(select(Channel))], ensure_ascii=False)
    assert "очень-секретно" not in stored
    secrets.delete_secret("mail-password", channel.id)
    assert not secrets.has_secret("mail-password", channel.id)


def test_secrets_are_keyed_by_the_database_and_old_entries_still_read(
    db: Database, empty_db_url: str, memory_keyring: MemoryKeyring
) -> None:
    with db.uow() as uow:
        first = secrets.installation_id(uow.session)
    with db.uow() as uow:
        assert secrets.installation_id(uow.session) == first  # stable once stored
    other = open_database(empty_db_url)
    try:
        with other.uow() as uow:
            second = secrets.installation_id(uow.session)
    finally:
        other.dispose()
    assert second != first

    secrets.set_secret("mail-password", 1, "первая база", installation=first)
    secrets.set_secret("mail-password", 1, "вторая база", installation=second)
    assert secrets.channel_secret("mail-password", 1, installation=first) == "первая база"
    assert secrets.channel_secret("mail-password", 1, installation=second) == "вторая база"

    # An entry saved before the keying (``mail-password:1``) is still found.
    memory_keyring.passwords.clear()
    memory_keyring.passwords[(secrets.SERVICE, "mail-password:1")] = "старая запись"
    assert secrets.get_secret("mail-password", 1, installation=first) == "старая запись"
    secrets.delete_secret("mail-password", 1, installation=first)
    assert memory_keyring.passwords == {}


def test_environment_variable_wins_over_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets.set_secret(secrets.SecretKind.TELEGRAM_TOKEN, 7, "from-keyring")
    monkeypatch.setenv("BOT_TOKEN_7", "from-env")
    assert secrets.channel_secret("telegram-token", 7, "BOT_TOKEN_7") == "from-env"
    monkeypatch.delenv("BOT_TOKEN_7")
    assert secrets.channel_secret("telegram-token", 7, "BOT_TOKEN_7") == "from-keyring"


@pytest.fixture
def fail_keyring(memory_keyring: MemoryKeyring) -> Any:
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(memory_keyring)


@pytest.mark.usefixtures("fail_keyring")
def test_no_secure_keyring_is_refused_with_a_sentence() -> None:
    assert secrets.secure_keyring_problem() == secrets.NO_SECURE_KEYRING
    with pytest.raises(secrets.KeyringUnavailable) as error:
        secrets.set_secret("mail-password", 1, "x")
    assert failure(error).startswith("No secure keyring on this computer")
    assert secrets.get_secret("mail-password", 1) is None


def test_a_plaintext_keyring_is_refused(memory_keyring: MemoryKeyring) -> None:
    plaintext = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})()
    keyring.set_keyring(plaintext)
    try:
        with pytest.raises(secrets.KeyringUnavailable, match="No secure keyring"):
            secrets.set_secret("mail-password", 1, "x")
    finally:
        keyring.set_keyring(memory_keyring)
    assert plaintext.passwords == {}


def test_mailbox_folders_address_and_signature_round_trip(db: Database, admin: Actor) -> None:
    role_id = ids(db)["dispatcher"]
    wanted = EmailSettings(
        imap="imap.firma.ru:993",
        security="ssl",
        login="robot",
        folders=("INBOX", "Заявки с сайта"),
        address="Sales@Firma.ru",
        signature="С уважением,\nотдел продаж",
    )
    mail = run(
        db, conf.add_channel, admin, "email",
        ChannelChanges(name="sales@", responsible_role_id=role_id, email=wanted),
    ).channel
    assert mail.settings["folders"] == ["INBOX", "Заявки с сайта"]
    assert mail.settings["address"] == "sales@firma.ru"
    assert conf.email_settings_of(mail).signature == "С уважением,\nотдел продаж"

    changed = run(
        db, conf.update_channel, admin, mail.id,
        ChannelChanges(
            name=mail.name, responsible_role_id=role_id, email=EmailSettings(imap="imap.firma.ru")
        ),
    )
    assert not {"folders", "address", "signature"} & set(changed.settings)  # cleared with the form
    with pytest.raises(InvalidField) as error:
        run(
            db, conf.update_channel, admin, mail.id,
            ChannelChanges(name=mail.name, responsible_role_id=role_id, email=EmailSettings(address="no")),
        )
    assert error.value.field == "address"
