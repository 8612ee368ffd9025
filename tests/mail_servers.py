"""Real mail servers for the mail tests: a dovecot IMAP server and an aiosmtpd SMTP server.

Fixtures (import them into a test module: ``from tests.mail_servers import dovecot, smtp_server``):

``dovecot``      session-wide :class:`Dovecot` on 127.0.0.1 and a free port (plain IMAP, ``ssl = no``),
                 Maildir storage under a temporary folder, run as Debian's ``mail`` user (uid 8)
                 because dovecot will not access mail as root (RECIPES "Mail"); each test takes
                 its own mailbox with :meth:`Dovecot.new_mailbox` and delivers by IMAP APPEND
``smtp_server``  session-wide :class:`SmtpSink` (aiosmtpd ``Controller`` on an explicit free port)
                 that records every message it receives; emptied before each test that uses it

Without the dovecot binary the tests are skipped with the reason, or fail under ``CI=true``
(.ci/run installs ``dovecot-imapd``).
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)


def free_port() -> int:
    """A TCP port nobody listens on right now (bound and released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI installs dovecot-imapd; it must be there)")
    pytest.skip(reason)


@dataclass(frozen=True)
class Mailbox:
    """One dovecot account: where it is and how to sign in."""

    host: str
    port: int
    login: str
    password: str

    def connect(self) -> IMAPClient:
        """A logged-in IMAP connection to this mailbox."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.login, self.password)
        return client

    def deliver(self, *letters: bytes, folder: str = "INBOX", when: datetime | None = None) -> None:
        """Put letters into a folder (IMAP APPEND, unseen), creating the folder when missing."""
        client = self.connect()
        try:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for raw in letters:
                client.append(folder, raw, flags=(), msg_time=when)
        finally:
            client.logout()

    def messages(self, folder: str) -> list[tuple[bytes, tuple[bytes, ...]]]:
        """The raw letters of a folder with their flags, in UID order."""
        client = self.connect()
        try:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = client.search()
            data = client.fetch(uids, ["BODY.PEEK[]", "FLAGS"]) if uids else {}
            return [(data[uid][b"BODY[]"], tuple(data[uid][b"FLAGS"])) for uid in sorted(data)]
        finally:
            client.logout()


class Dovecot:
    """A dovecot process with its own configuration, users file and Maildir root."""

    def __init__(self, root: Path, storage: str = "maildir") -> None:
        self.root = root
        # Maildir for the tests (RECIPES); the bench uses sdbox, whose SELECT and IDLE do not
        # re-read a folder of 10,000 files.
        self.storage = storage
        self.host = "127.0.0.1"
        self.port = free_port()
        self.users = root / "users"
        self.process: subprocess.Popen[bytes] | None = None
        self._counter = itertools.count(1)

    def start(self) -> None:
        """Write the configuration and start ``dovecot -F``; returns once it accepts connections."""
        assert DOVECOT is not None
        mail = self.root / "mail"
        mail.mkdir(parents=True, exist_ok=True)
        shutil.chown(mail, "mail", "mail")
        # Accounts are written before the start: dovecot notices a changed users file only by its
        # modification time, which may not move between two accounts made in the same second.
        self.users.write_text(
            "".join(f"{login}:{{PLAIN}}pw-{login}::::::\n" for login in self._logins())
        )
        config = self.root / "dovecot.conf"
        config.write_text(
            f"""protocols = imap
listen = {self.host}
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 8
mail_uid = mail
mail_gid = mail
mail_location = {self.storage}:{mail}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.users}
}}
userdb {{
  driver = static
  args = uid=mail gid=mail home={mail}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = {self.host}
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                error = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"dovecot exited: {error.strip()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not start listening")

    def stop(self) -> None:
        """Stop the server this fixture started."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    ACCOUNTS = 500

    @classmethod
    def _logins(cls) -> list[str]:
        return [f"box{n}" for n in range(1, cls.ACCOUNTS + 1)]

    def import_maildir(self, box: Mailbox, maildir: Path) -> None:
        """Copy a Maildir's letters into an account's INBOX with ``doveadm import`` (server running)."""
        assert DOVECOT is not None
        doveadm = shutil.which("doveadm") or "/usr/bin/doveadm"
        for path in [maildir, *maildir.rglob("*")]:
            shutil.chown(path, "mail", "mail")
        subprocess.run(
            [str(doveadm), "-c", str(self.root / "dovecot.conf"), "import", "-u", box.login,
             f"maildir:{maildir}", "", "all"],
            check=True, capture_output=True,
        )

    def new_mailbox(self) -> Mailbox:
        """A fresh, empty account (one of the accounts made at start, never handed out twice)."""
        number = next(self._counter)
        if number > self.ACCOUNTS:
            raise RuntimeError("all dovecot test accounts are taken; raise Dovecot.ACCOUNTS")
        login = f"box{number}"
        return Mailbox(self.host, self.port, login, f"pw-{login}")


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """The session's dovecot IMAP server."""
    if DOVECOT is None:
        _unavailable("dovecot is not installed")
    if os.geteuid() != 0:
        _unavailable("dovecot needs root here to run mail as the 'mail' user")
    root = Path(tempfile.mkdtemp(prefix="inflow-dovecot-"))
    root.chmod(0o755)
    server = Dovecot(root)
    try:
        server.start()
    except RuntimeError as error:
        log = root / "dovecot.log"
        _unavailable(f"dovecot could not be started: {error} {log.read_text() if log.exists() else ''}")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


# ------------------------------------------------------------------------------------------ SMTP


@dataclass
class Received:
    """One message as the SMTP server got it: envelope and the parsed letter."""

    mail_from: str
    recipients: list[str]
    raw: bytes
    message: EmailMessage = field(repr=False)


class _Recorder:
    def __init__(self) -> None:
        self.received: list[Received] = []

    # aiosmtpd calls the hook by this name.
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        raw = raw if isinstance(raw, bytes) else str(raw).encode()
        parsed = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), raw, parsed))
        return "250 OK"


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.host = "127.0.0.1"
        self.port = free_port()
        self._recorder = _Recorder()
        self._controller = Controller(self._recorder, hostname=self.host, port=self.port)

    @property
    def received(self) -> list[Received]:
        """Messages received so far."""
        return self._recorder.received

    def start(self) -> None:
        """Start serving on a thread of its own."""
        self._controller.start()

    def stop(self) -> None:
        """Stop serving."""
        self._controller.stop()


@pytest.fixture(scope="session")
def _smtp_session() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def smtp_server(_smtp_session: SmtpSink) -> SmtpSink:
    """The session's SMTP server, emptied for this test."""
    _smtp_session.received.clear()
    return _smtp_session
