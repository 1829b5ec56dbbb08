"""Admission: who may connect, with which credentials, how often — and the audit of it all.

`admit` runs the checks of a new connection in order: IP rules, connection-attempt rate per
IP, Origin, credentials (a JWT in `auth.token`, or guest access when the server allows it),
then connection counts per IP and per user. The MarketPulse app's own addresses
(`app_addresses`: it connects once per browser tab, for many users) skip the attempt rate and
have `max_connections_per_app_address` for their count; the per-user limit holds for all.
Each refusal raises a `RequestError` with its code, is counted in metrics and recorded in the
audit log (never with the token).
"""

from __future__ import annotations

from typing import Any

from realtime_server.config import Settings
from realtime_server.metrics import FeedMetrics
from realtime_server.peer import Peer
from realtime_server.protocol import ErrorCode, RequestError
from realtime_server.security import (
    AuditEvent,
    AuditLog,
    Claims,
    ConnectionCounter,
    IpRules,
    KeyedBuckets,
    OriginPolicy,
    ScopeSet,
    TokenBucket,
    TokenVerifier,
    load_policy,
)

MAX_TRACKED_IPS = 100_000


def build_verifier(settings: Settings) -> TokenVerifier | None:
    """The token verifier the settings describe, or None when no key is configured."""
    public_key: Any = settings.jwt_public_key_file
    if settings.jwt_public_key is not None:
        public_key = settings.jwt_public_key.get_secret_value()
    secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
    if public_key is None and secret is None:
        return None
    policy = load_policy(
        settings.jwt_algorithm,
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
        public_key=public_key if settings.jwt_algorithm != "HS256" else None,
        hs_secret=secret if settings.jwt_algorithm == "HS256" else None,
        leeway_s=settings.jwt_leeway_s,
    )
    return TokenVerifier(policy)


class Guard:
    """Admits connections, verifies and refreshes tokens, and releases what a peer held."""

    def __init__(
        self,
        settings: Settings,
        verifier: TokenVerifier | None,
        audit: AuditLog,
        metrics: FeedMetrics,
    ) -> None:
        self.settings = settings
        self.verifier = verifier
        self.audit = audit
        self.metrics = metrics
        self.ip_rules = IpRules(settings.ip_allow, settings.ip_deny)
        self.origins = OriginPolicy(settings.allowed_origins)
        self.attempts = KeyedBuckets(
            settings.connect_rate_per_ip, settings.connect_burst_per_ip, max_keys=MAX_TRACKED_IPS
        )
        self.counter = ConnectionCounter(
            settings.max_connections_per_ip, settings.max_connections_per_user
        )
        self.guest_scopes = ScopeSet(settings.guest_channels)
        self.app_addresses = IpRules(settings.app_addresses) if settings.app_addresses else None

    def admit(self, sid: str, ip: str, origin: str | None, auth: object) -> Peer:
        """A peer for a new connection, or a `RequestError` saying why not."""
        try:
            if not self.ip_rules.permits(ip):
                raise RequestError(ErrorCode.FORBIDDEN, "connections from this address are denied")
            if not self.from_app(ip) and not self.attempts.try_take(ip):
                raise RequestError(
                    ErrorCode.RATE_LIMITED, "too many connection attempts; slow down"
                )
            if not self.origins.permits(origin):
                raise RequestError(ErrorCode.FORBIDDEN, "origin not allowed")
            claims = self._credentials(auth)
            user = claims.sub if claims else None
            code = self._acquire(ip, user)
            if code is not None:
                raise RequestError(code, "too many connections from this address or user")
        except RequestError as exc:
            self.metrics.refusals.labels(exc.code.value).inc()
            event = AuditEvent.AUTH_FAILURE if _is_auth(exc.code) else AuditEvent.REFUSE
            self.audit.record(event, sid=sid, ip=ip, origin=origin, code=exc.code.value)
            raise
        peer = Peer(
            sid=sid,
            ip=ip,
            user=user,
            scopes=ScopeSet(claims.scopes, sub=claims.sub) if claims else self.guest_scopes,
            expires_at=float(claims.exp) if claims else None,
            bucket=TokenBucket(self.settings.message_rate, self.settings.message_burst),
        )
        self.metrics.connects.inc()
        self.audit.record(AuditEvent.CONNECT, sid=sid, ip=ip, user=user, kind=peer.kind)
        return peer

    def refresh(self, peer: Peer, token: str) -> Claims:
        """Swap a peer's token for a newer one of the same user."""
        try:
            if self.verifier is None:
                raise RequestError(ErrorCode.UNAUTHORIZED, "this server accepts no tokens")
            claims = self.verifier.verify(token)
            if peer.user is not None and claims.sub != peer.user:
                raise RequestError(ErrorCode.FORBIDDEN, "a refresh token must be for the same user")
            if peer.user is None:  # a guest signing in: count the connection against the user
                self.counter.release(peer.ip, None)
                code = self._acquire(peer.ip, claims.sub)
                if code is not None:
                    self._acquire(peer.ip, None)
                    raise RequestError(code, "too many connections for this user")
        except RequestError as exc:
            event = AuditEvent.AUTH_FAILURE if _is_auth(exc.code) else AuditEvent.REFUSE
            self.audit.record(event, sid=peer.sid, ip=peer.ip, code=exc.code.value)
            raise
        peer.user = claims.sub
        peer.scopes = ScopeSet(claims.scopes, sub=claims.sub)
        peer.expires_at = float(claims.exp)
        self.audit.record(AuditEvent.TOKEN_REFRESH, sid=peer.sid, user=claims.sub)
        return claims

    def bearer_scopes(self, authorization: str | None) -> ScopeSet:
        """Scopes for an HTTP request's `Authorization: Bearer` header (or guest scopes)."""
        token = None
        if authorization and authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        claims = self._credentials({"token": token} if token else None)
        return ScopeSet(claims.scopes, sub=claims.sub) if claims else self.guest_scopes

    def release(self, peer: Peer) -> None:
        peer.cancel_expiry()
        self.counter.release(peer.ip, peer.user)
        self.audit.record(AuditEvent.DISCONNECT, sid=peer.sid, user=peer.user)

    def from_app(self, ip: str) -> bool:
        """Whether `ip` is one of the app's own addresses (`app_addresses`)."""
        return self.app_addresses is not None and self.app_addresses.permits(ip)

    def _acquire(self, ip: str, user: str | None) -> ErrorCode | None:
        app_limit = self.settings.max_connections_per_app_address
        return self.counter.try_acquire(ip, user, ip_limit=app_limit if self.from_app(ip) else None)

    def _credentials(self, auth: object) -> Claims | None:
        token = auth.get("token") if isinstance(auth, dict) else None
        if token is None:
            if self.settings.require_auth:
                raise RequestError(ErrorCode.UNAUTHORIZED, "a token is required")
            return None
        if not isinstance(token, str) or not token:
            raise RequestError(ErrorCode.UNAUTHORIZED, "auth.token must be a non-empty string")
        if self.verifier is None:
            raise RequestError(ErrorCode.UNAUTHORIZED, "this server accepts no tokens")
        return self.verifier.verify(token)


def _is_auth(code: ErrorCode) -> bool:
    return code in (ErrorCode.UNAUTHORIZED, ErrorCode.TOKEN_EXPIRED)
