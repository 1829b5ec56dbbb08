"""Accounts without Reflex: password hashing, username and password rules, feed tokens.

`passwords` hashes with Argon2id into a self-describing string (`legacy_scrypt` still verifies
the scrypt hashes stored before); `rules` says which usernames and passwords are acceptable
(with messages for the user); `feed_tokens` holds the Ed25519 signing key (generating a
development pair when none exists) and mints the feed server's JWTs.
"""
