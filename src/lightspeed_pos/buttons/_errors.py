"""Why a button request was refused: one class per failure, all :class:`ButtonError`."""

from __future__ import annotations

from ..errors import LightspeedError

__all__ = [
    "AlgorithmError",
    "ButtonError",
    "ExpiredError",
    "InvalidParameterError",
    "KeySetError",
    "MissingParameterError",
    "SignatureError",
    "UnknownKeyError",
]


class ButtonError(LightspeedError):
    """A custom-button request that cannot be trusted. ``reason`` is a short code for logs;
    ``status`` the HTTP status to answer with (400, or 503 when the key set is unreachable)."""

    reason = "invalid"
    status = 400


class MissingParameterError(ButtonError):
    """A required parameter (``exp``, ``kid``, ``alg``, ``signature``, ``accountID``, ``type``) is absent."""

    reason = "missing_parameter"

    def __init__(self, parameter: str) -> None:
        super().__init__(f"the button request has no {parameter!r} parameter")
        self.parameter = parameter


class InvalidParameterError(ButtonError):
    """A parameter is present but unusable (``exp`` not a number, an id not an integer, a repeat)."""

    reason = "invalid_parameter"

    def __init__(self, parameter: str, problem: str) -> None:
        super().__init__(f"the button request's {parameter!r} parameter {problem}")
        self.parameter = parameter


class ExpiredError(ButtonError):
    """``exp`` is in the past (beyond the allowed clock skew)."""

    reason = "expired"

    def __init__(self, expired_at: int, now: float) -> None:
        super().__init__(f"the button request expired {now - expired_at:.0f} s ago (exp={expired_at})")
        self.expired_at = expired_at


class AlgorithmError(ButtonError):
    """``alg`` is not ``RS256``: the algorithm is pinned, whatever the request says."""

    reason = "algorithm"

    def __init__(self, algorithm: str) -> None:
        super().__init__(f"the button request's algorithm {algorithm!r} is refused: only RS256 is accepted")
        self.algorithm = algorithm


class UnknownKeyError(ButtonError):
    """No key of the key set has this ``kid``, even after fetching the set again."""

    reason = "unknown_key"

    def __init__(self, key_id: str) -> None:
        super().__init__(f"no public key has the id {key_id!r}")
        self.key_id = key_id


class SignatureError(ButtonError):
    """The signature does not match the URL (or is not base64url): the URL was changed, or signed
    with another key."""

    reason = "bad_signature"


class KeySetError(ButtonError):
    """The public key set could not be fetched or read."""

    reason = "key_set"
    status = 503
