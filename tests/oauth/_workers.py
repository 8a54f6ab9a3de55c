"""Code run in child processes by test_processes (importable, so that ``spawn`` can find it)."""

from __future__ import annotations

from typing import Any

from lightspeed_pos.oauth import FileTokenStore, OAuthSession


def refresh_at_once(
    store_path: str, auth_url: str, client_id: str, client_secret: str, barrier: Any, results: Any
) -> None:
    """Load the stored tokens, wait for the others, refresh, report what this process ends with."""
    with OAuthSession(
        client_id, client_secret, store=FileTokenStore(store_path), auth_url=auth_url
    ) as session:
        stale = session.oauth_token
        barrier.wait(timeout=30)
        session.refresh_oauth_token()
        tokens = session.tokens
        assert tokens is not None
        results.put((stale, tokens.access_token, tokens.refresh_token, session.refresh_count))
