"""Normalization of contact info: phones to E.164, e-mails to lower case (DOMAIN §3)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

DEFAULT_REGION = "RU"

_EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_DIGITS_RE = re.compile(r"\d")
_INN_RE = re.compile(r"^\d{10}(\d{2})?$")
# 8 or 7 then ten digits, or ten digits, in the usual punctuation (no letters, no "+").
_RU_PLAIN = re.compile(r"^(?:[78][\s\-().]*)?(?:\d[\s\-().]*){10}$")


def normalize_phone(raw: str | None, region: str = DEFAULT_REGION) -> str | None:
    """Return the E.164 form of a phone written in any usual format, or None when it is not a phone.

    Russian numbers meet whatever their spelling: ``8 (916) 123-45-67``, ``+7 916 123-45-67``,
    ``79161234567`` and ``9161234567`` all give ``+79161234567``.
    """
    if not raw:
        return None
    text = raw.strip()
    if text.lower().startswith(("tel:", "sip:")):
        text = text.split(":", 1)[1].split("@", 1)[0].split(";", 1)[0]
    digits = "".join(_DIGITS_RE.findall(text))
    if len(digits) < 5 or len(digits) > 15:
        return None
    if region == "RU" and not text.startswith("+") and _RU_PLAIN.match(text):
        # The everyday Russian spellings (8/7 + ten digits, or ten digits starting with 3-9):
        # E.164 directly, without two passes of phonenumbers' parser (it is the hot path of intake).
        national = digits[1:] if len(digits) == 11 else digits
        if national[0] in "3489":
            return "+7" + national
    candidates: list[str] = [text]
    if not text.lstrip().startswith("+"):
        if text.lstrip().startswith("00"):
            candidates.insert(0, "+" + digits[2:])
        elif region == "RU" and len(digits) == 11 and digits[0] in "78":
            # Russian habit: 8 or 7 then ten digits, written without "+".
            candidates.insert(0, "+7" + digits[1:])
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            return _stable_e164(number)
    return None


def _stable_e164(number: phonenumbers.PhoneNumber) -> str | None:
    """E.164 that normalizes to itself (idempotent), or None.

    phonenumbers drops a national trunk "0" after some country codes each time it parses, so a
    first result can differ from a second; re-parse until the text stops changing.
    """
    e164: str = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    for _ in range(3):
        if len(e164) - 1 < 5:
            return None
        again = phonenumbers.parse(e164, None)
        if not phonenumbers.is_possible_number(again):
            return None
        text: str = phonenumbers.format_number(again, phonenumbers.PhoneNumberFormat.E164)
        if text == e164:
            return e164
        e164 = text
    return None


def normalize_email(raw: str | None) -> str | None:
    """Return the lower-case address, or None when the text is not an e-mail address."""
    if not raw:
        return None
    text = raw.strip()
    if "<" in text and ">" in text:
        text = text[text.index("<") + 1 : text.rindex(">")]
    text = text.strip().lower()
    if text.startswith("mailto:"):
        text = text[len("mailto:") :]
    return text if _EMAIL_RE.match(text) else None


def email_domain(email: str) -> str:
    """The domain part of a normalized e-mail address."""
    return email.rsplit("@", 1)[1]


def normalize_inn(raw: str | None) -> str | None:
    """Return a Russian INN (10 or 12 digits) or None."""
    if not raw:
        return None
    digits = "".join(_DIGITS_RE.findall(raw))
    return digits if _INN_RE.match(digits) else None


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact as it arrived and in the normalized forms used for matching."""

    raw: str | None
    phone: str | None
    email: str | None

    @classmethod
    def parse(
        cls, *, phone: str | None = None, email: str | None = None, region: str = DEFAULT_REGION
    ) -> Contact:
        """Normalize the phone and e-mail of an inquiry."""
        raw = phone or email
        return cls(raw=raw, phone=normalize_phone(phone, region), email=normalize_email(email))


def fold_name(text: str) -> str:
    """The searchable form of a name: lower case, "ё" read as "е" (Russians write both)."""
    return text.strip().lower().replace("ё", "е")
