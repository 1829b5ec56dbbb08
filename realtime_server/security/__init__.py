"""The feed's guard: who may connect, what they may read, how often, and the audit trail.

    tokens   JWT verification (`TokenPolicy`, `TokenVerifier`, `Claims`, `load_policy`)
    scopes   scope patterns against channel names (`ScopeSet`, `GUEST_SCOPES`)
    limits   token buckets, connection counts, IP rules, Origin checks
    audit    security events, redacted, written as JSON lines off the event loop
    keys     development key pairs and token minting; `cli` exposes them as commands

Pure Python: nothing here imports socketio; the transport calls into these objects.
"""

from realtime_server.security.audit import AuditEvent, AuditLog, redact
from realtime_server.security.limits import (
    ConnectionCounter,
    IpRules,
    KeyedBuckets,
    OriginPolicy,
    TokenBucket,
)
from realtime_server.security.scopes import GUEST_SCOPES, ScopeSet
from realtime_server.security.tokens import Claims, TokenPolicy, TokenVerifier, load_policy

__all__ = [
    "GUEST_SCOPES",
    "AuditEvent",
    "AuditLog",
    "Claims",
    "ConnectionCounter",
    "IpRules",
    "KeyedBuckets",
    "OriginPolicy",
    "ScopeSet",
    "TokenBucket",
    "TokenPolicy",
    "TokenVerifier",
    "load_policy",
    "redact",
]
