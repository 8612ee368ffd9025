"""`inflow user add`, `inflow channel add/list`, `inflow lead add` in-process on both engines."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.domain.errors import PermissionDenied
from app.persistence.models import Channel, ChannelNumber, Exclusion, IntakeToken, Lead, User
from app.persistence.uow import open_database
from app.services.auth import authenticate, hash_password, verify_password


def run(capsys: pytest.CaptureFixture[str], db_url: str, *argv: str) -> tuple[int, str, str]:
    """Run `inflow --database URL argv…` in this process; (exit status, stdout, stderr)."""
    code = main(["--database", db_url, *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_sentence(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line.startswith("inflow")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# ------------------------------------------------------------------------------------------ users


def test_user_add_then_duplicate_login_fails_with_a_sentence(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEW_PASSWORD", "s3cret-пароль")
    code, out, err = run(
        capsys,
        db_url,
        "user",
        "add",
        "ivanova",
        "--name",
        "Иванова Мария",
        "--role",
        "manager",
        "--department",
        "Отдел продаж",
        "--extension",
        "201",
        "--password-env",
        "NEW_PASSWORD",
    )
    assert code == 0, err
    assert "ivanova" in out

    code, out, err = run(
        capsys,
        db_url,
        "user",
        "add",
        "IVANOVA",
        "--name",
        "Другая",
        "--role",
        "operator",
        "--password-env",
        "NEW_PASSWORD",
    )
    assert code == 1
    assert out == ""
    assert "already exists" in one_sentence(err)

    code, _, err = run(
        capsys,
        db_url,
        "user",
        "add",
        "petrov",
        "--name",
        "Петров",
        "--role",
        "operator",
        "--extension",
        "201",
        "--password-env",
        "NEW_PASSWORD",
    )
    assert code == 1
    assert "Extension 201 already belongs to user 'ivanova'" in one_sentence(err)

    db = open_database(db_url)
    try:
        with db.session() as session:
            user = session.scalars(select(User).where(User.login == "ivanova")).one()
            assert user.password_hash is not None and user.password_hash.startswith("scrypt$16384$8$1$")
            assert "s3cret" not in user.password_hash
            actor = authenticate(session, "ivanova", "s3cret-пароль")
            assert actor.user_id == user.id and "manager" in actor.role_codes
            with pytest.raises(PermissionDenied, match="Wrong login or password"):
                authenticate(session, "ivanova", "wrong")
            with pytest.raises(PermissionDenied, match="Wrong login or password"):
                authenticate(session, "nobody", "s3cret-пароль")
            assert session.scalar(select(func.count()).select_from(User)) == 1
    finally:
        db.dispose()


def test_user_add_refuses_unknown_role_and_lists_the_valid_ones(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PW", "x")
    code, _, err = run(
        capsys, db_url, "user", "add", "boss", "--name", "Босс", "--role", "king", "--password-env", "PW"
    )
    assert code == 1
    sentence = one_sentence(err)
    assert "There is no role 'king'" in sentence
    for role in ("operator", "manager", "dispatcher", "supervisor", "admin"):
        assert role in sentence


def test_user_add_password_sources(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UNSET_VAR", raising=False)
    code, _, err = run(
        capsys, db_url, "user", "add", "a1", "--name", "A", "--role", "admin", "--password-env", "UNSET_VAR"
    )
    assert code == 1 and "UNSET_VAR is not set" in one_sentence(err)

    # Not a terminal and no variable: refuse rather than create a user without a password.
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    code, _, err = run(capsys, db_url, "user", "add", "a2", "--name", "A", "--role", "admin")
    assert code == 1 and "--password-env" in one_sentence(err)

    # A terminal: asked twice.
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Tty())
    answers = iter(["one", "two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _, err = run(capsys, db_url, "user", "add", "a3", "--name", "A", "--role", "admin")
    assert code == 1 and "differ" in one_sentence(err)

    answers = iter(["same", "same"])
    code, _out, err = run(capsys, db_url, "user", "add", "a4", "--name", "A", "--role", "admin")
    assert code == 0, err
    db = open_database(db_url)
    try:
        with db.session() as session:
            assert authenticate(session, "a4", "same").login == "a4"
            assert session.scalar(select(func.count()).select_from(User)) == 1
    finally:
        db.dispose()


def test_password_hash_format_and_verification() -> None:
    stored = hash_password("пароль")
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert stored != hash_password("пароль")  # a fresh salt every time
    assert verify_password("пароль", stored)
    assert not verify_password("Пароль", stored)
    assert not verify_password("пароль", None)
    assert not verify_password("пароль", "scrypt$bad")
    assert not verify_password("пароль", f"md5${n}${r}${p}${salt}${digest}")


# --------------------------------------------------------------------------------------- channels


def test_channel_add_every_kind_and_list_json(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PW", "x")
    assert (
        run(
            capsys,
            db_url,
            "user",
            "add",
            "office",
            "--name",
            "Офис",
            "--role",
            "operator",
            "--password-env",
            "PW",
        )[0]
        == 0
    )

    commands = [
        [
            "call",
            "Телефон",
            "--role",
            "operator",
            "--rule",
            "round-robin",
            "--sla",
            "15",
            "--internal-pattern",
            r"^\d{3}$",
            "--own-number",
            "8 (495) 123-45-67",
            "--own-number",
            "+7 800 555-35-35",
        ],
        [
            "email",
            "Почта sales@",
            "--role",
            "manager",
            "--rule",
            "least-loaded",
            "--imap",
            "imap.example.ru:993",
            "--smtp",
            "smtp.example.ru",
            "--security",
            "starttls",
            "--login",
            "sales@example.ru",
            "--password-env",
            "SALES_MAIL_PASSWORD",
            "--no-lead-source",
        ],
        ["dialog", "Telegram", "--role", "dispatcher", "--telegram-token-env", "TG_TOKEN"],
        ["request", "Walk-in", "--responsible", "office", "--reason-required", "--source", "Вывеска"],
    ]
    for argv in commands:
        code, out, err = run(capsys, db_url, "channel", "add", *argv)
        assert code == 0, err
        assert "created" in out
    code, out, err = run(
        capsys, db_url, "channel", "add", "request", "Сайт", "--role", "manager", "--web-form", "--json"
    )
    assert code == 0, err
    created = json.loads(out)
    token = created["token"]
    assert isinstance(token, str) and len(token) >= 32
    assert created["web_form"] is True and "token_sha256" not in created["settings"]

    code, out, err = run(capsys, db_url, "channel", "list", "--json")
    assert code == 0, err
    channels = {c["name"]: c for c in json.loads(out)}
    assert list(channels) == ["Телефон", "Почта sales@", "Telegram", "Walk-in", "Сайт"]
    assert {c["kind"] for c in channels.values()} == {"call", "email", "dialog", "request"}
    phone = channels["Телефон"]
    assert phone["rule"] == "round-robin" and phone["role"] == "operator" and phone["sla_minutes"] == 15
    assert phone["internal_pattern"] == r"^\d{3}$"
    assert phone["own_numbers"] == ["+74951234567", "+78005553535"]
    mail = channels["Почта sales@"]
    assert mail["lead_source"] is False
    assert mail["settings"] == {
        "security": "starttls",
        "imap_host": "imap.example.ru",
        "imap_port": 993,
        "smtp_host": "smtp.example.ru",
        "smtp_port": 587,
        "login": "sales@example.ru",
        "password_env": "SALES_MAIL_PASSWORD",
    }
    assert channels["Telegram"]["rule"] == "pool"
    assert channels["Telegram"]["settings"] == {
        "api_url": "https://api.telegram.org",
        "telegram_token_env": "TG_TOKEN",
    }
    walk_in = channels["Walk-in"]
    assert (walk_in["responsible"], walk_in["rule"], walk_in["reason_required"], walk_in["source"]) == (
        "office",
        "fixed",
        True,
        "Вывеска",
    )

    db = open_database(db_url)
    try:
        with db.session() as session:
            site = session.scalars(select(Channel).where(Channel.name == "Сайт")).one()
            # Only the digest of the token is stored, never the token.
            assert site.settings == {}
            stored = session.scalars(select(IntakeToken.token_hash).where(IntakeToken.channel_id == site.id))
            assert list(stored) == [hashlib.sha256(token.encode()).hexdigest()]
            assert session.scalar(select(func.count()).select_from(ChannelNumber)) == 2
    finally:
        db.dispose()

    code, out, _ = run(capsys, db_url, "channel", "list")
    assert code == 0 and "Телефон" in out and "role operator" in out


@pytest.mark.parametrize(
    ("argv", "status", "words"),
    [
        (["call", "X", "--imap", "h:1"], 2, "--imap applies to email channels"),
        (["request", "X", "--internal-pattern", "1"], 2, "--internal-pattern applies to call channels"),
        (["email", "X", "--web-form"], 2, "--web-form applies to request channels"),
        (["fax", "X"], 2, "invalid choice"),
        (["call", "X", "--rule", "fixed"], 1, "fixed rule needs a responsible"),
        (["call", "X", "--rule", "pool"], 1, "pool rule needs a role"),
        (["call", "X", "--internal-pattern", "(("], 1, "not a valid regular expression"),
        (["call", "X", "--own-number", "12"], 1, "'12' is not a phone number"),
        (["email", "X", "--imap", "imap.example.ru:99999"], 1, "not a port number"),
        (["email", "X", "--password-env", "MY PASSWORD"], 1, "not an environment variable name"),
        (["call", "X", "--responsible", "ghost"], 1, "no active user 'ghost'"),
        (["call", "X", "--sla", "0"], 2, "at least 1 minute"),
    ],
)
def test_channel_add_refuses_bad_options(
    db_url: str, capsys: pytest.CaptureFixture[str], argv: list[str], status: int, words: str
) -> None:
    code, _out, err = run(capsys, db_url, "channel", "add", *argv)
    assert code == status
    assert words in err
    assert "Traceback" not in err


def test_channel_add_email_with_folders_address_and_signature(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, db_url, "channel", "add", "email", "Заявки", "--imap", "imap.firma.ru", "--login", "robot",
        "--folder", "INBOX", "--folder", "Сайт", "--address", "sales@firma.ru", "--signature", "Отдел продаж",
        "--json",
    )
    assert code == 0, err
    settings = json.loads(out)["settings"]
    assert settings["folders"] == ["INBOX", "Сайт"]
    assert (settings["address"], settings["signature"]) == ("sales@firma.ru", "Отдел продаж")
    code, _out, err = run(capsys, db_url, "channel", "add", "request", "X", "--folder", "INBOX")
    assert code == 2 and "--folder applies to email channels" in err


def test_channel_names_are_unique_ignoring_case(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, db_url, "channel", "add", "request", "Сайт")[0] == 0
    code, _, err = run(capsys, db_url, "channel", "add", "request", "САЙТ")
    assert code == 1 and "already exists" in one_sentence(err)


# ------------------------------------------------------------------------------------------ leads


def test_lead_add_twice_with_the_same_phone_in_other_formats_is_a_repeat(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, db_url, "channel", "add", "request", "Walk-in")[0] == 0
    code, out, err = run(
        capsys,
        db_url,
        "lead",
        "add",
        "--channel",
        "Walk-in",
        "--name",
        "Пётр",
        "--phone",
        "8 (916) 123-45-67",
        "--comment",
        "Окна в дом",
        "--source",
        "Вывеска",
    )
    assert code == 0, err
    first_id, state = out.split()
    assert state == "new"
    code, out, err = run(capsys, db_url, "lead", "add", "--channel", "walk-in", "--phone", "+7 916 123-45-67")
    assert code == 0, err
    second_id, state = out.split()
    assert state == "repeat" and int(second_id) > int(first_id)
    code, out, err = run(
        capsys, db_url, "lead", "add", "--channel", "Walk-in", "--phone", "79161234567", "--json"
    )
    assert code == 0, err
    document = json.loads(out)
    assert document == {"id": int(second_id) + 1, "state": "repeat"}

    db = open_database(db_url)
    try:
        with db.session() as session:
            leads = list(session.scalars(select(Lead).order_by(Lead.id)))
            assert [lead.phone for lead in leads] == ["+79161234567"] * 3
            assert leads[0].contact_name == "Пётр" and leads[0].message == "Окна в дом"
            assert leads[0].ad_source == "Вывеска" and leads[0].kind == "request"
    finally:
        db.dispose()


def test_lead_add_refusals_and_exclusions(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, db_url, "channel", "add", "request", "Walk-in")[0] == 0
    assert run(capsys, db_url, "channel", "add", "email", "Почта", "--no-lead-source")[0] == 0

    code, _, err = run(capsys, db_url, "lead", "add", "--channel", "Walk-in")
    assert code == 2 and "at least --name, --phone or --email" in err
    code, _, err = run(capsys, db_url, "lead", "add", "--channel", "Нет такого", "--phone", "89161234567")
    assert code == 1 and "no channel named 'Нет такого'" in one_sentence(err)
    code, _, err = run(capsys, db_url, "lead", "add", "--channel", "Walk-in", "--phone", "12-34")
    assert code == 1 and "not a phone number" in one_sentence(err)
    code, _, err = run(capsys, db_url, "lead", "add", "--channel", "Walk-in", "--email", "not-an-address")
    assert code == 1 and "not an e-mail address" in one_sentence(err)

    db = open_database(db_url)
    try:
        with db.uow() as uow:
            uow.session.add(Exclusion(kind="domain", value="supplier.ru", comment="поставщик"))
    finally:
        db.dispose()
    code, out, err = run(capsys, db_url, "lead", "add", "--channel", "Walk-in", "--email", "Boss@Supplier.ru")
    assert code == 0, err
    assert out.startswith("not a lead: ") and "exclusion list" in out
    code, out, err = run(capsys, db_url, "lead", "add", "--channel", "Почта", "--email", "a@b.ru", "--json")
    assert code == 0, err
    assert json.loads(out) == {"id": None, "state": None, "reason": "Channel 'Почта' is not a lead source."}

    db = open_database(db_url)
    try:
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(Lead)) == 0
    finally:
        db.dispose()


def test_db_upgrade_reports_the_revision(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, db_url, "db", "upgrade")
    assert code == 0, err
    assert "current schema version" in out
