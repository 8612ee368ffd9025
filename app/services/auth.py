"""Passwords and sign-in: a standard KDF from the standard library (scrypt), nothing home-made.

A stored hash reads ``scrypt$n$r$p$salt_b64$hash_b64``: the parameters travel with the hash, so
they can be raised later without invalidating existing passwords.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import PermissionDenied
from app.persistence.models import User
from app.services.permissions import Actor, load_actor

SCHEME = "scrypt"
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
# scrypt needs about 128 * n * r bytes; leave room above OpenSSL's 32 MiB default limit.
_MAXMEM = 64 * 1024 * 1024

WRONG_CREDENTIALS = "Wrong login or password."


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=length)


def hash_password(password: str) -> str:
    """The storable hash of a password, with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES)
    return "$".join(
        (
            SCHEME,
            str(SCRYPT_N),
            str(SCRYPT_R),
            str(SCRYPT_P),
            base64.b64encode(salt).decode("ascii"),
            base64.b64encode(digest).decode("ascii"),
        )
    )


def verify_password(password: str, stored: str | None) -> bool:
    """Whether the password matches the stored hash; a malformed or missing hash never matches."""
    if not stored:
        return False
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt = base64.b64decode(parts[4], validate=True)
        expected = base64.b64decode(parts[5], validate=True)
    except ValueError:
        return False
    if n < 2 or n & (n - 1) or r < 1 or p < 1 or not expected:
        return False
    try:
        digest = _scrypt(password, salt, n, r, p, len(expected))
    except ValueError:
        return False
    return hmac.compare_digest(digest, expected)


# A hash to check against when the login does not exist, so that an unknown login costs the
# same time as a wrong password and does not reveal which logins exist.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


def authenticate(session: Session, login: str, password: str) -> Actor:
    """The actor of an active user whose password matches; otherwise :class:`PermissionDenied`."""
    user = session.scalars(select(User).where(User.login == login.strip())).one_or_none()
    if user is None or not user.active or not user.password_hash:
        verify_password(password, _dummy_hash())
        raise PermissionDenied(WRONG_CREDENTIALS)
    if not verify_password(password, user.password_hash):
        raise PermissionDenied(WRONG_CREDENTIALS)
    return load_actor(session, user.id)
