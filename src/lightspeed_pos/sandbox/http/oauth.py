"""The sandbox's OAuth 2.0 server: ``/auth/oauth/{authorize,token,revoke,introspect}``
(docs/reference.md#oauth).

Authorization-code grant with optional PKCE (S256 or plain), auto-approved for the demo account;
codes live 60 seconds and are single-use: presenting a used code again revokes every token issued
from it. ``/authorize`` redirects only to a URI registered for the client (on the loopback hosts
over http any port matches, as RFC 8252 §7.3 asks; the default client registers
:data:`DEFAULT_REDIRECT_URIS`); a code issued for an explicit ``redirect_uri`` is exchanged only
with that same ``redirect_uri`` (league/oauth2-server's rule).
Access tokens look like RS256 JWTs (claims ``jti``,
``iss``, ``aud``, ``sub``, ``acct``, ``scope``, ``iat``, ``nbf``, ``exp``); refresh tokens look like
league/oauth2-server's ``def50200...``. A refresh grant rotates both tokens; the old refresh token
stays valid until an access token minted from it is first used (deferred revocation, 2026-01-15).
Errors are ``{"error", "error_description", "hint"}`` bodies with league's wording.
Tokens never appear in logs, reprs or error messages.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from ..engine.formatting import record_id
from .messages import ApiRequest, ApiResponse, AuthContext
from .oauth_wire import (
    API_ACCESS_DENIED,
    INVALID_REQUEST,
    OAuthError,
    invalid_client,
    invalid_grant,
    invalid_request,
    parse_form,
)

__all__ = ["API_ACCESS_DENIED", "DEFAULT_REDIRECT_URIS", "SCOPES", "OAuthServer", "TokenPair"]

DEFAULT_REDIRECT_URIS = (
    "https://localhost/callback",
    "http://127.0.0.1/callback",
    "http://localhost/callback",
)
"""What a sandbox client registers unless told otherwise: docs/reference.md#oauth-authorize's ``https://localhost``
for tests, and the loopback callbacks (any port) the CLI's browser login listens on."""
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})

ISSUER = "https://cloud.lightspeedapp.com"
CODE_LIFETIME = 60.0
USED_CODE_MEMORY = 24 * 3600.0
"""How long a used code is remembered, so that presenting it again revokes its tokens."""
REFRESH_LIFETIME = 30 * 24 * 3600.0
_SCOPE_NAMES = """
    all admin admin_employees admin_inventory admin_purchases admin_shops admin_void_sale categories
    customers customers_read customers_view_gift_card_numbers inventory inventory_counts
    inventory_counts_reconcile inventory_read manufacturers product_cost product_edit purchase_orders
    register register_layaway register_read register_refund reports special_orders tags transfers
    vendors vendor_returns workbench
"""
SCOPES = frozenset("employee:" + name for name in _SCOPE_NAMES.split())


@dataclass(frozen=True)
class TokenPair:
    """An access token and its refresh token, as the token endpoint issued them."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int


@dataclass
class _Code:
    client_id: str
    redirect_uri: str | None
    """The ``redirect_uri`` the authorization request named (``None``: the registered default)."""
    scope: str
    account_id: int
    expires_at: float
    challenge: str | None
    challenge_method: str


def redirect_matches(registered: str, given: str) -> bool:
    """Exact match, except that an http loopback URI matches on any port (RFC 8252 §7.3)."""
    if registered == given:
        return True
    try:
        want, got = urlsplit(registered), urlsplit(given)
        loopback = want.scheme == "http" and want.hostname in LOOPBACK_HOSTS and got.port is not None
    except ValueError:
        return False
    return loopback and (got.scheme, got.hostname, got.path, got.query, got.fragment) == (
        want.scheme,
        want.hostname,
        want.path,
        want.query,
        want.fragment,
    )


@dataclass
class _Grant:
    """A refresh token and what it authorizes."""

    client_id: str
    account_id: int
    scope: str
    expires_at: float
    public: bool
    """Issued through PKCE without a client secret: refreshing needs no secret either."""
    access_token: str
    """The access token issued with this refresh token."""
    origin: str = ""
    """The authorization code this grant descends from (through any number of refreshes)."""
    revoked: bool = False


@dataclass
class _Access:
    context: AuthContext
    expires_at: float
    claims: dict[str, object]
    replaces: str | None
    """The refresh token whose refresh minted this token: its first use revokes that one."""
    used: bool = False
    revoked: bool = False


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class OAuthServer:
    """Issues, rotates, revokes and verifies tokens; thread-safe."""

    def __init__(
        self,
        *,
        clients: dict[str, str],
        account_ids: list[int],
        token_lifetime: float = 3600.0,
        redirect_uris: dict[str, list[str]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clients = dict(clients)
        self.redirect_uris: dict[str, list[str]] = {
            client: list((redirect_uris or {}).get(client, DEFAULT_REDIRECT_URIS)) for client in self.clients
        }
        """Client id -> its registered redirect URIs (the first is used when a request names none)."""
        self.account_ids = list(account_ids)
        self.token_lifetime = token_lifetime
        self._clock = clock
        self._epoch = time.time() - clock()
        self._codes: dict[str, _Code] = {}
        self._used_codes: dict[str, _Code] = {}
        self._grants: dict[str, _Grant] = {}
        self._access: dict[str, _Access] = {}
        self._lock = threading.Lock()

    # -- routing ---------------------------------------------------------------------------
    def handle(self, request: ApiRequest) -> ApiResponse:
        """Answer one request under ``/auth/oauth/``."""
        endpoint = request.path.rstrip("/").rsplit("/", 1)[-1]
        handlers = {
            "authorize": ("GET", self._authorize),
            "token": ("POST", self._token),
            "revoke": ("POST", self._revoke),
            "introspect": ("GET", self._introspect),
        }
        if endpoint not in handlers:
            return ApiResponse.json_body(404, {"error": "not_found", "error_description": "Unknown endpoint"})
        method, handler = handlers[endpoint]
        try:
            if request.method != method and not (endpoint == "introspect" and request.method == "POST"):
                raise OAuthError(
                    405, "invalid_request", INVALID_REQUEST, f"The request method must be {method}"
                )
            return handler(request)
        except OAuthError as error:
            return error.response()

    # -- authorize -------------------------------------------------------------------------
    def _authorize(self, request: ApiRequest) -> ApiResponse:
        client_id = request.param("client_id")
        if not client_id:
            raise invalid_request("client_id")
        if client_id not in self.clients:
            raise OAuthError(400, "invalid_client", "Client authentication failed")
        if request.param("response_type") != "code":
            raise OAuthError(
                400,
                "unsupported_response_type",
                "The authorization server does not support this response type.",
            )
        scope = " ".join((request.param("scope") or "employee:all").replace("+", " ").split())
        unknown = [name for name in scope.split() if name not in SCOPES]
        if unknown:
            raise OAuthError(
                400,
                "invalid_scope",
                "The requested scope is invalid, unknown, or malformed",
                f"Check the `{unknown[0]}` scope",
            )
        challenge = request.param("code_challenge")
        method = request.param("code_challenge_method") or "plain"
        if challenge is not None and method not in ("S256", "plain"):
            raise OAuthError(
                400,
                "invalid_request",
                INVALID_REQUEST,
                "Code challenge method must be one of `plain` or `S256`",
            )
        account = request.param("account_id")
        account_id = self.account_ids[0] if not account else record_id(account)
        if account_id not in self.account_ids:
            raise OAuthError(
                400, "access_denied", "The resource owner or authorization server denied the request."
            )
        given = request.param("redirect_uri")
        registered = self.redirect_uris.get(client_id, [])
        if given is not None and not any(redirect_matches(uri, given) for uri in registered):
            raise OAuthError(
                401, "invalid_client", "Client authentication failed", "Unregistered redirect_uri"
            )
        if given is None and not registered:
            raise invalid_request("redirect_uri")
        redirect_uri = given if given is not None else registered[0]
        code = _b64url(secrets.token_bytes(48))
        with self._lock:
            self._codes[code] = _Code(
                client_id, given, scope, account_id, self._clock() + CODE_LIFETIME, challenge, method
            )
        params = {"code": code}
        if request.param("state") is not None:
            params["state"] = request.param("state") or ""
        separator = "&" if "?" in redirect_uri else "?"
        return ApiResponse(302, b"", [("Location", redirect_uri + separator + urlencode(params))])

    # -- token -----------------------------------------------------------------------------
    def _token(self, request: ApiRequest) -> ApiResponse:
        form = parse_form(request)
        grant_type = form.get("grant_type")
        if not grant_type:
            raise invalid_request("grant_type")
        if grant_type not in ("authorization_code", "refresh_token"):
            raise OAuthError(
                400,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            )
        client_id = form.get("client_id")
        if not client_id:
            raise invalid_request("client_id")
        if client_id not in self.clients:
            raise invalid_client()
        secret = form.get("client_secret")
        if secret is not None and not secrets.compare_digest(secret, self.clients[client_id]):
            raise invalid_client()
        with self._lock:
            if grant_type == "authorization_code":
                pair = self._exchange_code(form, client_id, secret_given=secret is not None)
            else:
                pair = self._refresh(form, client_id, secret_given=secret is not None)
        payload = {
            "token_type": "Bearer",
            "expires_in": pair.expires_in,
            "access_token": pair.access_token,
            "refresh_token": pair.refresh_token,
        }
        response = ApiResponse.json_body(200, payload)
        response.headers += [("Cache-Control", "no-store"), ("Pragma", "no-cache")]
        return response

    def _exchange_code(self, form: dict[str, str], client_id: str, *, secret_given: bool) -> TokenPair:
        code_value = form.get("code")
        if not code_value:
            raise invalid_request("code")
        code = self._codes.pop(code_value, None)
        if code is None:
            used = self._used_codes.get(code_value)
            if used is not None:  # a replayed code: whoever holds it, its tokens are no longer safe
                for grant in self._grants.values():
                    if grant.origin == code_value:
                        self._revoke_grant(grant)
                raise invalid_grant("Authorization code has been revoked")
            raise invalid_grant("Cannot decrypt the authorization code")
        if code.expires_at < self._clock():
            raise invalid_grant("Authorization code has expired")
        if code.client_id != client_id:
            raise invalid_grant("Authorization code was not issued to this client")
        if code.redirect_uri is not None:
            if form.get("redirect_uri") is None:
                raise invalid_request("redirect_uri")
            if form["redirect_uri"] != code.redirect_uri:
                raise OAuthError(400, "invalid_request", INVALID_REQUEST, "Invalid redirect URI")
        if code.challenge is not None:
            verifier = form.get("code_verifier")
            if not verifier:
                raise invalid_request("code_verifier")
            if code.challenge_method == "S256":
                verifier = _b64url(hashlib.sha256(verifier.encode("ascii")).digest())
            if not secrets.compare_digest(verifier, code.challenge):
                raise invalid_grant("Failed to verify `code_verifier`.")
        elif not secret_given:
            raise invalid_client()
        pair = self._mint(client_id, code.account_id, code.scope, public=not secret_given, origin=code_value)
        self._forget_expired_codes()
        self._used_codes[code_value] = code
        return pair

    def _forget_expired_codes(self) -> None:
        """Used codes are remembered for :data:`USED_CODE_MEMORY` seconds after they expire."""
        now = self._clock()
        for value in [v for v, c in self._used_codes.items() if c.expires_at + USED_CODE_MEMORY < now]:
            del self._used_codes[value]

    def register_redirect_uri(self, client_id: str, redirect_uri: str) -> None:
        """Allow ``/authorize`` to send ``client_id``'s codes to ``redirect_uri`` too."""
        if client_id not in self.clients:
            raise ValueError(f"unknown client {client_id!r}")
        with self._lock:
            if redirect_uri not in self.redirect_uris[client_id]:
                self.redirect_uris[client_id].append(redirect_uri)

    def _refresh(self, form: dict[str, str], client_id: str, *, secret_given: bool) -> TokenPair:
        token = form.get("refresh_token")
        if not token:
            raise invalid_request("refresh_token")
        grant = self._grants.get(token)
        if grant is None:
            raise invalid_grant("Cannot decrypt the refresh token")
        if grant.client_id != client_id:
            raise invalid_grant("Token is not linked to client")
        if not secret_given and not grant.public:
            raise invalid_client()
        if grant.revoked:
            raise invalid_grant("Token has been revoked")
        if grant.expires_at < self._clock():
            raise invalid_grant("Token has expired")
        return self._mint(
            client_id, grant.account_id, grant.scope, public=grant.public, replaces=token, origin=grant.origin
        )

    def _mint(
        self,
        client_id: str,
        account_id: int,
        scope: str,
        *,
        public: bool,
        replaces: str | None = None,
        origin: str = "",
    ) -> TokenPair:
        """Issue a new access token and refresh token (the caller holds the lock)."""
        now = self._clock()
        issued = self._epoch + now
        jti = secrets.token_hex(40)
        claims: dict[str, object] = {
            "jti": jti,
            "iss": ISSUER,
            "aud": client_id,
            "sub": "1",
            "acct": str(account_id),
            "scope": scope,
            "iat": issued,
            "nbf": issued,
            "exp": issued + self.token_lifetime,
        }
        header = {"typ": "JWT", "alg": "RS256", "kid": "RT_OAUTH2_2024_07_08"}
        access_token = ".".join(
            [
                _b64url(json.dumps(header, separators=(",", ":")).encode()),
                _b64url(json.dumps(claims, separators=(",", ":")).encode()),
                _b64url(secrets.token_bytes(256)),
            ]
        )
        refresh_token = "def50200" + secrets.token_hex(160)
        context = AuthContext(account_id=account_id, client_id=client_id, scope=scope)
        self._access[access_token] = _Access(context, now + self.token_lifetime, claims, replaces)
        self._grants[refresh_token] = _Grant(
            client_id, account_id, scope, now + REFRESH_LIFETIME, public, access_token, origin
        )
        return TokenPair(access_token, refresh_token, math.ceil(self.token_lifetime))

    def issue(self, client_id: str, account_id: int | None = None, scope: str = "employee:all") -> TokenPair:
        """Mint a token pair directly, as if the code flow had just completed."""
        account = self.account_ids[0] if account_id is None else account_id
        if account not in self.account_ids:
            raise ValueError(f"unknown account id {account}")
        with self._lock:
            return self._mint(client_id, account, scope, public=False)

    # -- revoke / verify -------------------------------------------------------------------
    def _revoke(self, request: ApiRequest) -> ApiResponse:
        form = parse_form(request)
        client_id = form.get("client_id")
        if not client_id or client_id not in self.clients:
            raise invalid_client()
        secret = form.get("client_secret")
        token = form.get("refresh_token") or form.get("token")
        if not token:
            raise invalid_request("refresh_token")
        with self._lock:
            grant = self._grants.get(token)
            if grant is not None and grant.client_id == client_id:
                if secret is None and not grant.public:
                    raise invalid_client()
                if secret is not None and not secrets.compare_digest(secret, self.clients[client_id]):
                    raise invalid_client()
                self._revoke_grant(grant)
            elif token in self._access and self._access[token].context.client_id == client_id:
                self._access[token].revoked = True
        return ApiResponse(200, b"", [("Content-Length", "0")])

    def _revoke_grant(self, grant: _Grant) -> None:
        grant.revoked = True
        self._access[grant.access_token].revoked = True

    def _introspect(self, request: ApiRequest) -> ApiResponse:
        access = self._lookup(request)
        if access is None:
            return ApiResponse.json_body(401, API_ACCESS_DENIED)
        return ApiResponse.json_body(200, {"active": True, **access.claims})

    def _lookup(self, request: ApiRequest) -> _Access | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        with self._lock:
            access = self._access.get(token.strip())
            if access is None or access.revoked or access.expires_at <= self._clock():
                return None
            return access

    def authenticate(self, request: ApiRequest) -> AuthContext | None:
        """The caller of an API request, or ``None`` when its Bearer token is not valid now.

        The first use of an access token minted by a refresh revokes the refresh token it
        replaced (deferred revocation).
        """
        access = self._lookup(request)
        if access is None:
            return None
        if not access.used:
            with self._lock:
                access.used = True
                replaced = self._grants.get(access.replaces) if access.replaces else None
                if replaced is not None:
                    replaced.revoked = True
        return access.context
