"""Accounts without Reflex: password hashing, username and password rules, feed tokens.

`passwords` hashes with scrypt into a self-describing string; `rules` says which usernames and
passwords are acceptable (with messages for the user); `feed_tokens` holds the Ed25519 signing
key (generating a development pair when none exists) and mints the feed server's JWTs.
"""
