"""The OAuth server's wire formats: request bodies in, error answers out
(docs/reference.md#oauth-token-request, #oauth-using-tokens).

Token, revoke and introspect bodies may be JSON, ``multipart/form-data`` or form-urlencoded.
Errors are ``{"error", "error_description", "hint"}`` with league/oauth2-server's wording.
"""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from .jsonbody import InvalidBody, parse_json
from .messages import ApiRequest, ApiResponse

__all__ = [
    "API_ACCESS_DENIED",
    "INVALID_REQUEST",
    "OAuthError",
    "invalid_client",
    "invalid_grant",
    "invalid_request",
    "parse_form",
]

INVALID_GRANT = (
    "The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh "
    "token is invalid, expired, revoked, does not match the redirection URI used in the authorization "
    "request, or was issued to another client."
)
INVALID_REQUEST = (
    "The request is missing a required parameter, includes an invalid parameter value, includes a parameter "
    "more than once, or is otherwise malformed."
)
API_ACCESS_DENIED = {
    "error": "access_denied",
    "error_description": "The resource owner or authorization server denied the request.",
    "hint": "Access token could not be verified",
}


class OAuthError(Exception):
    """An OAuth error answer: status plus ``error``/``error_description``/``hint``."""

    def __init__(self, status: int, error: str, description: str, hint: str = "") -> None:
        super().__init__(error)
        self.status, self.error, self.description, self.hint = status, error, description, hint

    def response(self) -> ApiResponse:
        body = {"error": self.error, "error_description": self.description}
        if self.hint:
            body["hint"] = self.hint
        return ApiResponse.json_body(self.status, body)


def invalid_request(parameter: str) -> OAuthError:
    return OAuthError(400, "invalid_request", INVALID_REQUEST, f"Check the `{parameter}` parameter")


def invalid_grant(hint: str) -> OAuthError:
    return OAuthError(400, "invalid_grant", INVALID_GRANT, hint)


def invalid_client() -> OAuthError:
    return OAuthError(401, "invalid_client", "Client authentication failed")


def parse_form(request: ApiRequest) -> dict[str, str]:
    """The fields of a JSON, multipart/form-data or form-urlencoded body (first value wins).

    A body that cannot be read (bad UTF-8, refused JSON, broken multipart) is a 400
    ``invalid_request``, never a crash.
    """
    content_type = request.headers.get("content-type", "").lower()
    body = request.body
    if not body:
        return {}
    try:
        if "multipart/form-data" in content_type:
            return _multipart(request)
        if "json" in content_type or body.lstrip()[:1] == b"{":
            return _json_form(body)
        return dict(
            reversed(parse_qsl(body.decode("utf-8", "strict"), keep_blank_values=True, errors="strict"))
        )
    except OAuthError:
        raise
    except (ValueError, LookupError, TypeError, AttributeError) as exc:  # bad UTF-8, broken multipart
        raise OAuthError(400, "invalid_request", INVALID_REQUEST, "The request body cannot be read") from exc


def _json_form(body: bytes) -> dict[str, str]:
    try:
        data = parse_json(body)
    except InvalidBody as exc:
        raise OAuthError(
            400, "invalid_request", INVALID_REQUEST, "The request body is not valid JSON"
        ) from exc
    if not isinstance(data, dict):
        raise OAuthError(400, "invalid_request", INVALID_REQUEST, "The request body must be an object")
    fields = {}
    for key, value in data.items():
        if isinstance(value, dict | list):
            raise OAuthError(400, "invalid_request", INVALID_REQUEST, f"Check the `{key}` parameter")
        if value is not None:
            fields[str(key)] = str(value)
    return fields


def _multipart(request: ApiRequest) -> dict[str, str]:
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=HTTP).parsebytes(head + request.body)
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields.setdefault(name, payload.decode("utf-8", "strict"))
    return fields
