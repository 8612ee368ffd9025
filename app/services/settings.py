"""Company-wide settings stored with the data (not per workstation)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.contacts import DEFAULT_REGION
from app.persistence.models import Setting

PHONE_REGION = "phone_region"
COMPANY_NAME = "company_name"


def get_setting(session: Session, key: str, default: str | None = None) -> str | None:
    """The stored value of a company setting."""
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return default if value is None else value


def set_setting(session: Session, key: str, value: str) -> None:
    """Store a company setting."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


_REGION = select(Setting.value).where(Setting.key == PHONE_REGION)


def phone_region(session: Session) -> str:
    """The region used to read phones written without a country code (RU unless changed)."""
    value = session.connection().execute(_REGION).scalar()
    return value or DEFAULT_REGION
