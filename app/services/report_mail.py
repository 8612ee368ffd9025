"""Sending a report by e-mail (``inflow report kpi --mail-to ADDR`` from cron).

"The configured SMTP" is a mailbox channel's: the first active e-mail channel (by id) that has an
SMTP host, or the one named. Its password is found like the mail sync finds it (the channel's
environment variable when set, else the keyring: :func:`app.services.secrets.channel_secret`).
The letter has the report as a text table in the body (and as an HTML table for mail clients that
prefer it) and the report attached as XLSX or PDF.
"""

from __future__ import annotations

import html
import io
import smtplib
import ssl
from dataclasses import dataclass
from datetime import tzinfo
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.enums import ChannelKind
from app.domain.errors import InflowError, NotFound, ValidationError
from app.persistence.models import Channel
from app.services.admin import MAIL_LOGIN, PASSWORD_ENV, SECURITY, SMTP_HOST, SMTP_PORT
from app.services.report_output import display, period_text, render_table
from app.services.reports import ReportFormat, ReportResult, write_report
from app.services.secrets import SecretKind, channel_secret, installation_id

SMTP_TIMEOUT = 30.0


class MailNotSent(InflowError):
    """The SMTP server could not be reached or refused the letter."""


@dataclass(frozen=True, slots=True)
class SmtpAccount:
    """Where and how to send: a mailbox channel's SMTP settings with its password looked up."""

    channel: str
    host: str
    port: int
    security: str  # ssl, starttls or none
    login: str | None
    password: str | None

    @property
    def sender(self) -> str:
        """The From address: the login when it is an address, else inflow@host."""
        if self.login and "@" in self.login:
            return self.login
        return f"inflow@{self.host}"


def smtp_account(session: Session, channel_name: str | None = None) -> SmtpAccount:
    """The SMTP account to send with (see the module docstring)."""
    statement = select(Channel).where(Channel.kind == ChannelKind.EMAIL.value)
    if channel_name is not None:
        channel = session.scalars(statement.where(Channel.name == channel_name)).one_or_none()
        if channel is None:
            raise NotFound(f"There is no e-mail channel '{channel_name}'.")
        if not (channel.settings or {}).get(SMTP_HOST):
            raise ValidationError(f"The e-mail channel '{channel_name}' has no SMTP server configured.")
    else:
        channel = next(
            (
                c
                for c in session.scalars(statement.where(Channel.active.is_(True)).order_by(Channel.id))
                if (c.settings or {}).get(SMTP_HOST)
            ),
            None,
        )
        if channel is None:
            raise ValidationError(
                "No SMTP server is configured: add an e-mail channel with --smtp HOST:PORT "
                "(inflow channel add email NAME --smtp …) or name one with --smtp-channel."
            )
    settings = channel.settings or {}
    login = settings.get(MAIL_LOGIN)
    # Keyed by this database's identity like every channel secret (app/services/secrets.py).
    installation = installation_id(session, create=False)
    password = channel_secret(
        SecretKind.MAIL_PASSWORD, channel.id, settings.get(PASSWORD_ENV), installation=installation
    )
    if login and not password:
        variable = settings.get(PASSWORD_ENV)
        where = f"the environment variable {variable} is not set and " if variable else ""
        raise ValidationError(
            f"The SMTP password of the e-mail channel '{channel.name}' is unknown: {where}"
            "the keyring holds none."
        )
    return SmtpAccount(
        channel=channel.name,
        host=str(settings[SMTP_HOST]),
        port=int(settings.get(SMTP_PORT) or 25),
        security=str(settings.get(SECURITY) or "ssl"),
        login=login,
        password=password,
    )


def report_letter(
    result: ReportResult,
    sender: str,
    recipients: list[str],
    attachment: ReportFormat = ReportFormat.XLSX,
    zone: tzinfo | None = None,
) -> EmailMessage:
    """The letter: subject with title and period, the table in the body, the file attached."""
    if attachment not in (ReportFormat.XLSX, ReportFormat.PDF, ReportFormat.CSV):
        raise ValidationError("A report is attached as xlsx, pdf or csv.")
    message = EmailMessage()
    message["Subject"] = f"{result.title}, {period_text(result)}"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message.set_content(render_table(result, zone))
    message.add_alternative(_html(result, zone), subtype="html")
    stream = io.BytesIO()
    write_report(result, attachment, stream, zone)
    subtypes = {
        ReportFormat.XLSX: ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ReportFormat.PDF: ("application", "pdf"),
        ReportFormat.CSV: ("text", "csv"),
    }
    maintype, subtype = subtypes[attachment]
    day = result.date_to.isoformat() if result.date_to else "all"
    filename = f"{result.name.value}-{day}.{attachment.value}"
    message.add_attachment(stream.getvalue(), maintype=maintype, subtype=subtype, filename=filename)
    return message


def _html(result: ReportResult, zone: tzinfo | None) -> str:
    head = "".join(f"<th>{html.escape(c.title)}</th>" for c in result.columns)
    body = []
    for row in result.rows:
        cells = "".join(f"<td>{html.escape(display(row.get(c.key), c, zone))}</td>" for c in result.columns)
        body.append(f"<tr>{cells}</tr>")
    if result.totals:
        cells = "".join(
            f"<td><b>{html.escape(display(result.totals.get(c.key), c, zone))}</b></td>"
            for c in result.columns
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f"<html><body><h3>{html.escape(result.title)}</h3><p>{html.escape(period_text(result))}</p>"
        f"<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\"><tr>{head}</tr>{''.join(body)}</table>"
        "</body></html>"
    )


def send_letter(account: SmtpAccount, message: EmailMessage) -> None:
    """Send one letter through the account's SMTP server; :class:`MailNotSent` with a sentence."""
    try:
        if account.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                account.host, account.port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(account.host, account.port, timeout=SMTP_TIMEOUT)
        with client:
            if account.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if account.login:
                client.login(account.login, account.password or "")
            client.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        raise MailNotSent(
            f"The SMTP server {account.host}:{account.port} refused the login of '{account.login}' "
            f"({error.smtp_code})."
        ) from error
    except smtplib.SMTPRecipientsRefused as error:
        raise MailNotSent(
            f"The SMTP server refused the recipients {', '.join(error.recipients)}."
        ) from error
    except (smtplib.SMTPException, OSError) as error:
        raise MailNotSent(
            f"The report could not be sent through {account.host}:{account.port} ({error})."
        ) from error


def mail_report(
    session: Session,
    result: ReportResult,
    recipients: list[str],
    *,
    channel_name: str | None = None,
    attachment: ReportFormat = ReportFormat.XLSX,
    zone: tzinfo | None = None,
) -> SmtpAccount:
    """Send a report to ``recipients`` with the configured SMTP; returns the account used."""
    account = smtp_account(session, channel_name)
    send_letter(account, report_letter(result, account.sender, recipients, attachment, zone))
    return account
