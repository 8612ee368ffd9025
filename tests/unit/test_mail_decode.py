"""The letter decoder (app/mail_decode.py) on the corpus of malformed and oddly encoded letters."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.mail_decode import AutoKind, attachment_content, decode_bytes, decode_header_value, parse_letter

CORPUS = Path(__file__).resolve().parents[1] / "mail_corpus"
BODY = "Здравствуйте! Хотим заказать доставку оборудования в Москву"

# file → (subject, a piece of the text)
EXPECTED = {
    "koi8r.eml": ("Заявка на поставку", BODY),
    "cp1251_labelled_utf8.eml": ("Вопрос по счёту", BODY),
    "unlabelled_8bit.eml": ("Прайс-лист", BODY),
    "encoded_words_only.eml": ("Коммерческое предложение № 42", BODY),
    "rfc2231_names.eml": ("Документы", "Документы во вложении."),
    "broken_boundary.eml": ("Сломанное письмо", BODY),
    "missing_message_id.eml": ("Без идентификатора", BODY),
    "missing_date.eml": ("Без даты", BODY),
    "nested_rfc822.eml": ("Пересылаю запрос клиента", "Смотрите письмо ниже."),
    "bounce.eml": ("Undelivered Mail Returned to Sender", "could not deliver"),
    "auto_reply.eml": ("Автоответ: я в отпуске", "Я в отпуске до понедельника."),
    "html_only_bad_charset.eml": ("Письмо в HTML", BODY),
}


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def test_the_corpus_is_complete() -> None:
    assert {path.name for path in CORPUS.glob("*.eml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_corpus_letter_decodes_to_a_readable_subject_and_text(name: str) -> None:
    subject, text = EXPECTED[name]
    letter = parse_letter(corpus(name))
    assert letter.subject == subject
    assert text in letter.text
    assert "\ufffd" not in letter.subject + letter.text
    assert letter.from_ is not None and "@" in letter.from_.address


def test_cyrillic_sender_names_are_decoded() -> None:
    letter = parse_letter(corpus("koi8r.eml"))
    assert letter.from_ is not None
    assert letter.from_.name == "Пётр Иванов"
    assert letter.from_.address == "petr@koi8.example.ru"


def test_attachment_names_in_rfc2231_and_rfc2047_and_their_content() -> None:
    raw = corpus("rfc2231_names.eml")
    letter = parse_letter(raw)
    names = [(item.name, item.size) for item in letter.attachments]
    assert names == [("Счёт на оплату.pdf", 13), ("Договор поставки.docx", 12)]
    assert attachment_content(raw, letter.attachments[0].index) == ("Счёт на оплату.pdf", b"%PDF-1.4 fake")


def test_a_nested_letter_is_an_attachment_not_the_body() -> None:
    raw = corpus("nested_rfc822.eml")
    letter = parse_letter(raw)
    assert [item.name for item in letter.attachments] == ["Внутреннее письмо.eml"]
    assert "Текст внутреннего письма" not in letter.text
    name, data = attachment_content(raw, letter.attachments[0].index)
    assert name == "Внутреннее письмо.eml"
    assert parse_letter(data).subject == "Внутреннее письмо"


def test_missing_message_id_gives_a_stable_hash() -> None:
    raw = corpus("missing_message_id.eml")
    first, again = parse_letter(raw), parse_letter(raw)
    assert first.message_id is None
    assert first.external_id.startswith("sha256:") and first.external_id == again.external_id
    assert parse_letter(raw + b"\r\n").external_id != first.external_id


def test_missing_or_invalid_date_falls_back_to_the_arrival_time() -> None:
    arrived = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    letter = parse_letter(corpus("missing_date.eml"), arrived)
    assert letter.date == arrived and not letter.date_from_header
    dated = parse_letter(corpus("koi8r.eml"), arrived)
    assert dated.date == datetime(2026, 11, 23, 7, 0, tzinfo=UTC) and dated.date_from_header


def test_auto_replies_and_bounces_are_recognised_by_headers() -> None:
    assert parse_letter(corpus("auto_reply.eml")).auto is AutoKind.AUTO_REPLY
    assert parse_letter(corpus("bounce.eml")).auto is AutoKind.BOUNCE
    assert parse_letter(corpus("koi8r.eml")).auto is None
    for header in ("Precedence: bulk", "X-Autorespond: yes", "Auto-Submitted: auto-generated"):
        raw = f"From: a@b.ru\r\n{header}\r\nSubject: x\r\n\r\ntext\r\n".encode()
        assert parse_letter(raw).auto is AutoKind.AUTO_REPLY, header
    assert parse_letter(b"From: a@b.ru\r\nAuto-Submitted: no\r\n\r\nx").auto is None
    assert parse_letter(b"From: postmaster@b.ru\r\n\r\nx").auto is AutoKind.BOUNCE


def test_html_only_letter_keeps_html_and_gets_a_text() -> None:
    letter = parse_letter(corpus("html_only_bad_charset.eml"))
    assert letter.html is not None and "<p>" in letter.html
    assert BODY in letter.text and "alert" not in letter.text


def test_threading_keys() -> None:
    raw = (
        b"From: a@b.ru\r\nMessage-ID: <3@x>\r\nIn-Reply-To: <2@x>\r\n"
        b"References: <1@x>\r\n <2@x>\r\nSubject: Re: x\r\n\r\nbody"
    )
    letter = parse_letter(raw)
    assert (letter.message_id, letter.in_reply_to) == ("<3@x>", "<2@x>")
    assert letter.references == ("<1@x>", "<2@x>")
    assert letter.thread_key == "<1@x>"


def test_a_huge_attachment_keeps_its_size_without_being_in_the_text() -> None:
    payload = bytes(range(256)) * (8 * 1024 * 4)  # 8 MiB
    encoded = base64.encodebytes(payload)
    subject = base64.b64encode("Большой файл".encode())
    raw = (
        b"From: big@files.ru\r\nSubject: =?utf-8?B?" + subject + b"?=\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=Z\r\n\r\n--Z\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + "Смотрите файл.".encode() + b"\r\n"
        b"--Z\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Disposition: attachment; filename=big.bin\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n" + encoded + b"--Z--\r\n"
    )
    letter = parse_letter(raw)
    assert letter.subject == "Большой файл"
    assert [(item.name, item.size) for item in letter.attachments] == [("big.bin", len(payload))]
    assert len(letter.text) < 100
    assert attachment_content(raw, letter.attachments[0].index)[1] == payload


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("Привет, мир".encode("koi8-r"), "koi8-r", "Привет, мир"),
        ("Привет, мир".encode("cp1251"), "koi8-r", "Привет, мир"),  # lying label
        ("Привет, мир".encode("koi8-r"), None, "Привет, мир"),
        ("Привет, мир".encode("cp1251"), "windows-1251", "Привет, мир"),
        ("Привет, мир".encode(), "bogus-charset", "Привет, мир"),
    ],
)
def test_charset_fallbacks(data: bytes, declared: str | None, expected: str) -> None:
    assert decode_bytes(data, declared)[0] == expected


def test_headers_never_raise() -> None:
    assert decode_header_value("=?utf-8?B?broken") == "=?utf-8?B?broken"
    assert decode_header_value("=?nonsense?Q?=E0=E1?=") != ""
    letter = parse_letter(b"\x00\xff garbage without headers")
    assert isinstance(letter.subject, str)
