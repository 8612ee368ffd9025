"""The web-form intake endpoint (INTERFACES "Web-form intake endpoint"): an aiohttp application.

``POST /api/v1/requests`` takes one form submission — JSON or ``application/x-www-form-urlencoded``
with ``name``, ``phone``, ``email``, ``message``, ``source``, ``utm_*`` and an optional
``submission_id`` — authenticated by a request channel's intake token (``Authorization: Bearer
TOKEN`` or ``?token=TOKEN``), and hands it to the intake service like every other channel.
``GET /api/v1/health`` says whether the database answers.

What a 2xx means: the lead (or the exclusion record) is **committed** before the answer is sent.
Submissions that arrive together are committed together (group commit): one committer per
database thread takes every submission waiting at that moment and stores them in one transaction
through :func:`register_leads`, so a burst costs one commit instead of one each. Database work runs
in worker threads, never on the event loop. When the database cannot be reached the answer is 503
with a sentence — never a 2xx for a submission that is not stored. A submission whose answer was
lost (a timeout, a 503 after the commit had in fact happened) is safe to send again with the same
``submission_id``: it is answered 200 with the same lead.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from app.domain.contacts import DEFAULT_REGION, normalize_email, normalize_phone
from app.domain.enums import ChannelKind
from app.domain.errors import ConcurrentModification, DatabaseUnavailable, NotFound
from app.persistence.models import Channel, IntakeToken
from app.persistence.types import utcnow
from app.persistence.uow import Database
from app.services.intake import IntakeOutcome, IntakeResult, LeadInput, register_leads
from app.services.permissions import Actor
from app.services.settings import phone_region
from app.web_limits import IntakeConfig, RateLimit

__all__ = ["GroupCommitter", "IntakeConfig", "IntakeEndpoint", "RateLimit", "TokenBuckets", "TokenDirectory"]

log = logging.getLogger("inflow.web")

REQUESTS_PATH = "/api/v1/requests"
HEALTH_PATH = "/api/v1/health"

# Field sizes (characters): generous for a person, small enough that a form cannot fill the disk.
LIMITS: Mapping[str, int] = {
    "name": 300,
    "phone": 64,
    "email": 254,
    "message": 10_000,
    "source": 200,
    "submission_id": 200,
}
UTM_PREFIX = "utm_"
UTM_VALUE_LIMIT = 500
UTM_KEY_LIMIT = 64
UTM_COUNT_LIMIT = 20
FORM_FIELD_LIMIT = 100


@dataclass(frozen=True, slots=True)
class _TokenInfo:
    channel_id: int
    region: str


class TokenBuckets:
    """Per-key token buckets (per token, per client address) kept in memory."""

    def __init__(self, limit: RateLimit, max_keys: int = 50_000) -> None:
        self.limit = limit
        self._max_keys = max_keys
        self._state: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float:
        """Take one request from ``key``'s bucket: 0 when allowed, else seconds until it would be."""
        limit = self.limit
        if not limit.enabled:
            return 0.0
        now = time.monotonic()
        tokens, last = self._state.get(key, (limit.burst, now))
        tokens = min(limit.burst, tokens + (now - last) * limit.rate)
        if tokens >= 1.0:
            self._state[key] = (tokens - 1.0, now)
            if len(self._state) > self._max_keys:
                self._forget_full(now)
            return 0.0
        self._state[key] = (tokens, now)
        return (1.0 - tokens) / limit.rate

    def _forget_full(self, now: float) -> None:
        # A bucket that has refilled completely is the same as no bucket: drop those.
        limit = self.limit
        full = [k for k, (t, last) in self._state.items() if t + (now - last) * limit.rate >= limit.burst]
        for key in full:
            del self._state[key]


@dataclass(slots=True)
class _Pending:
    item: LeadInput
    future: asyncio.Future[IntakeResult]


class GroupCommitter:
    """Stores submissions in as few transactions as possible, each committed before it answers.

    ``submit`` queues one item and waits; each committer task takes every item queued at that
    moment (up to ``max_batch``) and commits them in one unit of work in a worker thread. When a
    batch fails for a reason other than the database being unreachable, its items are retried one
    by one so that one bad item cannot fail the others.
    """

    def __init__(self, db: Database, *, threads: int, max_batch: int) -> None:
        self.db = db
        self.max_batch = max_batch
        self.threads = threads
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="inflow-commit")
        self._queue: asyncio.Queue[_Pending | None] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        """Start the committer tasks on the running loop."""
        self._tasks = [asyncio.create_task(self._run(), name=f"commit-{n}") for n in range(self.threads)]

    async def submit(self, item: LeadInput) -> IntakeResult:
        """Commit one item (with whatever else is waiting); its intake result once committed."""
        future: asyncio.Future[IntakeResult] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Pending(item, future))
        # Shielded: a client that disconnects must not cancel a commit others share.
        return await asyncio.shield(future)

    async def close(self) -> None:
        """Commit what is queued, then stop the committer tasks and their threads."""
        for _ in self._tasks:
            self._queue.put_nowait(None)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._executor.shutdown(wait=True)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            first = await self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self.max_batch and not self._queue.empty():
                waiting = self._queue.get_nowait()
                if waiting is None:
                    stop = True
                    break
                batch.append(waiting)
            await self._commit(loop, batch)
            if stop:
                return

    async def _commit(self, loop: asyncio.AbstractEventLoop, batch: list[_Pending]) -> None:
        try:
            results = await loop.run_in_executor(self._executor, self._store, [p.item for p in batch])
        except Exception as error:
            if len(batch) > 1 and not _unreachable(error):
                for pending in batch:
                    await self._commit(loop, [pending])
                return
            for pending in batch:
                if not pending.future.done():
                    pending.future.set_exception(error)
            return
        for pending, result in zip(batch, results, strict=True):
            if not pending.future.done():
                pending.future.set_result(result)

    def _store(self, items: Sequence[LeadInput]) -> list[IntakeResult]:
        for attempt in range(1, STORE_ATTEMPTS + 1):
            try:
                with self.db.uow() as uow:
                    return register_leads(uow, items, Actor.system())
            except ConcurrentModification:
                # A deadlock or serialization failure with another writer (two committers, a
                # desktop): nothing was stored, so the same batch is simply tried again.
                if attempt == STORE_ATTEMPTS:
                    raise
                time.sleep(0.01 * attempt)
        raise AssertionError("unreachable")


STORE_ATTEMPTS = 3


def _unreachable(error: BaseException) -> bool:
    """Whether the database could not be reached (as opposed to refusing this data)."""
    if isinstance(error, DatabaseUnavailable):
        return True
    return isinstance(error, DBAPIError) and (
        error.connection_invalidated or isinstance(error, OperationalError | InterfaceError)
    )


class TokenDirectory:
    """Intake tokens by their SHA-256, looked up in a worker thread and remembered briefly."""

    def __init__(self, db: Database, cache_seconds: float) -> None:
        self.db = db
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[_TokenInfo | None, float]] = {}

    async def find(self, token: str) -> _TokenInfo | None:
        """The channel of an active, unrevoked token of an active request channel; None otherwise."""
        digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
        cached = self._cache.get(digest)
        now = time.monotonic()
        if cached is not None and cached[1] > now:
            return cached[0]
        info = await asyncio.to_thread(self._lookup, digest)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[digest] = (info, now + self.cache_seconds)
        return info

    def forget(self, token: str) -> None:
        """Drop a token from the cache (its channel went away)."""
        self._cache.pop(hashlib.sha256(token.encode("utf-8")).hexdigest(), None)

    def _lookup(self, digest: str) -> _TokenInfo | None:
        with self.db.session() as session:
            channel_id = session.scalar(
                select(IntakeToken.channel_id)
                .join(Channel, Channel.id == IntakeToken.channel_id)
                .where(
                    IntakeToken.token_hash == digest,
                    IntakeToken.revoked_at.is_(None),
                    Channel.active.is_(True),
                    Channel.kind == ChannelKind.REQUEST.value,
                )
            )
            if channel_id is None:
                return None
            return _TokenInfo(int(channel_id), phone_region(session) or DEFAULT_REGION)


class _BadRequest(Exception):
    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


@dataclass(slots=True)
class IntakeEndpoint:
    """The endpoint's state: configuration, rate limits, token cache, the group committer."""

    db: Database
    config: IntakeConfig = field(default_factory=IntakeConfig)
    # Extra facts for the health answer (the connector service's channels), if any.
    health_extra: Callable[[], dict[str, Any]] | None = None
    committer: GroupCommitter = field(init=False)
    tokens: TokenDirectory = field(init=False)
    by_token: TokenBuckets = field(init=False)
    by_ip: TokenBuckets = field(init=False)

    def __post_init__(self) -> None:
        threads = self.config.commit_threads or (1 if self.db.dialect == "sqlite" else 2)
        self.committer = GroupCommitter(self.db, threads=threads, max_batch=self.config.max_batch)
        self.tokens = TokenDirectory(self.db, self.config.token_cache_seconds)
        self.by_token = TokenBuckets(self.config.per_token)
        self.by_ip = TokenBuckets(self.config.per_ip)

    # ------------------------------------------------------------------------------- handlers

    async def post_request(self, request: web.Request) -> web.Response:
        """``POST /api/v1/requests``: one form submission (see the module docstring)."""
        ip = request.remote or "unknown"
        wait = self.by_ip.take(f"ip:{ip}")
        if wait:
            return _too_many(wait)
        if (request.content_length or 0) > self.config.max_body:
            return _error(413, f"The submission is larger than {self.config.max_body} bytes.")
        token = _token_of(request)
        if not token:
            return _error(401, "A web-form token is required (Authorization: Bearer TOKEN or ?token=TOKEN).")
        try:
            info = await self.tokens.find(token)
        except Exception as error:
            if _unreachable(error):
                return _unavailable(error)
            raise
        if info is None:
            return _error(401, "The web-form token is not valid (unknown, revoked or its channel is off).")
        wait = self.by_token.take(f"token:{info.channel_id}:{token}")
        if wait:
            return _too_many(wait)
        try:
            fields = await self._read_fields(request)
            item = _lead_input(fields, info, ip)
        except _BadRequest as bad:
            log.info("rejected a submission from %s: %s %s", ip, bad, bad.fields or "")
            return _error(400, str(bad), bad.fields)
        except web.HTTPRequestEntityTooLarge:
            return _error(413, f"The submission is larger than {self.config.max_body} bytes.")
        try:
            result = await self.committer.submit(item)
        except NotFound:
            self.tokens.forget(token)
            return _error(401, "The web-form token's channel no longer exists.")
        except Exception as error:  # not stored, so never a 2xx
            if _unreachable(error) or isinstance(error, ConcurrentModification):
                return _unavailable(error)
            log.exception("storing a submission failed")
            return _error(500, f"The submission could not be stored ({type(error).__name__}).")
        return _answer(result)

    async def health(self, request: web.Request) -> web.Response:
        """``GET /api/v1/health``: 200 when the database answers, 503 with the reason otherwise."""
        document: dict[str, Any] = {"status": "ok", "database": "ok"}
        try:
            await asyncio.wait_for(asyncio.to_thread(self._ping), timeout=5.0)
        except TimeoutError:
            document.update(status="unavailable", database="The database did not answer within 5 seconds.")
        except Exception as error:
            document.update(status="unavailable", database=_sentence(error))
        if self.health_extra is not None:
            document.update(self.health_extra())
        status = 200 if document["status"] == "ok" else 503
        return web.json_response(document, status=status, headers=_NO_STORE)

    def _ping(self) -> None:
        with self.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    async def _read_fields(self, request: web.Request) -> dict[str, str]:
        content_type = request.content_type
        if content_type not in ("application/json", "application/x-www-form-urlencoded"):
            raise _BadRequest(
                "The submission must be sent as application/json or application/x-www-form-urlencoded"
                f" (got {content_type or 'no content type'})."
            )
        body = await request.read()
        # Russian sites still post windows-1251 forms: the declared charset applies to the body
        # and to its %-escapes alike.
        charset = request.charset or "utf-8"
        not_text = _BadRequest(f"The submission is not valid {charset} text.")
        try:
            decoded = body.decode(charset)
        except (UnicodeDecodeError, LookupError):
            raise not_text from None
        if content_type == "application/json":
            return _json_fields(decoded)
        try:
            pairs = parse_qsl(
                decoded,
                keep_blank_values=True,
                max_num_fields=FORM_FIELD_LIMIT,
                encoding=charset,
                errors="strict",
            )
        except UnicodeDecodeError:
            raise not_text from None
        except ValueError:
            raise _BadRequest(f"The form has more than {FORM_FIELD_LIMIT} fields.") from None
        fields: dict[str, str] = {}
        for key, value in pairs:
            fields.setdefault(key, value)  # a repeated field: the first one counts
        return fields

    # ------------------------------------------------------------------------------ lifecycle

    def application(self) -> web.Application:
        """The aiohttp application with the routes, CORS for browsers and the committer's lifecycle."""
        app = web.Application(client_max_size=self.config.max_body, middlewares=[_cors])
        app.router.add_post(REQUESTS_PATH, self.post_request)
        app.router.add_route("OPTIONS", REQUESTS_PATH, _preflight)
        app.router.add_get(HEALTH_PATH, self.health)
        app.on_startup.append(self._on_startup)
        # Cleanup runs after in-flight requests finished: everything they queued is committed.
        app.on_cleanup.append(self._on_cleanup)
        return app

    async def _on_startup(self, _app: web.Application) -> None:
        self.committer.start()

    async def _on_cleanup(self, _app: web.Application) -> None:
        await self.committer.close()


# ----------------------------------------------------------------------------------- helpers

_NO_STORE = {"Cache-Control": "no-store"}
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Max-Age": "600",
}


@web.middleware
async def _cors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    # A site's own page may post its form from the visitor's browser (fetch with a token).
    response = await handler(request)
    response.headers.setdefault("Access-Control-Allow-Origin", "*")
    return response


async def _preflight(_request: web.Request) -> web.Response:
    return web.Response(status=204, headers=_CORS)


def _token_of(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    query = request.query.get("token", "").strip()
    return query or None


def _json_fields(decoded: str) -> dict[str, str]:
    try:
        document = json.loads(decoded)
    except ValueError as error:
        raise _BadRequest(f"The submission is not valid JSON ({error}).") from None
    if not isinstance(document, dict):
        raise _BadRequest("The submission must be a JSON object of fields.")
    if len(document) > FORM_FIELD_LIMIT:
        raise _BadRequest(f"The submission has more than {FORM_FIELD_LIMIT} fields.")
    fields: dict[str, str] = {}
    wrong: dict[str, str] = {}
    for key, value in document.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            wrong[str(key)] = "must be text"
            continue
        fields[str(key)] = str(value)
    if wrong:
        raise _BadRequest("Some fields are not text.", wrong)
    return fields


def _lead_input(fields: Mapping[str, str], info: _TokenInfo, ip: str) -> LeadInput:
    """Validate the fields of one submission and turn them into an intake item."""
    problems: dict[str, str] = {}
    values: dict[str, str | None] = {}
    for name, limit in LIMITS.items():
        value = (fields.get(name) or "").strip()
        if len(value) > limit:
            problems[name] = f"longer than {limit} characters"
        values[name] = value or None
    utm = {k: v.strip() for k, v in fields.items() if k.startswith(UTM_PREFIX) and v.strip()}
    if len(utm) > UTM_COUNT_LIMIT:
        problems["utm"] = f"more than {UTM_COUNT_LIMIT} utm_* fields"
    for key, value in utm.items():
        if len(key) > UTM_KEY_LIMIT or len(value) > UTM_VALUE_LIMIT:
            problems[key[:UTM_KEY_LIMIT]] = f"longer than {UTM_VALUE_LIMIT} characters"
    phone, email = values["phone"], values["email"]
    if phone and "phone" not in problems and normalize_phone(phone, info.region) is None:
        problems["phone"] = "not a phone number"
    if email and "email" not in problems and normalize_email(email) is None:
        problems["email"] = "not an e-mail address"
    if not (phone or email or (values["name"] and values["message"])):
        problems.setdefault("contact", "give a phone, an e-mail, or a name and a message")
    if problems:
        raise _BadRequest(
            "The submission was not accepted: " + "; ".join(f"{k}: {v}" for k, v in problems.items()) + ".",
            problems,
        )
    extra: dict[str, Any] = dict(sorted(utm.items()))
    extra["ip"] = ip
    return LeadInput(
        channel_id=info.channel_id,
        external_id=values["submission_id"] or f"auto:{uuid.uuid4().hex}",
        received_at=utcnow(),
        contact_name=values["name"],
        phone=phone,
        email=email,
        message=values["message"],
        ad_source=values["source"] or utm.get("utm_source"),
        extra=extra,
    )


def _answer(result: IntakeResult) -> web.Response:
    if result.lead is not None:
        status = 201 if result.outcome is IntakeOutcome.CREATED else 200
        return web.json_response(
            {"id": result.lead.id, "state": result.lead.state.value}, status=status, headers=_NO_STORE
        )
    # Stored, but no lead: the contact is on the exclusion list or the channel makes no leads.
    return web.json_response({"id": None, "state": result.outcome.value}, status=202, headers=_NO_STORE)


def _error(status: int, message: str, fields: Mapping[str, str] | None = None) -> web.Response:
    document: dict[str, Any] = {"error": message}
    if fields is not None:
        document["fields"] = dict(fields)
    return web.json_response(document, status=status, headers=_NO_STORE)


def _too_many(wait: float) -> web.Response:
    response = _error(429, "Too many submissions; try again later.")
    response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
    return response


def _unavailable(error: BaseException) -> web.Response:
    log.warning("database unavailable: %s", _sentence(error))
    response = _error(503, f"The submission was not stored: {_sentence(error)} Try again shortly.")
    response.headers["Retry-After"] = "5"
    return response


def _sentence(error: BaseException) -> str:
    if isinstance(error, DBAPIError):
        detail = str(error.orig or error).strip().splitlines()[0] if str(error.orig or error).strip() else ""
        text_value = f"The database cannot be reached right now ({detail})."
    else:
        text_value = " ".join(str(error).split()) or type(error).__name__
    return text_value if text_value.endswith(".") else text_value + "."
