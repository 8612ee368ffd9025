"""The web-form intake endpoint over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import urllib.parse
from collections.abc import Callable, Iterator

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app.persistence.models import Lead
from app.persistence.uow import Database, open_database
from app.services import configuration as conf
from app.services.permissions import Actor
from app.web_intake import IntakeConfig, RateLimit
from tests.factories import build, make_exclusion
from tests.web_client import EndpointServer, get, post, post_many, web_form_channel


@pytest.fixture
def site(db: Database) -> Iterator[tuple[EndpointServer, int, str]]:
    """A running endpoint without rate limits and a web-form channel: (server, channel id, token)."""
    channel_id, token = web_form_channel(db)
    with EndpointServer(db) as server:
        yield server, channel_id, token


def stored(db: Database, submission_id: str) -> Lead:
    with db.session() as session:
        lead = session.scalars(select(Lead).where(Lead.external_id == submission_id)).one()
        session.expunge(lead)
        return lead


def test_201_then_200_with_the_same_id_and_utm_kept(
    db: Database, site: tuple[EndpointServer, int, str]
) -> None:
    server, channel_id, token = site
    body = {
        "name": "Иван Петров",
        "phone": "8 (916) 123-45-67",
        "message": "Нужны окна в дом",
        "submission_id": "form-1",
        "utm_source": "yandex",
        "utm_campaign": "okna",
    }
    first = post(server.url, body, token=token)
    assert first.status == 201 and first.body == {"id": first.body["id"], "state": "new"}
    again = post(server.url, {**body, "message": "double click"}, token=token)
    assert again.status == 200 and again.body == first.body
    lead = stored(db, "form-1")
    assert (lead.id, lead.channel_id, lead.contact_name, lead.phone, lead.message) == (
        first.body["id"],
        channel_id,
        "Иван Петров",
        "+79161234567",
        "Нужны окна в дом",
    )
    assert lead.ad_source == "yandex"  # no `source` field: utm_source is the advertising source
    assert lead.extra is not None
    assert {k: v for k, v in lead.extra.items() if k.startswith("utm_")} == {
        "utm_campaign": "okna",
        "utm_source": "yandex",
    }
    # The same contact again, new submission: a repeat lead.
    repeat = post(server.url, {"phone": "+7 916 123 45 67", "submission_id": "form-2"}, token=token)
    assert repeat.status == 201 and repeat.body["state"] == "repeat"


def test_form_encoded_with_the_token_in_the_query(
    db: Database, site: tuple[EndpointServer, int, str]
) -> None:
    server, _, token = site
    form = urllib.parse.urlencode(
        {
            "email": "Anna@Example.RU",
            "name": "Анна",
            "source": "Авито",
            "utm_source": "avito",
            "submission_id": "f1",
        }
    )
    answer = post(f"{server.url}?token={urllib.parse.quote(token)}", form)
    assert answer.status == 201
    lead = stored(db, "f1")
    assert (lead.email, lead.contact_name, lead.ad_source) == ("anna@example.ru", "Анна", "Авито")
    assert lead.extra is not None and lead.extra["utm_source"] == "avito"
    # No source at all: the channel's advertising source; no submission_id: a key is made up.
    plain = post(f"{server.url}?token={token}", "phone=89161112233&name=X")
    assert plain.status == 201
    with db.session() as session:
        lead2 = session.get_one(Lead, plain.body["id"])
        assert lead2.ad_source == "Сайт" and lead2.external_id


def test_a_windows_1251_form(db: Database, site: tuple[EndpointServer, int, str]) -> None:
    server, _, token = site
    form = urllib.parse.urlencode(
        {"name": "Иван", "phone": "89161234567", "submission_id": "cp"}, encoding="cp1251"
    )
    answer = post(
        server.url, form, token=token, content_type="application/x-www-form-urlencoded; charset=windows-1251"
    )
    assert answer.status == 201 and stored(db, "cp").contact_name == "Иван"
    bad = post(server.url, "name=%FF%FE&phone=89161234567", token=token)  # not UTF-8
    assert bad.status == 400 and "utf-8" in bad.body["error"]


@pytest.mark.parametrize(
    ("body", "content_type", "fields"),
    [
        ({"name": "Only a name"}, None, {"contact"}),
        ({"phone": "call me maybe"}, None, {"phone"}),
        ({"email": "not-an-address"}, None, {"email"}),
        ({"phone": "89161234567", "name": "x" * 301}, None, {"name"}),
        ({"phone": "89161234567", "message": ["a list"]}, None, {"message"}),
        ({"phone": "89161234567", "utm_source": "u" * 501}, None, {"utm_source"}),
        ('{"phone": "8916', "application/json", set()),  # malformed JSON
        ('["phone", "89161234567"]', "application/json", set()),  # not an object
        ("phone=89161234567", "text/plain", set()),  # wrong content type
    ],
    ids=[
        "no-contact",
        "bad-phone",
        "bad-email",
        "long-name",
        "not-text",
        "long-utm",
        "bad-json",
        "array",
        "type",
    ],
)
def test_400_says_why(
    db: Database,
    site: tuple[EndpointServer, int, str],
    body: object,
    content_type: str | None,
    fields: set[str],
) -> None:
    server, _, token = site
    answer = post(server.url, body, token=token, content_type=content_type)  # type: ignore[arg-type]
    assert answer.status == 400
    assert isinstance(answer.body["error"], str) and answer.body["error"].endswith(".")
    assert set(answer.body.get("fields", {})) == fields
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Lead)) == 0


def test_401_for_a_missing_wrong_revoked_or_switched_off_token(db: Database) -> None:
    channel_id, token = web_form_channel(db)
    other_id, other_token = web_form_channel(db, "Лендинг")
    config = IntakeConfig(per_token=RateLimit(0, 1), per_ip=RateLimit(0, 1), token_cache_seconds=0)
    with EndpointServer(db, config) as server:
        body = {"phone": "89161234567"}
        assert post(server.url, body).status == 401
        assert post(server.url, body, token="guess").status == 401
        assert post(server.url, body, token=token).status == 201
        with db.uow() as uow:
            new_token = conf.reset_web_form_token(uow, Actor.system(), channel_id)
            conf.set_channel_active(uow, Actor.system(), other_id, False)
        revoked = post(server.url, body, token=token)
        assert revoked.status == 401 and "not valid" in revoked.body["error"]
        assert post(server.url, body, token=other_token).status == 401
        assert post(server.url, {"phone": "89161234568"}, token=new_token).status == 201


def test_413_for_a_huge_body(site: tuple[EndpointServer, int, str]) -> None:
    server, _, token = site
    answer = post(server.url, {"phone": "89161234567", "message": "x" * 200_000}, token=token)
    assert answer.status == 413 and "larger than" in answer.body["error"]


def test_429_with_retry_after_per_token_and_per_address(db: Database) -> None:
    _, token = web_form_channel(db)
    _, second = web_form_channel(db, "Лендинг")
    by_token = IntakeConfig(per_token=RateLimit(0.01, 2), per_ip=RateLimit(0, 1))
    with EndpointServer(db, by_token) as server:
        statuses = [post(server.url, {"phone": f"8916123456{n}"}, token=token).status for n in range(3)]
        assert statuses == [201, 201, 429]
        limited = post(server.url, {"phone": "89161234569"}, token=token)
        assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1
        assert post(server.url, {"phone": "89161234560"}, token=second).status == 201  # its own bucket
    by_address = IntakeConfig(per_token=RateLimit(0, 1), per_ip=RateLimit(0.01, 1))
    with EndpointServer(db, by_address) as server:
        assert post(server.url, {"phone": "89161230000"}, token=token).status == 201
        limited = post(server.url, {"phone": "89161230001"}, token=second)
        assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1


def test_an_excluded_contact_is_accepted_without_a_lead(
    db: Database, site: tuple[EndpointServer, int, str]
) -> None:
    server, _, token = site
    build(db, make_exclusion, "phone", "+79160000000")
    answer = post(server.url, {"phone": "89160000000", "submission_id": "spam-1"}, token=token)
    assert answer.status == 202 and answer.body == {"id": None, "state": "excluded"}
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Lead)) == 0


def test_health_and_browser_preflight(site: tuple[EndpointServer, int, str]) -> None:
    server, _, _ = site
    health = get(server.url.replace("/requests", "/health"))
    assert health.status == 200 and health.body["database"] == "ok"
    import urllib.request

    preflight = urllib.request.Request(server.url, method="OPTIONS")
    with urllib.request.urlopen(preflight, timeout=10) as answer:
        assert answer.status == 204
        assert "Authorization" in answer.headers["Access-Control-Allow-Headers"]


def test_1000_concurrent_submissions_make_1000_leads(
    db: Database, site: tuple[EndpointServer, int, str]
) -> None:
    server, _, token = site
    bodies = [
        {"phone": f"+7916{n:07d}", "name": f"Клиент {n}", "submission_id": f"load-{n}"} for n in range(1000)
    ]
    # Every 10th is sent twice at the same time (a double click): still one lead each.
    doubles = bodies[::10]
    answers = asyncio.run(post_many(server.url, token, bodies + doubles, concurrency=200))
    assert {status for status, _ in answers} <= {200, 201}
    first, second = answers[:1000], answers[1000:]
    assert [status for status, _ in first].count(201) + [s for s, _ in second].count(201) == 1000
    ids = {body["submission_id"]: answer["id"] for body, (_, answer) in zip(bodies, first, strict=True)}
    for body, (_, answer) in zip(doubles, second, strict=True):
        assert answer["id"] == ids[body["submission_id"]]
    with db.session() as session:
        rows = {
            external_id: lead_id
            for external_id, lead_id in session.execute(select(Lead.external_id, Lead.id))
        }
    assert rows == ids


def test_a_database_that_went_away_answers_503_never_2xx(pg_url_factory: Callable[..., str]) -> None:
    url = pg_url_factory()
    db = open_database(url)
    try:
        _, token = web_form_channel(db)
        config = IntakeConfig(per_token=RateLimit(0, 1), per_ip=RateLimit(0, 1), token_cache_seconds=600)
        with EndpointServer(db, config) as server:
            assert post(server.url, {"phone": "89161234567"}, token=token).status == 201
            _allow_connections(url, False)
            try:
                down = post(server.url, {"phone": "89161234568", "submission_id": "while-down"}, token=token)
                assert down.status == 503 and down.body["error"].startswith("The submission was not stored")
                assert down.headers["Retry-After"] == "5"
                assert get(server.url.replace("/requests", "/health")).status == 503
            finally:
                _allow_connections(url, True)
            again = post(server.url, {"phone": "89161234568", "submission_id": "while-down"}, token=token)
            assert again.status == 201
    finally:
        db.dispose()


def _allow_connections(url: str, allow: bool) -> None:
    """Switch connections to a test database off (and cut the live ones) or on again."""
    parsed = make_url(url)
    name = parsed.database
    admin = f"host={parsed.host} port={parsed.port} user={parsed.username} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if allow else "false"}')
        if not allow:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
            )
