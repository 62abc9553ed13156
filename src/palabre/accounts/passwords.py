"""Password hashing: argon2id with argon2-cffi's recommended parameters (RFC 9106, low memory).

One hash or verification costs about 0.25 s of CPU, as it should. A test suite makes thousands
of them, so `PALABRE_PASSWORD_PROFILE=cheapest` (tests/conftest.py sets it) selects
argon2-cffi's profile made for tests; any other value is refused, and the server warns when it
runs with it (docs/operations.md)."""

from __future__ import annotations

import functools
import logging
import os

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

log = logging.getLogger(__name__)

PROFILE_VARIABLE = "PALABRE_PASSWORD_PROFILE"


def hasher_for(profile: str) -> PasswordHasher:
    """The hasher for a `PALABRE_PASSWORD_PROFILE` value ("" in production)."""
    if profile == "cheapest":
        log.warning("%s=cheapest: passwords are hashed for a test suite, not to resist guessing",
                    PROFILE_VARIABLE)  # fmt: skip
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    if profile:
        raise ValueError(f"{PROFILE_VARIABLE} is 'cheapest' (tests) or unset, not {profile!r}")
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)  # t=3, m=64 MiB, p=4


@functools.cache
def _hasher() -> PasswordHasher:
    return hasher_for(os.environ.get(PROFILE_VARIABLE, ""))


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user is unknown, so that the answer takes as long either way."""
    return _hasher().hash("palabre: no such user")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if the password matches; always spends one argon2 verification."""
    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
