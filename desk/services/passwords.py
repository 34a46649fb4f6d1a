"""Password hashing with Argon2id and a plain strength check."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()  # Argon2id, library defaults (RFC 9106 low-memory profile)
_DUMMY_HASH = _HASHER.hash("saring-dummy-password-for-timing")
MIN_LENGTH = 10
_COMMON = {
    "password",
    "password1",
    "password123",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "admin12345",
    "administrator",
    "passw0rd123",
    "katasandi",
    "katasandi123",
    "indonesia",
    "indonesia123",
    "rahasia123",
    "bismillah",
    "bismillah123",
    "saring12345",
    "qwerty12345",
    "abcdefghij",
}


class WeakPasswordError(ValueError):
    """The password is empty or too easy to guess; the message says why, in Indonesian."""


def check_strength(password: str, username: str = "") -> None:
    """Refuse empty, short, common or username-based passwords."""
    if not password or not password.strip():
        raise WeakPasswordError("Kata sandi tidak boleh kosong.")
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(f"Kata sandi minimal {MIN_LENGTH} karakter.")
    lowered = password.lower()
    if lowered in _COMMON:
        raise WeakPasswordError("Kata sandi ini terlalu umum.")
    if username and username.lower() in lowered:
        raise WeakPasswordError("Kata sandi tidak boleh memuat nama pengguna.")
    if len(set(password)) < 5:
        raise WeakPasswordError("Kata sandi terlalu berulang; gunakan lebih banyak karakter berbeda.")


def configure_hasher(*, time_cost: int, memory_cost: int, parallelism: int) -> None:
    """Change Argon2 cost (tests use a cheap one; stored hashes keep their own parameters)."""
    global _HASHER, _DUMMY_HASH
    _HASHER = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    _DUMMY_HASH = _HASHER.hash("saring-dummy-password-for-timing")


def hash_password(password: str) -> str:
    """An Argon2id hash string (salt and parameters included)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; spends the same time when there is no account."""
    try:
        return _HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHER.check_needs_rehash(password_hash)
