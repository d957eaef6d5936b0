"""Password hashing: Argon2id (argon2-cffi), with transparent upgrade of older hashes.

New hashes use argon2-cffi's default parameters, RFC 9106's second recommended ("low-memory") profile:
Argon2id, t=3, m=64 MiB, p=4. The parameters travel inside the PHC string
(`$argon2id$v=19$m=65536,t=3,p=4$...`), so they can be raised later: `needs_rehash` says when a stored
hash is older or weaker, and login re-hashes it (``ticketing.api.auth.login``). Hashes from before
(`scrypt$<n>$<r>$<p>$<salt>$<hash>`, hashlib.scrypt) still verify and are upgraded on the next login.

Each hash costs 64 MiB and ~0.1 s of CPU: at most `MAX_CONCURRENT_HASHES` run at once, so a burst of
logins queues instead of exhausting memory. Importable without aiohttp (seed scripts use it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MAX_PASSWORD_LENGTH = 1024
MAX_CONCURRENT_HASHES = 4

_HASHER = PasswordHasher()  # RFC 9106 low-memory profile (argon2-cffi's default)
_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT_HASHES)


def hash_password(password: str) -> str:
    if not password or len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError("password must be 1..1024 characters")
    with _SLOTS:
        return _HASHER.hash(password)


def verify_password(password: str, stored: str | None) -> bool:
    """Constant-time check; False for malformed or empty stored hashes (never raises)."""
    if not stored or not password or len(password) > MAX_PASSWORD_LENGTH:
        return False
    if stored.startswith("scrypt$"):
        return _verify_legacy_scrypt(password, stored)
    try:
        with _SLOTS:
            return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when `stored` is not an Argon2id hash with the current parameters."""
    if not stored.startswith("$argon2id$"):
        return True
    try:
        return _HASHER.check_needs_rehash(stored)
    except (InvalidHashError, ValueError):
        return True


# A hash to verify against when there is no real one (unknown or password-less account), so that every
# login attempt costs the same time: the answer's timing tells nothing about which accounts exist.
_DUMMY_HASH: str | None = None
_DUMMY_LOCK = threading.Lock()


def dummy_hash() -> str:
    global _DUMMY_HASH
    with _DUMMY_LOCK:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
        return _DUMMY_HASH


def _verify_legacy_scrypt(password: str, stored: str) -> bool:
    try:
        _scheme, n, r, p, salt_b64, key_b64 = stored.split("$")
        expected = base64.b64decode(key_b64)
        with _SLOTS:
            actual = hashlib.scrypt(
                password.encode("utf-8"),
                salt=base64.b64decode(salt_b64),
                n=int(n),
                r=int(r),
                p=int(p),
                dklen=len(expected),
                maxmem=128 * int(r) * (int(n) + int(p) + 2) + 1024,
            )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(expected, actual)


def new_token(nbytes: int = 32) -> str:
    """A random bearer token (URL-safe) for sessions and API keys."""
    return secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    """What the database stores for a token: a leak of the table does not leak usable tokens."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
