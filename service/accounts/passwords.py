"""Passwords: Argon2id hashes (argon2-cffi), a minimum strength, and generated one-time passwords."""

from __future__ import annotations

import functools
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from service.core.errors import InvalidInput

# argon2-cffi's defaults are Argon2id with RFC 9106's low-memory profile (64 MiB, 3 passes, 4 lanes).
_HASHER = PasswordHasher()


@functools.cache
def _dummy() -> str:
    """A hash to verify against when the user does not exist, so both cases take the same time (made on first
    use: an Argon2 hash costs 64 MiB and tens of milliseconds, which no start-up should pay)."""
    return _HASHER.hash("not-a-real-password")

COMMON = frozenset(
    {"password", "12345678", "123456789", "1234567890", "qwertyuiop", "11111111", "88888888", "abc12345",
     "password1", "iloveyou", "admin123", "admin1234", "1qaz2wsx", "qwer1234", "a1234567", "woaini1314"}
)  # fmt: skip


def hash_password(password: str) -> str:
    """The Argon2id hash of a password."""
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether the password matches the stored hash (constant work when there is none)."""
    try:
        return _HASHER.verify(stored or _dummy(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(stored)


def check_strength(password: str, min_length: int, username: str = "") -> None:
    """Refuse a weak password with a message saying what a good one looks like."""
    classes = sum(
        any(c in group for c in password)
        for group in (string.ascii_lowercase, string.ascii_uppercase, string.digits)
    ) + any(not c.isalnum() for c in password)
    problems = []
    if len(password) < min_length:
        problems.append(f"至少 {min_length} 个字符")
    if classes < 3 and len(password) < 16:
        problems.append("包含大写字母、小写字母、数字、符号中的至少三类（或至少 16 个字符）")
    if password.lower() in COMMON or (username and username.lower() in password.lower()):
        problems.append("不能是常见密码，也不能包含用户名")
    if "\x00" in password:
        problems.append("不能包含空字符")
    if problems:
        raise InvalidInput(
            "密码强度不足：" + "；".join(problems) + "。",
            f"The password is too weak (at least {min_length} characters, three character classes, "
            "not common, not containing the username).",
        )


def generate_password(length: int = 16) -> str:
    """A random password that meets the strength rule (for first and reset passwords)."""
    alphabet = string.ascii_letters + string.digits + "-_.@#%"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.islower() for c in candidate) and any(c.isupper() for c in candidate)
                and any(c.isdigit() for c in candidate)):  # fmt: skip
            return candidate
