"""Every error the library raises, and the one map from HTTP status to error class.

``LightspeedError`` is the base. Every error's message is redacted: the bearer token of the request
and anything shaped like a token never appear in ``str()`` or ``repr()``, even when the server
echoed them. ``may_have_been_applied`` is true on the error of a write whose outcome is unknown
(its answer was lost, or the server failed after it arrived): read the record back before sending
it again. HTTP errors (:class:`APIStatusError` and its subclasses) carry
``status_code``, ``message`` (the API's ``message``, the auth server's ``error_description``, or
the status text when the body is not JSON), ``body`` and ``response``. Network failures are
:class:`APIConnectionError` and :class:`APITimeoutError`, with the cause kept as ``__cause__``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import httpx2

from ._redact import redact, secrets_of

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "BadRequestError",
    "ConflictError",
    "ForbiddenError",
    "InvalidResponseError",
    "InvalidValueError",
    "LightspeedError",
    "LoginRequiredError",
    "NotFoundError",
    "OperationNotAllowedError",
    "RateLimitError",
    "ServerError",
    "UnauthorizedError",
    "UnprocessableEntityError",
    "WriteOutcomeUnknownError",
    "error_from_response",
]


class LightspeedError(Exception):
    """The base of every error this library raises."""

    may_have_been_applied: bool = False
    """Whether the write that failed may nonetheless have been applied by the server."""

    def __init__(self, message: str, *, secrets: Iterable[str] = ()) -> None:
        message = redact(message, secrets)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class OperationNotAllowedError(LightspeedError):
    """The endpoint does not allow this operation; raised before any request is sent."""


class APIConnectionError(LightspeedError):
    """The request could not be sent or its answer was lost (the cause is ``__cause__``)."""

    def __init__(self, message: str, *, request: httpx2.Request | None = None) -> None:
        super().__init__(message, secrets=secrets_of(request))
        self.request = request


class APITimeoutError(APIConnectionError):
    """The server did not answer in time."""


class WriteOutcomeUnknownError(APIConnectionError):
    """A write reached the server but its answer was lost (a dropped connection, a timeout), and it
    is not one the client may send again (a POST, a PUT that adds nested records): it may or may
    not have been applied. ``may_have_been_applied`` is true; read the record back before retrying.
    """

    may_have_been_applied = True


class InvalidResponseError(LightspeedError):
    """The server answered 2xx with a body this library cannot read (HTML, truncated JSON ...)."""

    def __init__(self, message: str, *, response: httpx2.Response | None = None, body: Any = None) -> None:
        super().__init__(message, secrets=secrets_of(_request_of(response)))
        self.response = response
        self.body = body


class InvalidValueError(LightspeedError, ValueError):
    """A value given to ``build()`` cannot be converted to its field's type (``"abc"`` for an id)."""


class APIStatusError(LightspeedError):
    """The API answered with an HTTP error status."""

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: Any = None,
        response: httpx2.Response | None = None,
    ) -> None:
        super().__init__(message, secrets=secrets_of(_request_of(response)))
        self.status_code = status_code
        self.body = body
        self.response = response

    def __str__(self) -> str:
        return f"{self.status_code}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code}, message={self.message!r})"


class BadRequestError(APIStatusError):
    """400: a malformed query or payload, or a failed validation."""


class UnauthorizedError(APIStatusError):
    """401: the access token is missing, invalid, expired or revoked."""


LOGIN_HINT = "run `lightspeed login` to log in again"


class LoginRequiredError(UnauthorizedError):
    """The tokens are gone for good: log in again (``lightspeed login``).

    Raised when the refresh token is rejected (``invalid_grant``: expired, revoked or rotated
    away), when no tokens are stored, or when a login cannot complete (denied, state mismatch,
    expired code). ``error`` is the OAuth error code when the server sent one; ``response`` is the
    token endpoint's answer when there was one. ``status_code`` is 401 whatever the token endpoint
    answered (it says 400 for ``invalid_grant``): the caller is, in effect, unauthenticated.
    """

    def __init__(
        self,
        reason: str,
        *,
        error: str | None = None,
        response: httpx2.Response | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(
            f"login required: {reason}; {LOGIN_HINT}", status_code=401, body=body, response=response
        )
        self.error = error


class ForbiddenError(APIStatusError):
    """403: the token lacks the scope for this request."""


class NotFoundError(APIStatusError):
    """404, or a query for one record by id that found none."""


class ConflictError(APIStatusError):
    """409: simultaneous edits."""


class UnprocessableEntityError(APIStatusError):
    """422: a semantic or validation error."""


class RateLimitError(APIStatusError):
    """429: the rate limit was exceeded and waiting was not possible within the cap."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int = 429,
        body: Any = None,
        response: httpx2.Response | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, body=body, response=response)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """5xx: the server failed."""


STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _request_of(response: httpx2.Response | None) -> httpx2.Request | None:
    if response is None:
        return None
    try:
        return response.request
    except RuntimeError:  # a response built without its request
        return None


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds (the API sends seconds; HTTP dates are not used by it).

    ``None`` when absent, negative or not a number; an absurd value (``1e400``) stays absurd, so
    that the caller's cap refuses it.
    """
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None  # NaN compares false: None


def _body_of(response: httpx2.Response) -> Any:
    try:
        text = response.text
    except (httpx2.DecodingError, UnicodeDecodeError, httpx2.ResponseNotRead):
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to read
        return text


def _message_of(body: Any, response: httpx2.Response) -> str:
    if isinstance(body, dict):
        for key in ("message", "error_description", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
    return response.reason_phrase or f"HTTP {response.status_code}"


def error_from_response(response: httpx2.Response) -> APIStatusError:
    """The error for an HTTP error response (the API's JSON, the auth server's, or an HTML page)."""
    body = _body_of(response)
    message = _message_of(body, response)
    status = response.status_code
    if status == 429:
        return RateLimitError(
            message,
            body=body,
            response=response,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
        )
    cls = STATUS_ERRORS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else APIStatusError
    return cls(message, status_code=status, body=body, response=response)
