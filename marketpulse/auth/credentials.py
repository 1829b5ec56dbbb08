"""`check_credentials`: one password check of an admitted attempt, and what follows from it.

The attempt was admitted by the login throttle before this runs (`LOGIN_GATE.admit`, counted
as a failure from then on), so concurrent guesses cannot outrun the count. Here the stored hash
is found and verified (in worker threads); an unknown username spends a verification's time
too. A right password takes the attempt back, and a hash made with outdated parameters (legacy
scrypt, other Argon2id costs) is replaced by a current one.
"""

from __future__ import annotations

from marketpulse.auth.passwords import hash_password_async, needs_rehash, verify_password_async
from marketpulse.auth.throttle import LoginAttempt
from marketpulse.db import users
from marketpulse.db.offload import run_db
from marketpulse.db.users import Account


async def check_credentials(attempt: LoginAttempt, username: str, password: str) -> Account | None:
    """The account whose password this is, or None; database errors propagate."""
    found = await run_db(users.find_credentials, username)
    account, stored = found if found is not None else (None, None)
    if account is None or not await verify_password_async(password, stored):
        return None
    attempt.succeeded()
    if stored is not None and needs_rehash(stored):
        await run_db(users.set_password_hash, account.id, await hash_password_async(password))
    return account
