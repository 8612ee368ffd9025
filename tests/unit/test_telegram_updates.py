"""Reading Bot API updates into the Dialogs service's inbound messages (no network, no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.connectors.telegram import parse_update


def update(**message: Any) -> dict[str, Any]:
    """A private-chat update from user 77 with the given message fields."""
    base: dict[str, Any] = {
        "message_id": 5,
        "date": 1_763_900_000,
        "chat": {"id": 77, "type": "private"},
        "from": {"id": 77, "is_bot": False, "first_name": "Мария", "last_name": "Котова", "username": "mk"},
    }
    return {"update_id": 900, "message": {**base, **message}}


def test_a_text_message() -> None:
    parsed = parse_update(update(text="Добрый день"))
    assert parsed is not None
    assert (parsed.external_id, parsed.chat_id, parsed.user_key, parsed.message_id) == (
        "900",
        "77",
        "telegram:77",
        "5",
    )
    assert (parsed.display_name, parsed.username, parsed.text) == ("Мария Котова", "mk", "Добрый день")
    assert parsed.sent_at == datetime.fromtimestamp(1_763_900_000, UTC)
    assert parsed.shared_phone is None and parsed.attachments == ()


def test_the_users_own_contact_is_a_shared_phone_and_another_card_is_not() -> None:
    own = parse_update(update(contact={"phone_number": "+79161234567", "first_name": "Мария", "user_id": 77}))
    assert own is not None and own.shared_phone == "+79161234567" and own.text == "+79161234567"
    other = parse_update(
        update(
            contact={"phone_number": "+79035550000", "first_name": "Пётр", "last_name": "Ильин", "user_id": 8}
        )
    )
    assert other is not None and other.shared_phone is None
    assert other.text == "Пётр Ильин: +79035550000"
    unknown = parse_update(update(contact={"phone_number": "+79035550001", "first_name": "Без Telegram"}))
    assert unknown is not None and unknown.shared_phone is None


def test_media_become_attachments_with_the_largest_photo() -> None:
    parsed = parse_update(
        update(
            caption="Смотрите",
            photo=[
                {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 100},
                {"file_id": "large", "file_unique_id": "l", "width": 900, "height": 900, "file_size": 9000},
            ],
            voice={
                "file_id": "v1",
                "file_unique_id": "v",
                "duration": 3,
                "mime_type": "audio/ogg",
                "file_size": 77,
            },
        )
    )
    assert parsed is not None and parsed.text == "Смотрите"
    photo, voice = parsed.attachments
    assert (photo.kind, photo.file_id, photo.size, photo.mime) == ("photo", "large", 9000, "image/jpeg")
    assert (voice.kind, voice.file_id, voice.name, voice.size) == ("voice", "v1", None, 77)


def test_updates_that_are_no_private_message_are_skipped() -> None:
    assert parse_update({"update_id": 1, "edited_message": {"text": "x"}}) is None
    group = update(text="всем привет")
    group["message"]["chat"] = {"id": -100, "type": "group", "title": "Группа"}
    assert parse_update(group) is None
