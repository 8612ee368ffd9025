"""A local stand-in for the Telegram Bot API: the documented methods Inflow's client uses.

Speaks ``getMe``, ``getUpdates`` (``offset`` confirms earlier updates, ``timeout`` long-polls until
an update arrives), ``sendMessage``, ``sendPhoto`` / ``sendDocument`` (multipart), ``getFile`` and
the download at ``/file/bot<token>/<file_path>``; a wrong token is answered 401 like Telegram does.

In a test (a thread with its own event loop, on a free port)::

    with BotApiDouble() as bot:
        update_id = bot.enqueue_message(user_id=100, text="Здравствуйте")
        ...  # a channel with settings {"api_url": bot.url} and the token bot.token
        bot.wait_sent(1)  # what the bot sent, as SentMessage records

As a separate process (for tests that start several ``inflow serve`` processes)::

    python -m tests.bot_api_double --port 0 --token 123:ABC

prints one JSON line ``{"url": ..., "token": ...}`` and serves until SIGTERM/SIGINT. Other processes
drive it over HTTP: ``POST /_double/enqueue`` (JSON: the keyword arguments of
:meth:`BotApiDouble.enqueue_message`, files as base64 in ``photo_b64`` / ``document_b64``),
``GET /_double/sent``, ``POST /_double/fail`` (the arguments of :meth:`BotApiDouble.fail`),
``GET /_double/state`` (pending updates, confirmed offset, getUpdates calls); :class:`RemoteDouble`
wraps them.

Failure injection: :meth:`fail` answers the next calls of a method with an HTTP error (500, 429 with
``retry_after``, ...); :meth:`hang` holds the next calls for a while and then drops them unprocessed
(a request lost on the way: nothing is delivered), so a client timeout can be tested.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import itertools
import json
import signal
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from typing import Any

from aiohttp import web

DEFAULT_TOKEN = "123456789:TEST-token_for-the-double"


@dataclass(frozen=True, slots=True)
class SentMessage:
    """One thing the bot sent: the method, the chat and what it carried."""

    method: str
    chat_id: str
    message_id: int
    text: str | None = None
    caption: str | None = None
    file_name: str | None = None
    content: bytes | None = field(default=None, repr=False)


@dataclass(slots=True)
class _Failure:
    status: int
    times: int
    description: str
    retry_after: int | None


@dataclass(slots=True)
class _Hang:
    seconds: float
    times: int


class BotApiDouble:
    """The Bot API double: start it (thread) or run it (process), enqueue updates, read what was sent."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 42
        self.username = "inflow_test_bot"
        self._lock = threading.Lock()
        self._updates: list[dict[str, Any]] = []
        self._sent: list[SentMessage] = []
        self._files: dict[str, tuple[str, bytes]] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._hangs: dict[str, list[_Hang]] = {}
        self._update_ids = itertools.count(700_000)
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self.confirmed_offset: int | None = None
        self.get_updates_calls = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake_event: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()

    # ------------------------------------------------------------------------------ life cycle

    @property
    def url(self) -> str:
        """The API base URL to put in a channel's ``api_url`` setting."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> BotApiDouble:
        """Serve on a background thread with its own event loop; returns once listening."""
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start_async())
            except BaseException as error:
                errors.append(error)
                ready.set()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self._cleanup())
                # Long polls and held requests still waiting: cancelled, so the loop closes clean.
                pending = asyncio.all_tasks(loop)
                for task in pending:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.close()

        self._thread = threading.Thread(target=run, name="bot-api-double", daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors:
            raise errors[0]
        return self

    def stop(self) -> None:
        """Stop serving (thread mode)."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None

    def __enter__(self) -> BotApiDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def start_async(self) -> None:
        """Start listening on the current event loop (process mode or an async test)."""
        self._loop = asyncio.get_running_loop()
        self._wake_event = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        app.router.add_post("/_double/enqueue", self._control_enqueue)
        app.router.add_get("/_double/sent", self._control_sent)
        app.router.add_post("/_double/fail", self._control_fail)
        app.router.add_get("/_double/state", self._control_state)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        address = self._runner.addresses[0]
        self.port = int(address[1])

    async def _cleanup(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------------------------- test side

    def enqueue_message(
        self,
        user_id: int = 100,
        text: str | None = None,
        *,
        chat_id: int | None = None,
        first_name: str = "Иван",
        last_name: str | None = None,
        username: str | None = None,
        contact_phone: str | None = None,
        contact_user_id: int | None = None,
        photo: bytes | None = None,
        document: tuple[str, bytes, str] | None = None,
        caption: str | None = None,
        date: int | None = None,
    ) -> int:
        """Queue a private message from a user as the next update; returns its update_id.

        ``contact_phone`` makes it a shared contact (the user's own unless ``contact_user_id``
        names someone else); ``photo`` (JPEG bytes) and ``document`` ((name, bytes, mime)) attach
        files that ``getFile`` and the download then serve."""
        sender: dict[str, Any] = {
            "id": user_id, "is_bot": False, "first_name": first_name, "language_code": "ru"
        }
        if last_name:
            sender["last_name"] = last_name
        if username:
            sender["username"] = username
        chat: dict[str, Any] = {
            "id": chat_id if chat_id is not None else user_id, "type": "private", "first_name": first_name
        }
        if username:
            chat["username"] = username
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(date if date is not None else time.time()),
            "chat": chat,
            "from": sender,
        }
        if text is not None:
            message["text"] = text
        if caption is not None:
            message["caption"] = caption
        if contact_phone is not None:
            message["contact"] = {
                "phone_number": contact_phone,
                "first_name": first_name,
                "user_id": contact_user_id if contact_user_id is not None else user_id,
            }
        if photo is not None:
            small = self.add_file(photo[: max(len(photo) // 4, 1)], "photos/small.jpg")
            large = self.add_file(photo, f"photos/file_{next(self._file_ids)}.jpg")
            message["photo"] = [
                {"file_id": small, "file_unique_id": small + "u", "width": 90, "height": 90,
                 "file_size": max(len(photo) // 4, 1)},
                {"file_id": large, "file_unique_id": large + "u", "width": 1280, "height": 960,
                 "file_size": len(photo)},
            ]
        if document is not None:
            name, content, mime = document
            file_id = self.add_file(content, f"documents/{name}")
            message["document"] = {
                "file_id": file_id,
                "file_unique_id": file_id + "u",
                "file_name": name,
                "mime_type": mime,
                "file_size": len(content),
            }
        return self.enqueue_update({"message": message})

    def enqueue_update(self, update: dict[str, Any]) -> int:
        """Queue any update (``update_id`` is assigned); returns the update_id."""
        with self._lock:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **update})
        self._wake()
        return update_id

    def add_file(self, content: bytes, path: str) -> str:
        """Make a file downloadable by file_id; returns the file_id."""
        with self._lock:
            file_id = f"FILE{next(self._file_ids):06d}"
            self._files[file_id] = (path, content)
        return file_id

    @property
    def sent(self) -> list[SentMessage]:
        """Everything the bot sent so far, in order."""
        with self._lock:
            return list(self._sent)

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not confirmed by a getUpdates offset yet."""
        with self._lock:
            return list(self._updates)

    def wait_sent(self, count: int, timeout: float = 10.0) -> list[SentMessage]:
        """Wait until at least ``count`` messages were sent; returns them all (AssertionError on timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sent = self.sent
            if len(sent) >= count:
                return sent
            time.sleep(0.01)
        raise AssertionError(f"the bot sent {len(self.sent)} message(s), expected {count}")

    def wait_confirmed(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until a getUpdates offset confirmed the update (the client stored it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.confirmed_offset is not None and self.confirmed_offset > update_id:
                return
            time.sleep(0.01)
        raise AssertionError(f"update {update_id} was not confirmed (offset {self.confirmed_offset})")

    def fail(
        self,
        method: str,
        status: int = 500,
        *,
        times: int = 1,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an HTTP error (429 with ``retry_after``)."""
        with self._lock:
            self._failures.setdefault(method, []).append(_Failure(status, times, description, retry_after))

    def hang(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Hold the next ``times`` calls of ``method`` for ``seconds``, then drop them (504, nothing done)."""
        with self._lock:
            self._hangs.setdefault(method, []).append(_Hang(seconds, times))

    # ---------------------------------------------------------------------------- server side

    def _wake(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop is shutting down
            loop.call_soon_threadsafe(self._wake_on_loop)

    def _wake_on_loop(self) -> None:
        # Waiters hold the event they saw before checking the queue; a fresh one for later waiters.
        assert self._wake_event is not None
        self._wake_event.set()
        self._wake_event = asyncio.Event()

    @staticmethod
    def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, Any]]:
        params: dict[str, Any] = dict(request.query)
        files: dict[str, Any] = {}
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = (value.filename, value.file.read())
                    else:
                        params[key] = value
        return params, files

    async def _api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        params, files = await self._params(request)
        with self._lock:
            hang = self._take(self._hangs, method)
            failure = self._take(self._failures, method)
        if hang is not None:
            await asyncio.sleep(hang.seconds)
            return self._error(504, "Gateway Timeout")
        if failure is not None:
            return self._error(failure.status, failure.description, failure.retry_after)
        handler = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send,
            "sendPhoto": self._send,
            "sendDocument": self._send,
            "getFile": self._get_file,
        }.get(method)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        return await handler(method, params, files)

    @staticmethod
    def _take(table: dict[str, list[Any]], method: str) -> Any:
        queue = table.get(method)
        if not queue:
            return None
        item = queue[0]
        item.times -= 1
        if item.times <= 0:
            queue.pop(0)
        return item

    async def _get_me(self, method: str, params: dict[str, Any], files: dict[str, Any]) -> web.Response:
        return web.json_response({"ok": True, "result": {
            "id": self.bot_id, "is_bot": True, "first_name": "Inflow test bot", "username": self.username,
        }})

    async def _get_updates(self, method: str, params: dict[str, Any], files: dict[str, Any]) -> web.Response:
        offset = int(params["offset"]) if params.get("offset") is not None else None
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + timeout
        with self._lock:
            self.get_updates_calls += 1
            if offset is not None:
                # As documented: an offset confirms (forgets) every update with a lower id.
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                self.confirmed_offset = max(self.confirmed_offset or 0, offset)
        while True:
            event = self._wake_event
            assert event is not None
            with self._lock:
                ready = self._updates[:limit]
            remaining = deadline - time.monotonic()
            if ready or remaining <= 0:
                return web.json_response({"ok": True, "result": ready})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def _send(self, method: str, params: dict[str, Any], files: dict[str, Any]) -> web.Response:
        chat_id = params.get("chat_id")
        if chat_id is None:
            return self._error(400, "Bad Request: chat_id is empty")
        field_name = {"sendPhoto": "photo", "sendDocument": "document"}.get(method)
        file_name: str | None = None
        content: bytes | None = None
        if field_name is not None:
            if field_name not in files:
                return self._error(400, f"Bad Request: there is no {field_name} in the request")
            file_name, content = files[field_name]
        elif not params.get("text"):
            return self._error(400, "Bad Request: message text is empty")
        with self._lock:
            message_id = next(self._message_ids)
            self._sent.append(
                SentMessage(method, str(chat_id), message_id, params.get("text"), params.get("caption"),
                            file_name, content)
            )
        result: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {
                "id": int(chat_id) if str(chat_id).lstrip("-").isdigit() else chat_id, "type": "private"
            },
            "from": {"id": self.bot_id, "is_bot": True, "first_name": "Inflow test bot"},
        }
        if params.get("text"):
            result["text"] = params["text"]
        if params.get("caption"):
            result["caption"] = params["caption"]
        return web.json_response({"ok": True, "result": result})

    async def _get_file(self, method: str, params: dict[str, Any], files: dict[str, Any]) -> web.Response:
        file_id = str(params.get("file_id") or "")
        with self._lock:
            found = self._files.get(file_id)
        if found is None:
            return self._error(400, "Bad Request: invalid file_id")
        path, content = found
        return web.json_response({"ok": True, "result": {
            "file_id": file_id, "file_unique_id": file_id + "u", "file_size": len(content), "file_path": path,
        }})

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        path = request.match_info["path"]
        with self._lock:
            content = next((data for stored, data in self._files.values() if stored == path), None)
        if content is None:
            return self._error(404, "Not Found")
        return web.Response(body=content, content_type="application/octet-stream")

    # ---------------------------------------------------------------------- control over HTTP

    async def _control_enqueue(self, request: web.Request) -> web.Response:
        arguments = dict(await request.json())
        if "photo_b64" in arguments:
            arguments["photo"] = base64.b64decode(arguments.pop("photo_b64"))
        if "document_b64" in arguments:
            name = arguments.pop("document_name", "file.bin")
            mime = arguments.pop("document_mime", "application/octet-stream")
            arguments["document"] = (name, base64.b64decode(arguments.pop("document_b64")), mime)
        update_id = self.enqueue_message(**arguments)
        return web.json_response({"update_id": update_id})

    async def _control_sent(self, request: web.Request) -> web.Response:
        items = []
        for item in self.sent:
            data = asdict(item)
            data["content"] = base64.b64encode(item.content).decode() if item.content is not None else None
            items.append(data)
        return web.json_response(items)

    async def _control_fail(self, request: web.Request) -> web.Response:
        self.fail(**dict(await request.json()))
        return web.json_response({"ok": True})

    async def _control_state(self, request: web.Request) -> web.Response:
        with self._lock:
            state = {
                "pending": [u["update_id"] for u in self._updates],
                "confirmed_offset": self.confirmed_offset,
                "get_updates_calls": self.get_updates_calls,
            }
        return web.json_response(state)


class RemoteDouble:
    """Drives a double running in another process through its /_double/ control endpoints."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url.rstrip("/")
        self.token = token

    def _request(self, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(
            f"{self.url}{path}", data=data, headers={"Content-Type": "application/json"},
            method="POST" if data is not None else "GET",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def enqueue_message(self, **arguments: Any) -> int:
        """Like :meth:`BotApiDouble.enqueue_message` (JSON-able arguments only)."""
        return int(self._request("/_double/enqueue", arguments)["update_id"])

    def sent(self) -> list[dict[str, Any]]:
        """What the bot sent, as JSON objects."""
        result: list[dict[str, Any]] = self._request("/_double/sent")
        return result

    def state(self) -> dict[str, Any]:
        """Pending update ids, the confirmed offset and the number of getUpdates calls."""
        result: dict[str, Any] = self._request("/_double/state")
        return result

    def fail(self, **arguments: Any) -> None:
        """Like :meth:`BotApiDouble.fail`."""
        self._request("/_double/fail", arguments)


def main(argv: list[str] | None = None) -> None:
    """Run the double as a process until SIGTERM/SIGINT; prints {"url", "token"} on one line first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    options = parser.parse_args(argv)
    double = BotApiDouble(options.token, host=options.host, port=options.port)

    async def serve() -> None:
        await double.start_async()
        print(json.dumps({"url": double.url, "token": double.token}), flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        await double._cleanup()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
