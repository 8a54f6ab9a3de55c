"""Button verification for WSGI applications: a middleware, and a Flask decorator.

Plain WSGI, so it works with any WSGI framework; Flask is imported only by :func:`flask_button`.
A refused request is answered ``400`` (``503`` when the key set cannot be fetched) with the
reason as plain text.

    app.wsgi_app = ButtonWSGIMiddleware(app.wsgi_app, ButtonVerifier(), paths=["/button"])
    # the view finds the ButtonRequest in environ["lightspeed.button"]

    @app.get("/button")                                    # Flask
    @flask_button(ButtonVerifier())
    def handler(button: ButtonRequest) -> str: ...

Behind a proxy give ``public_origin="https://app.example.com"`` (the URL Lightspeed signed).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, Concatenate, ParamSpec, TypeVar
from wsgiref.util import request_uri

from ._errors import ButtonError
from ._guard import PathGuard, refusal
from ._verify import ButtonRequest, ButtonVerifier

__all__ = ["ENVIRON_KEY", "ButtonWSGIMiddleware", "flask_button", "request_url"]

ENVIRON_KEY = "lightspeed.button"

P = ParamSpec("P")
R = TypeVar("R")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def request_url(environ: dict[str, Any], public_origin: str | None = None) -> str:
    """The full URL of a WSGI request (``public_origin`` replaces scheme and host)."""
    url = request_uri(environ, include_query=True)
    if public_origin:
        path = url.split("://", 1)[1].partition("/")[2]
        url = f"{public_origin.rstrip('/')}/{path}"
    return url


class ButtonWSGIMiddleware(PathGuard[WSGIApp]):
    """Verifies the requests under ``paths`` (prefixes) before the application sees them."""

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not self.guards(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")):
            return self.app(environ, start_response)
        try:
            environ[ENVIRON_KEY] = self.verifier.verify(request_url(environ, self.public_origin))
        except ButtonError as refused:
            headers, body = refusal(refused)
            reason = "Service Unavailable" if refused.status == 503 else "Bad Request"
            start_response(f"{refused.status} {reason}", headers)
            return [body]
        return self.app(environ, start_response)


def flask_button(
    verifier: ButtonVerifier, *, public_origin: str | None = None
) -> Callable[[Callable[Concatenate[ButtonRequest, P], R]], Callable[P, R]]:
    """A Flask view decorator: the view receives the verified :class:`ButtonRequest` first; a
    refused request is aborted with 400 (or 503) and the reason."""

    def decorate(view: Callable[Concatenate[ButtonRequest, P], R]) -> Callable[P, R]:
        @functools.wraps(view)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            import flask

            try:
                button = verifier.verify(request_url(flask.request.environ, public_origin))
            except ButtonError as refused:
                flask.abort(refused.status, description=str(refused))
            return view(button, *args, **kwargs)

        return checked

    return decorate
