"""Raw RFC 5322 letters → a frozen :class:`DecodedLetter`, hardened against what real mail holds.

Letters in Russian arrive in every encoding ever invented: koi8-r and cp1251 labelled as utf-8 or
not labelled at all, Subjects of only RFC 2047 encoded-words with unknown charsets, attachment
names in RFC 2231 or (non-standard, but what Outlook sends) RFC 2047, broken multipart
boundaries. :func:`parse_letter` never raises: whatever cannot be decoded cleanly is decoded as
well as it can be and named in ``problems``.

Charset rule (docs/DECISIONS.md "Mail"): the declared charset, then utf-8, then cp1251, then koi8-r;
a candidate that decodes without error must also look like Russian text when it holds Cyrillic
(mostly lower-case letters, common letters frequent), else the most plausible candidate wins.

Large attachments are not decoded while parsing: their size is computed from the encoded text,
and :func:`attachment_content` decodes one attachment from the stored raw bytes when it is saved.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.header import decode_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from enum import StrEnum

__all__ = [
    "AddressDTO",
    "AttachmentInfo",
    "AutoKind",
    "DecodedLetter",
    "attachment_content",
    "decode_bytes",
    "decode_header_value",
    "parse_letter",
]

SNIPPET_LENGTH = 200
# What a header or a name may hold at most once decoded (the columns' sizes, with room to spare).
_NAME_LIMIT = 300
_ADDRESS_LIMIT = 254
_ID_LIMIT = 500

_FALLBACK_CHARSETS = ("utf-8", "cp1251", "koi8-r")
# Aliases mail software invents; Python knows none of them.
_CHARSET_ALIASES = {
    "win-1251": "cp1251",
    "windows-1251": "cp1251",
    "x-cp1251": "cp1251",
    "cp-1251": "cp1251",
    "win1251": "cp1251",
    "koi8": "koi8-r",
    "x-koi8-r": "koi8-r",
    "koi8r": "koi8-r",
    "utf8": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
    "us-ascii": "ascii",
}
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CYRILLIC_LOWER = re.compile(r"[\u0430-\u044f\u0451]")
# The ten most frequent Russian letters: in real text about 60 % of Cyrillic letters are these.
_COMMON_RUSSIAN = set("оеаинтсрвл")
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_WHITESPACE = re.compile(r"\s+")
# The stdlib parser with string-valued headers: every header is decoded here (RFC 2047/2231 with
# charset fallbacks), and policy.default's header objects re-parse a header on every access —
# two thirds of the time of a first sync of 10,000 letters went there.
_POLICY = policy.compat32
_BASE64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_NOT_BASE64 = bytes(b for b in range(256) if b not in _BASE64_ALPHABET)


class AutoKind(StrEnum):
    """A letter no person wrote: an auto-reply or a delivery report; such letters make no lead."""

    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"


@dataclass(frozen=True, slots=True)
class AddressDTO:
    """One mailbox of a From/To/Cc header: the decoded display name and the address."""

    name: str
    address: str

    def formatted(self) -> str:
        """``Name <address>``, or the address alone when there is no name."""
        return f"{self.name} <{self.address}>" if self.name else self.address


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """An attachment (or an inline part) of a letter: its position among the leaf parts, name, size."""

    index: int
    name: str
    mime: str
    size: int
    inline: bool = False
    content_id: str | None = None


@dataclass(frozen=True, slots=True)
class DecodedLetter:
    """Everything the Mail workspace and intake need of one letter, decoded."""

    external_id: str
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    from_: AddressDTO | None
    to: tuple[AddressDTO, ...]
    cc: tuple[AddressDTO, ...]
    reply_to: AddressDTO | None
    date: datetime
    date_from_header: bool
    text: str
    html: str | None
    attachments: tuple[AttachmentInfo, ...]
    auto: AutoKind | None
    size: int
    problems: tuple[str, ...] = ()

    @property
    def thread_key(self) -> str:
        """The root of the letter's thread: the first of References, else In-Reply-To, else itself."""
        if self.references:
            return self.references[0]
        if self.in_reply_to:
            return self.in_reply_to
        return self.message_id or self.external_id

    @property
    def snippet(self) -> str:
        """The first words of the text on one line, for lists and a lead's first lines."""
        return _WHITESPACE.sub(" ", self.text).strip()[:SNIPPET_LENGTH]


# ----------------------------------------------------------------------------------- charsets


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip('"').lower()
    name = _CHARSET_ALIASES.get(name, name)
    if not name:
        return None
    try:
        import codecs

        return codecs.lookup(name).name
    except LookupError:
        return None


def _plausibility(text: str) -> float:
    """How much a decoded text looks like real (Russian) text: 0 bad … 1 good; 1 without Cyrillic."""
    if "\ufffd" in text:
        return 0.0
    cyrillic = _CYRILLIC.findall(text)
    if len(cyrillic) < 3:
        # Almost no Cyrillic: nothing to judge by, except C1 control characters of a wrong 8-bit codec.
        controls = sum(1 for ch in text if "\x80" <= ch <= "\x9f")
        return 0.5 if controls else 1.0
    lower = len(_CYRILLIC_LOWER.findall(text)) / len(cyrillic)
    common = sum(1 for ch in cyrillic if ch.lower() in _COMMON_RUSSIAN) / len(cyrillic)
    return 0.6 * lower + 0.4 * min(common / 0.5, 1.0)


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """Bytes of unknown or doubtful charset → (text, a problem sentence or None); never raises.

    Tries the declared charset, then utf-8, cp1251 and koi8-r; a strict decode that also looks
    plausible wins at once, otherwise the most plausible strict decode, else utf-8 with
    replacement characters.
    """
    if not data:
        return "", None
    try:
        return data.decode("ascii"), None
    except UnicodeDecodeError:
        pass
    codec = _codec(declared)
    problem: str | None = None
    if declared and codec is None:
        problem = f"Unknown charset '{declared}'; the text was decoded by guessing."
    candidates: list[str] = []
    for name in ((codec,) if codec else ()) + _FALLBACK_CHARSETS:
        if name not in candidates:
            candidates.append(name)
    best: tuple[float, int, str, str] | None = None
    for position, name in enumerate(candidates):
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        score = _plausibility(text)
        # utf-8 that decodes strictly is almost never an accident; a declared charset is trusted
        # unless its text is implausible (cp1251 labelled koi8-r and the reverse).
        if name == "utf-8" or (name == codec and score >= 0.75):
            if name != codec and codec is not None:
                problem = problem or f"The text was labelled {declared} but is {name}."
            return text, problem
        if best is None or score > best[0]:
            best = (score, position, name, text)
    if best is not None:
        name = best[2]
        if codec is not None and name != codec:
            problem = problem or f"The text was labelled {declared} but looks like {name}."
        elif codec is None and not problem:
            problem = f"The text had no charset; decoded as {name}."
        return best[3], problem
    lost = "The text could not be decoded; some characters are lost."
    return data.decode("utf-8", "replace"), problem or lost


def _clean(text: str) -> str:
    """No NUL (PostgreSQL refuses it) and no lone surrogates (no codec can store them)."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


# ------------------------------------------------------------------------------------ headers


def _raw_to_bytes(text: str) -> bytes:
    # The parser keeps undecodable 8-bit header bytes as surrogate escapes; get them back.
    return text.encode("utf-8", "surrogateescape")


def decode_header_value(raw: str | None) -> str:
    """A header's text from its raw form: RFC 2047 encoded-words in any (even unknown or lying)
    charset, raw 8-bit in whatever charset it is; folded lines joined."""
    if not raw:
        return ""
    raw = re.sub(r"\r?\n[ \t]*", " ", str(raw))
    try:
        chunks = decode_header(raw)
    except Exception:
        chunks = [(raw, None)]
    parts: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            data = _raw_to_bytes(chunk)
            parts.append(decode_bytes(data)[0] if any(b > 127 for b in data) else chunk)
        else:
            parts.append(decode_bytes(chunk, charset)[0])
    return _clean("".join(parts)).strip()


def _raw_header(message: Message, name: str) -> str | None:
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return None


def _raw_headers(message: Message, name: str) -> list[str]:
    return [str(value) for key, value in message.raw_items() if key.lower() == name.lower()]


def _addresses(raws: list[str]) -> tuple[AddressDTO, ...]:
    found: list[AddressDTO] = []
    try:
        pairs = getaddresses([re.sub(r"\r?\n[ \t]*", " ", raw) for raw in raws])
    except Exception:
        return ()
    for name, address in pairs:
        address = decode_header_value(address).strip().strip("<>")
        if not address or "@" not in address:
            continue
        found.append(AddressDTO(decode_header_value(name)[:_NAME_LIMIT], address[:_ADDRESS_LIMIT]))
    return tuple(found)


def _message_ids(raw: str | None) -> list[str]:
    if not raw:
        return []
    return [value[:_ID_LIMIT] for value in _MESSAGE_ID.findall(_clean(raw))]


def _date(raw: str | None, internal_date: datetime | None) -> tuple[datetime, bool]:
    fallback = internal_date or datetime.now(UTC)
    if fallback.tzinfo is None:
        fallback = fallback.replace(tzinfo=UTC)
    if raw:
        try:
            parsed = parsedate_to_datetime(_clean(raw).strip())
        except (TypeError, ValueError, IndexError, OverflowError):
            parsed = None
        if parsed is not None:
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            # A clock years off or in the future is a broken sender, not a fact.
            if datetime(1990, 1, 1, tzinfo=UTC) <= parsed <= datetime.now(UTC) + timedelta(days=1):
                return parsed.astimezone(UTC), True
    return fallback.astimezone(UTC), False


def _auto_kind(message: Message, sender: AddressDTO | None) -> AutoKind | None:
    content_type = message.get_content_type()
    report = str(message.get_param("report-type", "") or "").lower()
    if content_type == "multipart/report" and report in ("delivery-status", "disposition-notification"):
        return AutoKind.BOUNCE
    if sender is not None:
        local = sender.address.split("@", 1)[0].lower()
        if local in ("mailer-daemon", "postmaster"):
            return AutoKind.BOUNCE
    if _raw_header(message, "X-Failed-Recipients") is not None:
        return AutoKind.BOUNCE
    auto_submitted = (_raw_header(message, "Auto-Submitted") or "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return AutoKind.AUTO_REPLY
    if _raw_header(message, "X-Autoreply") is not None or _raw_header(message, "X-Autorespond") is not None:
        return AutoKind.AUTO_REPLY
    precedence = (_raw_header(message, "Precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "auto_reply", "list"):
        return AutoKind.AUTO_REPLY
    return None


# ------------------------------------------------------------------------------------- parts


def _leaves(message: Message) -> Iterator[Message]:
    """The leaf parts in order; a nested message/rfc822 is one leaf (an attachment), not walked."""
    if message.get_content_maintype() == "multipart":
        payload = message.get_payload()
        if isinstance(payload, list):
            for part in payload:
                if isinstance(part, Message):
                    yield from _leaves(part)
            return
    yield message


def _param(part: Message, name: str, header: str) -> str | None:
    try:
        value = part.get_param(name, None, header)
    except Exception:
        return None
    if value is None:
        return None
    if isinstance(value, tuple):
        # RFC 2231: (charset, language, text whose characters are the bytes).
        charset, _language, text = value
        data = bytes(str(text), "raw-unicode-escape")
        return _clean(decode_bytes(data, charset or None)[0])
    return decode_header_value(str(value))


def _filename(part: Message) -> str | None:
    name = _param(part, "filename", "content-disposition") or _param(part, "name", "content-type")
    if name:
        # No path separators: the name becomes a file name when saved.
        name = name.replace("/", "_").replace("\\", "_").strip()
    return name or None


def _encoded_size(part: Message) -> int:
    payload = part.get_payload()
    if not isinstance(payload, str):
        return 0
    encoding = str(part.get("content-transfer-encoding", "") or "").strip().lower()
    if encoding == "base64":
        # Exact decoded size from the encoded text, without decoding megabytes of it.
        data = payload.encode("ascii", "ignore").translate(None, _NOT_BASE64)
        return len(data) * 3 // 4
    if encoding == "quoted-printable":
        body = part.get_payload(decode=True)
        return len(body) if isinstance(body, bytes) else len(payload)
    return len(_raw_to_bytes(payload))


def _part_bytes(part: Message) -> bytes:
    try:
        body = part.get_payload(decode=True)
    except Exception:
        body = None
    if isinstance(body, bytes):
        return body
    payload = part.get_payload()
    return _raw_to_bytes(payload) if isinstance(payload, str) else b""


def _part_text(part: Message) -> tuple[str, str | None]:
    charset = part.get_param("charset")
    declared = charset if isinstance(charset, str) else None
    text, problem = decode_bytes(_part_bytes(part), declared)
    return _clean(text), problem


def _nested_name(part: Message) -> str:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    subject = decode_header_value(_raw_header(inner, "Subject")) if isinstance(inner, Message) else ""
    return f"{(subject or 'message')[:100]}.eml"


def attachment_content(raw: bytes, index: int) -> tuple[str, bytes]:
    """One part of a stored letter by its index (as in :class:`AttachmentInfo`): (file name, bytes)."""
    message = BytesParser(policy=_POLICY).parsebytes(raw)
    for position, part in enumerate(_leaves(message)):
        if position != index:
            continue
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            data = inner.as_bytes(policy=policy.SMTP) if isinstance(inner, Message) else b""
            return _filename(part) or _nested_name(part), data
        return _filename(part) or f"part-{index}", _part_bytes(part)
    raise KeyError(f"The letter has no part {index}.")


# ------------------------------------------------------------------------------------ letters


def parse_letter(raw: bytes, internal_date: datetime | None = None) -> DecodedLetter:
    """Decode one raw letter; never raises (problems are listed on the result)."""
    problems: list[str] = []
    try:
        message: Message = BytesParser(policy=_POLICY).parsebytes(raw)
    except Exception as error:
        problems.append(f"The letter could not be parsed ({error}).")
        message = EmailMessage()
    for defect in getattr(message, "defects", [])[:5]:
        problems.append(f"MIME: {type(defect).__name__}.")

    message_ids = _message_ids(_raw_header(message, "Message-ID"))
    message_id = message_ids[0] if message_ids else None
    external_id = message_id or "sha256:" + hashlib.sha256(raw).hexdigest()
    in_reply = _message_ids(_raw_header(message, "In-Reply-To"))
    references = tuple(_message_ids(" ".join(_raw_headers(message, "References"))))
    senders = _addresses(_raw_headers(message, "From"))
    sender = senders[0] if senders else None
    reply_to = _addresses(_raw_headers(message, "Reply-To"))
    date, from_header = _date(_raw_header(message, "Date"), internal_date)
    if not from_header:
        problems.append("No valid Date header; the arrival time is used.")

    text_parts: list[str] = []
    html_parts: list[str] = []
    attachments: list[AttachmentInfo] = []
    for index, part in enumerate(_leaves(message)):
        try:
            content_type = part.get_content_type()
            disposition = part.get_content_disposition()
            name = _filename(part)
            if content_type == "message/rfc822":
                attachments.append(
                    AttachmentInfo(index, name or _nested_name(part), content_type, len(part.as_bytes()))
                )
                continue
            is_text = part.get_content_maintype() in ("text", "multipart") or content_type in (
                "message/delivery-status",
            )
            if is_text and disposition != "attachment" and not name:
                text, problem = _part_text(part)
                if problem:
                    problems.append(problem)
                if content_type == "text/html":
                    html_parts.append(text)
                else:
                    text_parts.append(text)
                continue
            content_id = str(part.get("content-id", "") or "").strip() or None
            attachments.append(
                AttachmentInfo(
                    index=index,
                    name=name or f"part-{index}",
                    mime=content_type,
                    size=_encoded_size(part),
                    inline=disposition == "inline" or (disposition is None and content_id is not None),
                    content_id=content_id,
                )
            )
        except Exception as error:
            problems.append(f"Part {index} could not be decoded ({type(error).__name__}).")

    text = "\n\n".join(part for part in text_parts if part.strip())
    html = "\n".join(html_parts) if html_parts else None
    if not text and html:
        text = _html_to_text(html)
    return DecodedLetter(
        external_id=external_id,
        message_id=message_id,
        in_reply_to=in_reply[0] if in_reply else None,
        references=references,
        subject=decode_header_value(_raw_header(message, "Subject")),
        from_=sender,
        to=_addresses(_raw_headers(message, "To")),
        cc=_addresses(_raw_headers(message, "Cc")),
        reply_to=reply_to[0] if reply_to else None,
        date=date,
        date_from_header=from_header,
        text=text,
        html=html,
        attachments=tuple(attachments),
        auto=_auto_kind(message, sender),
        size=len(raw),
        problems=tuple(problems),
    )


_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<\s*(br|/p|/div|/tr|/li|/h\d)\b[^>]*>", re.IGNORECASE)


def _html_to_text(html: str) -> str:
    """A readable plain text of an HTML-only letter (for the snippet and the lead's message)."""
    import html as html_module

    text = _BREAK.sub("\n", html)
    text = _TAG.sub("", text)
    text = html_module.unescape(text)
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)
