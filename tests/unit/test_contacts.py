"""Contact normalization: every usual spelling of a phone meets in one E.164 form (DOMAIN §3)."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.domain.contacts import Contact, normalize_email, normalize_inn, normalize_phone

E164 = "+79161234567"


@pytest.mark.parametrize(
    "raw",
    [
        "8 (916) 123-45-67",
        "+7 916 123-45-67",
        "79161234567",
        "9161234567",
        "+7(916)1234567",
        "tel:+79161234567",
        "sip:+79161234567@pbx.example.com;user=phone",
        "  +7 916 123 45 67  ",
        "0079161234567",
    ],
)
def test_russian_spellings_meet(raw: str) -> None:
    assert normalize_phone(raw) == E164


@pytest.mark.parametrize("raw", [None, "", "   ", "abc", "call me", "12", "+", "--", "1234567890123456789"])
def test_garbage_is_not_a_phone(raw: str | None) -> None:
    assert normalize_phone(raw) is None


def test_foreign_number_with_plus_keeps_its_country() -> None:
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ivan@example.com", "ivan@example.com"),
        ("Ivan.Petrov@Example.COM", "ivan.petrov@example.com"),
        ("  ivan@example.com  ", "ivan@example.com"),
        ("Ivan Petrov <Ivan.Petrov@Example.COM>", "ivan.petrov@example.com"),
        ('"Petrov, Ivan" <ivan@example.com>', "ivan@example.com"),
        ("mailto:Ivan@Example.com", "ivan@example.com"),
        (None, None),
        ("", None),
        ("not an address", None),
        ("ivan@", None),
        ("ivan@localhost", None),
        ("a@b@example.com", None),
    ],
)
def test_normalize_email(raw: str | None, expected: str | None) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7707083893", "7707083893"),
        ("7707 083 893", "7707083893"),
        ("500100732259", "500100732259"),
        ("123", None),
        (None, None),
    ],
)
def test_normalize_inn(raw: str | None, expected: str | None) -> None:
    assert normalize_inn(raw) == expected


def test_contact_parse_normalizes_both() -> None:
    contact = Contact.parse(phone="8 916 123-45-67", email="Ivan <IVAN@example.com>")
    assert contact == Contact(raw="8 916 123-45-67", phone=E164, email="ivan@example.com")


# ---------------------------------------------------------------------------- properties

# A Russian mobile number without its country code: 9XX XXX XX XX.
national_mobile = st.text(alphabet="0123456789", min_size=9, max_size=9).map(lambda rest: "9" + rest)
prefixes = st.sampled_from(["8", "+7", "7", ""])
separators = st.lists(st.sampled_from([" ", "-", "(", ")", "  ", " - "]), max_size=3).map("".join)


@st.composite
def spelled(draw: st.DrawFn, national: str) -> str:
    """The national number after a usual prefix, with random separators between the digits."""
    prefix = draw(prefixes)
    digits = ([prefix] if prefix else []) + list(national)
    parts = [digits[0]]
    for digit in digits[1:]:
        parts.append(draw(separators))
        parts.append(digit)
    return draw(st.sampled_from(["", " "])) + "".join(parts) + draw(st.sampled_from(["", " "]))


@given(data=st.data(), national=national_mobile)
def test_every_spelling_of_a_mobile_number_meets(data: st.DataObject, national: str) -> None:
    expected = "+7" + national
    raw = data.draw(spelled(national), label="spelling")
    assert normalize_phone(raw) == expected


@given(st.one_of(st.text(max_size=30), st.text(alphabet="0123456789 +-()", max_size=20)))
@example("1234567")
@example("+12345678")
@example("0079161234567")
def test_normalization_is_idempotent(raw: str) -> None:
    once = normalize_phone(raw)
    if once is not None:
        assert once.startswith("+") and once[1:].isdigit()
        assert normalize_phone(once) == once


@given(st.emails())
def test_email_normalization_is_idempotent_and_lower_case(raw: str) -> None:
    once = normalize_email(raw)
    if once is not None:
        assert once == once.lower()
        assert normalize_email(once) == once
        assert normalize_email(f"Somebody <{raw}>") == once


@pytest.mark.parametrize("raw", ["0049 69", "00254 0089 66452"])
def test_international_00_prefix_is_idempotent(raw: str) -> None:
    once = normalize_phone(raw)
    assert once is None or normalize_phone(once) == once
