"""Custom-button requests from the Lightspeed POS, verified.

A custom button opens your URL with the POS's context (``type``, ``accountID``, ``saleID``...)
and four signing parameters (``exp``, ``kid``, ``alg``, ``signature``)::

    from lightspeed_pos import buttons

    verifier = buttons.ButtonVerifier()           # Lightspeed's key set, fetched once, cached
    try:
        button = verifier.verify(full_request_url)
    except buttons.ButtonError as refused:
        return 400, str(refused)
    button.sale_id, button.account_id, button.return_url

``verify`` pins RS256, checks ``exp`` with a small clock skew (``leeway``), finds the key by
``kid`` (fetching the key set again, at most every 30 s, for an unknown one), and checks the
signature over the canonical URL (:func:`canonical_url`). Framework helpers: :mod:`.asgi`
(middleware, Starlette/FastAPI dependency) and :mod:`.wsgi` (middleware, Flask decorator). This
package needs ``cryptography`` (``pip install 'lightspeed-pos[buttons]'``); it imports nothing
from the clients.
"""

from __future__ import annotations

from ._canonical import append_params, canonical_url
from ._errors import (
    AlgorithmError,
    ButtonError,
    ExpiredError,
    InvalidParameterError,
    KeySetError,
    MissingParameterError,
    SignatureError,
    UnknownKeyError,
)
from ._keys import LIGHTSPEED_JWKS_URL, KeySet, parse_jwks
from ._verify import ALGORITHM, DEFAULT_LEEWAY, ButtonRequest, ButtonVerifier, averify, verify

__all__ = [
    "ALGORITHM",
    "DEFAULT_LEEWAY",
    "LIGHTSPEED_JWKS_URL",
    "AlgorithmError",
    "ButtonError",
    "ButtonRequest",
    "ButtonVerifier",
    "ExpiredError",
    "InvalidParameterError",
    "KeySet",
    "KeySetError",
    "MissingParameterError",
    "SignatureError",
    "UnknownKeyError",
    "append_params",
    "averify",
    "canonical_url",
    "parse_jwks",
    "verify",
]
