"""Password hashing with hashlib.scrypt (memory-hard, standard library only).

Stored format: `scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>`; the parameters travel with the hash so
they can be raised later without invalidating stored passwords (`needs_rehash`). Importable
without aiohttp (seed scripts use it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
MAX_PASSWORD_LENGTH = 1024


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        dklen=KEY_BYTES,
        maxmem=128 * r * (n + p + 2) + 1024,
    )


def hash_password(password: str) -> str:
    if not password or len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError("password must be 1..1024 characters")
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Constant-time check; False for malformed or empty stored hashes (never raises)."""
    if not stored or not password or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        scheme, n, r, p, salt_b64, key_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key_b64)
        actual = _derive(password, base64.b64decode(salt_b64), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(expected, actual)


def needs_rehash(stored: str) -> bool:
    try:
        scheme, n, r, p, *_ = stored.split("$")
    except ValueError:
        return True
    return scheme != "scrypt" or (int(n), int(r), int(p)) != (SCRYPT_N, SCRYPT_R, SCRYPT_P)


def new_token(nbytes: int = 32) -> str:
    """A random bearer token (URL-safe) for sessions and API keys."""
    return secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """What the database stores for a token: a leak of the table does not leak usable tokens."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
