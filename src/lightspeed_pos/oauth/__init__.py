"""OAuth for Lightspeed Retail: a session that logs in, refreshes and revokes, and token stores.

:class:`OAuthSession` runs the authorization-code flow with PKCE against
``https://cloud.lightspeedapp.com/auth/oauth/{authorize,token,revoke}`` and is a ready-made token
holder for :class:`lightspeed_pos.Client`: its ``oauth_token`` refreshes shortly before expiry,
rotated refresh tokens are saved before use, and refreshes are single-flight across threads and
processes. Tokens live in a :class:`TokenStore` (:class:`FileTokenStore`, the default choice;
:class:`MemoryTokenStore`; :class:`KeyringTokenStore` with the optional ``keyring`` package).
This package may import the standard library, httpx2, platformdirs (lazily, for the default
file path), keyring (lazily, only in :class:`KeyringTokenStore`), and ``lightspeed_pos.errors`` /
``lightspeed_pos._version``; nothing else of the library, and nothing imports it but the public
surface and the CLI.
"""

from __future__ import annotations

from ._lock import FileLock, LockTimeoutError
from ._session import DEFAULT_AUTH_URL, AuthorizationRequest, OAuthSession, pkce_challenge
from ._stores import FileTokenStore, KeyringTokenStore, MemoryTokenStore, TokenStore, default_token_path
from ._tokens import LoginRequiredError, TokenSet, jwt_claims

__all__ = [
    "DEFAULT_AUTH_URL",
    "AuthorizationRequest",
    "FileLock",
    "FileTokenStore",
    "KeyringTokenStore",
    "LockTimeoutError",
    "LoginRequiredError",
    "MemoryTokenStore",
    "OAuthSession",
    "TokenSet",
    "TokenStore",
    "default_token_path",
    "jwt_claims",
    "pkce_challenge",
]
