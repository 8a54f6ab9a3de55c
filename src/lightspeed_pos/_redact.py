"""Secrets out of text: what error messages, reprs and logs show instead of a token.

:func:`redact` replaces the secrets it is given (the bearer token a request carried) and anything
shaped like a token (``Bearer ...``, JWTs, ``access_token=...`` and the like) with ``***``. Used by
every error of the library and by the CLI's log formatter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import httpx2

MASK = "***"
MIN_SECRET_LENGTH = 6
"""Shorter strings are not replaced verbatim (a one-letter "token" would blank the message)."""

_SHAPES = [
    (re.compile(r"(?i)(bearer\s+)[^\s'\"]+"), rf"\1{MASK}"),
    (re.compile(r"eyJ[\w-]*\.[\w-]*\.[\w-]*"), MASK),
    (re.compile(r"def50200\w+"), MASK),
    (
        re.compile(r"(?i)((?:access_token|refresh_token|client_secret|code_verifier|code)=)[^&\s'\"]+"),
        rf"\1{MASK}",
    ),
    (
        re.compile(r"(?i)([\"']?(?:access_token|refresh_token|client_secret)[\"']?\s*:\s*[\"'])[^\"']+"),
        rf"\1{MASK}",
    ),
]


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with the ``secrets`` and anything that looks like a token replaced by ``***``."""
    for secret in secrets:
        if len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, MASK)
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    return text


def secrets_of(request: httpx2.Request | None) -> tuple[str, ...]:
    """The credentials a request carried (its bearer token), to be kept out of messages."""
    if request is None:
        return ()
    authorization = request.headers.get("authorization", "")
    scheme, _, credential = authorization.partition(" ")
    return (credential.strip(),) if scheme.lower() == "bearer" and credential.strip() else ()
