"""Passwords are kept as argon2 hashes, never as themselves."""

from __future__ import annotations

from argon2 import PasswordHasher

from accounts import passwords


def test_the_hash_is_argon2id_and_not_the_password():
    hashed = passwords.hash_password("a-long-password-1")
    assert hashed.startswith("$argon2id$") and "a-long-password-1" not in hashed
    assert hashed != passwords.hash_password("a-long-password-1")  # salted


def test_verify_accepts_only_the_right_password():
    hashed = passwords.hash_password("a-long-password-1")
    assert passwords.verify(hashed, "a-long-password-1")
    assert not passwords.verify(hashed, "a-long-password-2")
    assert not passwords.verify(None, "a-long-password-1")  # no such account
    assert not passwords.verify("not a hash", "a-long-password-1")


def test_hashes_with_old_parameters_need_a_rehash():
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("a-long-password-1")
    assert passwords.verify(old, "a-long-password-1")
    assert passwords.needs_rehash(old)
    assert not passwords.needs_rehash(passwords.hash_password("a-long-password-1"))


def test_short_and_example_passwords_are_refused():
    assert passwords.weakness("short-11ch!")
    assert passwords.weakness(passwords.EXAMPLE_PASSWORD)
    assert passwords.weakness("twelve-chars") is None
    generated = passwords.generate()
    assert passwords.weakness(generated) is None and generated != passwords.generate()
