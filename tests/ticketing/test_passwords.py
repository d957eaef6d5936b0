"""Staff passwords and tokens are stored as salted hashes and digests only."""

from __future__ import annotations

from ticketing.passwords import hash_password, needs_rehash, token_digest, verify_password


def test_passwords_are_salted_argon2id_hashes() -> None:
    first, second = hash_password("mật khẩu bí mật"), hash_password("mật khẩu bí mật")
    assert first.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and first != second
    assert verify_password("mật khẩu bí mật", first)
    assert not verify_password("mat khau bi mat", first)
    assert not verify_password("x", "not$a$valid$hash")
    assert not verify_password("x", None)
    assert not needs_rehash(first) and needs_rehash("scrypt$16384$8$1$c2FsdA==$aGFzaA==")
    assert token_digest("abc") == token_digest("abc") != token_digest("abd")
