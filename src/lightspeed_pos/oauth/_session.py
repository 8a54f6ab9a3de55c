"""OAuthSession: the authorization-code flow with PKCE, and a token holder that keeps itself fresh.

The session talks to ``/auth/oauth/{authorize,token,revoke}`` (docs/reference.md#oauth) and keeps its
tokens in a :class:`~lightspeed_pos.oauth.TokenStore`. Every refresh is single-flight: one thread at a
time inside the process (a lock), one process at a time across processes (the store's lock), and
a session that finds in the store a pair another process already rotated adopts it instead of
spending its own, now revoked, refresh token. The rotated refresh token is saved before the new
access token is returned or used; because the server revokes the old refresh token only when the
new access token is first used (docs/reference.md#oauth-lifetimes), a failed save or a lost answer
leaves the old one valid.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2

from .._version import __version__
from ..errors import APIConnectionError, APITimeoutError, ServerError, error_from_response
from ._stores import TokenStore
from ._tokens import LoginRequiredError, TokenSet

__all__ = ["DEFAULT_AUTH_URL", "AuthorizationRequest", "OAuthSession"]

logger = logging.getLogger("lightspeed_pos")

DEFAULT_AUTH_URL = "https://cloud.lightspeedapp.com/auth/oauth"
DEFAULT_SCOPE = "employee:all"
DEFAULT_TIMEOUT = 30.0


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of a PKCE verifier: ``BASE64URL(SHA256(verifier))``."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def normalize_scope(scope: str | Iterable[str]) -> str:
    """Scopes as one space-separated string; each must be an ``employee:`` scope
    (docs/reference.md#oauth-scopes)."""
    names = scope.replace("+", " ").split() if isinstance(scope, str) else [str(name) for name in scope]
    if not names:
        raise ValueError("scope is empty: ask for at least one scope, e.g. 'employee:all'")
    wrong = [name for name in names if not name.startswith("employee:")]
    if wrong:
        raise ValueError(f"Lightspeed scopes start with 'employee:' (e.g. 'employee:all'), not {wrong[0]!r}")
    return " ".join(names)


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the user (``url``), and what the answer must be checked against."""

    url: str
    state: str
    code_verifier: str = field(repr=False)


class OAuthSession:
    """An OAuth 2.0 session with Lightspeed's auth server, usable as ``Client(oauth_token_holder=...)``.

    ``oauth_token`` gives the access token, refreshed first when it expires within
    ``refresh_margin`` seconds; ``refresh_oauth_token()`` refreshes now. ``client_secret`` may be
    ``None`` for a public client (PKCE is always used). ``auth_url`` is the base of the
    ``authorize``/``token``/``revoke`` endpoints; each may also be given on its own. ``clock``
    returns Unix time (it is compared with the JWT's ``exp``). Thread-safe.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str | None = None,
        *,
        store: TokenStore,
        redirect_uri: str | None = None,
        scope: str | Iterable[str] = DEFAULT_SCOPE,
        auth_url: str = DEFAULT_AUTH_URL,
        authorize_url: str | None = None,
        token_url: str | None = None,
        revoke_url: str | None = None,
        http_client: httpx2.Client | None = None,
        transport: httpx2.BaseTransport | None = None,
        timeout: float | httpx2.Timeout = DEFAULT_TIMEOUT,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.time,
        user_agent: str | None = None,
    ) -> None:
        if not client_id:
            raise ValueError("client_id is required")
        self.client_id = client_id
        self._client_secret = client_secret
        self.store = store
        self.redirect_uri = redirect_uri
        self.scope = normalize_scope(scope)
        base = auth_url.rstrip("/")
        self.authorize_url = authorize_url or f"{base}/authorize"
        self.token_url = token_url or f"{base}/token"
        self.revoke_url = revoke_url or f"{base}/revoke"
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._owns_http = http_client is None
        headers = {"User-Agent": user_agent or f"lightspeed-pos/{__version__}", "Accept": "application/json"}
        self._http = http_client or httpx2.Client(transport=transport, timeout=timeout, headers=headers)
        self._lock = threading.Lock()
        self._tokens: TokenSet | None = None
        self._rejected_refresh_token: str | None = None
        self._pending: AuthorizationRequest | None = None
        self.refresh_count = 0
        """Token requests with ``grant_type=refresh_token`` this session made."""

    def __repr__(self) -> str:
        return f"<OAuthSession client_id={self.client_id!r} store={self.store!r}>"

    # --- the token holder ------------------------------------------------------------------------
    @property
    def oauth_token(self) -> str:
        """The access token; refreshed first (``POST /auth/oauth/token``) when it is about to expire.

        When that early refresh fails for a passing reason (the network, a 5xx) while the token
        is still valid, the token is returned as it is and the refresh is tried again next time.
        """
        tokens = self._current()
        if self._expiring(tokens):
            logger.debug("the access token expires within %g s: refreshing it", self.refresh_margin)
            try:
                tokens = self._refresh(stale_token=tokens.access_token, early=True)
            except (APIConnectionError, ServerError, _RefreshDeferred) as exc:
                left = tokens.expires_in(self._clock())
                if left is None or left <= 0:
                    raise
                logger.debug(
                    "early refresh failed (%s): using the token for its last %.0f s", type(exc).__name__, left
                )
        return tokens.access_token

    def refresh_oauth_token(self, stale_token: str | None = None) -> str:
        """``POST /auth/oauth/token`` (``grant_type=refresh_token``); returns the new access token.

        ``stale_token`` is the access token the caller found wanting (by default, the one held
        when the call starts): when another thread has replaced it meanwhile, its result is
        returned and no request is made, so threads refreshing the same token cause one request.
        A pair another process already rotated into the store is adopted instead of refreshing.
        ``LoginRequiredError`` when the refresh token is rejected or no tokens are stored.
        """
        if stale_token is None:
            held = self._tokens
            stale_token = held.access_token if held is not None else None
        return self._refresh(stale_token=stale_token).access_token

    @property
    def tokens(self) -> TokenSet | None:
        """The current tokens (read from the store the first time), or ``None`` before any login."""
        with self._lock:
            if self._tokens is None:
                self._tokens = self.store.load()
            return self._tokens

    # --- login -----------------------------------------------------------------------------------
    def authorization_url(self, state: str | None = None) -> AuthorizationRequest:
        """The ``GET /auth/oauth/authorize`` URL to send the user to, with a PKCE (S256) challenge.

        The session remembers the request, so that :meth:`exchange_code` can check the state and
        send the verifier on its own.
        """
        state = state or secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "scope": self.scope,
            "state": state,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
        if self.redirect_uri:
            params["redirect_uri"] = self.redirect_uri
        separator = "&" if "?" in self.authorize_url else "?"
        request = AuthorizationRequest(self.authorize_url + separator + urlencode(params), state, verifier)
        with self._lock:
            self._pending = request
        return request

    def exchange_code(
        self, code_or_redirect_url: str, *, state: str | None = None, code_verifier: str | None = None
    ) -> TokenSet:
        """``POST /auth/oauth/token`` (``grant_type=authorization_code``); saves and returns the tokens.

        Takes the code or the whole redirect URL (``https://localhost/callback?code=...&state=...``),
        whose ``state`` must match ``state`` or, by default, the last :meth:`authorization_url`.
        """
        with self._lock:
            pending = self._pending
        code, returned_state = self._parse_redirect(code_or_redirect_url)
        expected_state = state if state is not None else (pending.state if pending is not None else None)
        if expected_state is not None and returned_state is not None and returned_state != expected_state:
            raise LoginRequiredError("the redirect's state does not match the login that was started")
        if expected_state is not None and returned_state is None and "?" in code_or_redirect_url:
            raise LoginRequiredError("the redirect carries no state")
        if code_verifier is None and pending is not None and expected_state in (None, pending.state):
            code_verifier = pending.code_verifier
        form = {"grant_type": "authorization_code", "code": code}
        if code_verifier:
            form["code_verifier"] = code_verifier
        if self.redirect_uri:
            form["redirect_uri"] = self.redirect_uri
        with self._lock, self.store.lock():
            tokens = self._token_request(form, what="authorization code", previous=None)
            self.store.save(tokens)
            self._tokens = tokens
            self._rejected_refresh_token = None
            self._pending = None
        logger.debug("logged in: account %s, scope %r", tokens.account_id, tokens.scope)
        return tokens

    @staticmethod
    def _parse_redirect(value: str) -> tuple[str, str | None]:
        value = value.strip()
        if "?" not in value and "=" not in value:
            if not value:
                raise LoginRequiredError("no authorization code was given")
            return value, None
        query = urlsplit(value).query if "?" in value else value
        params = {name: values[0] for name, values in parse_qs(query, keep_blank_values=True).items()}
        if "error" in params:
            detail = params.get("error_description") or params.get("hint") or ""
            raise LoginRequiredError(
                f"the authorization was refused ({params['error']}{': ' + detail if detail else ''})",
                error=params["error"],
            )
        code = params.get("code")
        if not code:
            raise LoginRequiredError("the redirect URL carries no authorization code")
        return code, params.get("state")

    # --- revoke ----------------------------------------------------------------------------------
    def revoke(self) -> None:
        """``POST /auth/oauth/revoke`` with the refresh token (both tokens die), then clear the store.

        The tokens are kept when the server cannot be reached, so that revoking can be retried.
        """
        with self._lock, self.store.lock():
            stored = self.store.load()
            candidates = [stored, self._tokens]
            refresh_tokens = list(dict.fromkeys(t.refresh_token for t in candidates if t and t.refresh_token))
            for refresh_token in refresh_tokens:
                form = {"client_id": self.client_id, "refresh_token": refresh_token}
                if self._client_secret is not None:
                    form["client_secret"] = self._client_secret
                response = self._post(self.revoke_url, form)
                if response.status_code != 200:
                    raise error_from_response(response)
            self.store.clear()
            self._tokens = None
        logger.debug("revoked %d refresh token(s) and cleared %r", len(refresh_tokens), self.store)

    # --- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the HTTP client the session made (not one that was passed in)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals -------------------------------------------------------------------------------
    def _expiring(self, tokens: TokenSet) -> bool:
        left = tokens.expires_in(self._clock())
        return left is not None and left <= self.refresh_margin

    def _current(self) -> TokenSet:
        with self._lock:
            if self._tokens is None:
                self._tokens = self.store.load()
            if self._tokens is None:
                raise not_logged_in(self.store)
            return self._tokens

    def _refresh(self, *, stale_token: str | None, early: bool = False) -> TokenSet:
        with self._lock:
            current = self._tokens
            if current is not None and current.access_token != stale_token and not self._expiring(current):
                return current  # another thread refreshed while this one waited
            with self.store.lock():
                stored = self.store.load()
                if stored is None:
                    self._tokens = None
                    raise not_logged_in(self.store)
                if current is None:
                    current = self._tokens = stored
                    if stale_token not in (None, stored.access_token) and not self._expiring(stored):
                        return stored  # already refreshed by another session sharing the store
                elif (
                    stored.refresh_token != current.refresh_token
                    and stored.obtained_at >= current.obtained_at
                ):
                    current = self._tokens = stored
                    if stored.access_token != stale_token and not self._expiring(stored):
                        logger.debug("adopted the tokens another process rotated into %r", self.store)
                        return stored
                refresh_token = current.refresh_token
                if not refresh_token:
                    raise LoginRequiredError("there is no refresh token")
                if refresh_token == self._rejected_refresh_token:
                    raise LoginRequiredError("the refresh token was already rejected", error="invalid_grant")
                self._take_refresh_slot(current, early=early)
                form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
                try:
                    tokens = self._token_request(form, what="refresh token", previous=current)
                except LoginRequiredError:
                    self._rejected_refresh_token = refresh_token
                    raise
                self.refresh_count += 1
                # The rotated refresh token is saved before anything uses the new access token: if
                # the save fails, the old refresh token stays valid (deferred revocation).
                self.store.save(tokens)
                self._tokens = tokens
            logger.debug("refreshed the access token; rotated tokens saved to %r", self.store)
            return tokens

    def _take_refresh_slot(self, current: TokenSet, *, early: bool) -> None:
        """Stay under the server's refresh limit when the store counts refreshes across processes
        (``take_refresh_slot``): an early refresh of a token that still works is put off; any
        other waits for a slot."""
        take = getattr(self.store, "take_refresh_slot", None)
        if take is None:
            return
        left = current.expires_in(self._clock())
        if not take(block=not (early and left is not None and left > 0)):
            raise _RefreshDeferred("the refresh budget of this token is spent for now")

    def _token_request(self, form: dict[str, str], *, what: str, previous: TokenSet | None) -> TokenSet:
        """``POST /auth/oauth/token``: the tokens, or the error the answer means."""
        form = {**form, "client_id": self.client_id}
        if self._client_secret is not None:
            form["client_secret"] = self._client_secret
        logger.debug("POST %s (grant_type=%s)", self.token_url, form["grant_type"])
        response = self._post(self.token_url, form)
        if response.status_code == 200:
            try:
                payload = response.json()
            except ValueError:
                payload = None
            return TokenSet.from_response(
                payload, now=self._clock(), scope=self.scope, previous=previous, response=response
            )
        body = _json_or_none(response)
        error = body.get("error") if isinstance(body, dict) else None
        if response.status_code == 400 and error == "invalid_grant":
            hint = body.get("hint") if isinstance(body, dict) else None
            detail = f" ({hint})" if isinstance(hint, str) and hint else ""
            raise LoginRequiredError(
                f"the {what} was rejected: expired, revoked or already used{detail}",
                error=error,
                response=response,
                body=body,
            )
        raise error_from_response(response)

    def _post(self, url: str, form: dict[str, str]) -> httpx2.Response:
        try:
            return self._http.post(url, data=form)
        except httpx2.TimeoutException as exc:
            raise APITimeoutError(f"the OAuth server did not answer in time (POST {_no_query(url)})") from exc
        except httpx2.TransportError as exc:
            raise APIConnectionError(
                f"could not reach the OAuth server (POST {_no_query(url)}): {type(exc).__name__}"
            ) from exc


class _RefreshDeferred(Exception):
    """An early refresh put off: the store's refresh budget is spent and the token still works."""


def _rotated_elsewhere(stored: TokenSet, held: TokenSet) -> bool:
    """Whether the store holds a pair that another session rotated after the one held here."""
    return stored.refresh_token != held.refresh_token and stored.obtained_at >= held.obtained_at


def _no_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _json_or_none(response: httpx2.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def not_logged_in(store: object) -> LoginRequiredError:
    """The one error for "there are no tokens": ``not logged in (no tokens in <where>)``."""
    where = getattr(store, "path", None) or type(store).__name__
    return LoginRequiredError(f"not logged in (no tokens in {where})")
