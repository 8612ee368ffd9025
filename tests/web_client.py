"""Test helpers for the web-form endpoint: a real server on a free port, and plain HTTP clients."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from app.persistence.uow import Database
from app.services.admin import ChannelSpec, create_channel
from app.services.permissions import Actor
from app.web_intake import IntakeConfig, IntakeEndpoint, RateLimit

NO_LIMITS = IntakeConfig(per_token=RateLimit(0, 1), per_ip=RateLimit(0, 1))


@dataclass(frozen=True)
class Answer:
    """One HTTP answer."""

    status: int
    body: Any
    headers: Mapping[str, str]


class EndpointServer:
    """The intake endpoint served by aiohttp on 127.0.0.1 and a free port, in its own thread."""

    def __init__(self, db: Database, config: IntakeConfig = NO_LIMITS) -> None:
        self.endpoint = IntakeEndpoint(db, config)
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, name="endpoint")

    def __enter__(self) -> EndpointServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(30)
        return self

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.endpoint.application(), access_log=None, shutdown_timeout=10)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, backlog=2048)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    def __exit__(self, *_exc: object) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(30)
        self.loop.close()

    @property
    def url(self) -> str:
        """The submissions URL."""
        return f"http://127.0.0.1:{self.port}/api/v1/requests"


def web_form_channel(db: Database, name: str = "Сайт", source: str | None = "Сайт") -> tuple[int, str]:
    """A request channel with a web-form token: (channel id, token)."""
    with db.uow() as uow:
        created = create_channel(
            uow, Actor.system(), ChannelSpec(kind="request", name=name, web_form=True, ad_source=source)
        )
    assert created.token is not None
    return created.channel.id, created.token


def post(
    url: str,
    body: bytes | str | Mapping[str, Any],
    *,
    token: str | None = None,
    content_type: str | None = None,
) -> Answer:
    """POST with urllib; a dict is sent as JSON, text as form-encoded unless told otherwise."""
    if isinstance(body, Mapping):
        data = json.dumps(body).encode()
        content_type = content_type or "application/json"
    else:
        data = body.encode() if isinstance(body, str) else body
        content_type = content_type or "application/x-www-form-urlencoded"
    headers = {"Content-Type": content_type}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return _send(urllib.request.Request(url, data=data, headers=headers, method="POST"))


def get(url: str) -> Answer:
    """GET with urllib."""
    return _send(urllib.request.Request(url, method="GET"))


def _send(request: urllib.request.Request) -> Answer:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, json.loads(response.read() or b"null"), dict(response.headers))
    except urllib.error.HTTPError as error:
        raw = error.read()
        return Answer(error.code, json.loads(raw) if raw else None, dict(error.headers))


async def post_many(
    url: str, token: str, bodies: Sequence[Mapping[str, Any]], concurrency: int
) -> list[tuple[int, Any]]:
    """POST every body as JSON with up to ``concurrency`` requests in flight; (status, body) each.

    A request that got no answer (the server went away) is (0, the error's text).
    """
    connector = aiohttp.TCPConnector(limit=concurrency)
    semaphore = asyncio.Semaphore(concurrency)
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def one(body: Mapping[str, Any]) -> tuple[int, Any]:
            async with semaphore:
                try:
                    async with session.post(
                        url, json=body, timeout=aiohttp.ClientTimeout(total=60)
                    ) as answer:
                        return answer.status, await answer.json()
                except (TimeoutError, aiohttp.ClientError, ValueError) as error:
                    return 0, str(error)

        return list(await asyncio.gather(*(one(body) for body in bodies)))
