"""A scripted API for the telemetry and hook tests: answers in order, with the bucket headers."""

from __future__ import annotations

from collections.abc import Callable

import httpx2

SECRET = "eyJsecret-access-token"
ACCOUNT = 120645

Answer = Callable[[httpx2.Request], httpx2.Response] | int


def item_page(request: httpx2.Request, level: str = "3/90") -> httpx2.Response:
    return httpx2.Response(
        200,
        headers={"X-LS-API-Bucket-Level": level, "X-LS-API-Drip-Rate": "1", "X-LS-API-Request-Cost": "1"},
        json={"@attributes": {"count": "1"}, "Item": {"itemID": "42", "description": "Widget"}},
        request=request,
    )


class Script:
    """``MockTransport`` handler: each request takes the next answer (a status or a function);
    the last answer repeats. Records the requests it saw."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers) or [item_page]
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if callable(answer):
            return answer(request)
        if answer == 401:
            return httpx2.Response(401, json={"error": "access_denied", "error_description": "denied"})
        if answer == 429:
            return httpx2.Response(
                429,
                headers={"Retry-After": "2", "X-LS-API-Bucket-Level": "90/90"},
                json={"httpCode": "429", "message": "Rate Limit Exceeded"},
            )
        if answer == -1:
            raise httpx2.ConnectError("connection refused", request=request)
        return httpx2.Response(answer, text="<html>proxy error</html>")

    def transport(self) -> httpx2.MockTransport:
        return httpx2.MockTransport(self)


class FakeTime:
    """A clock and a sleep that advances it: tests never really wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)
