"""A generated attack on the whole sandbox: random requests (any method, any catalogue path, ids
and numbers of any size, every operator, odd bytes, odd bodies, odd tokens, the OAuth endpoints)
sent in-process to one :class:`SandboxApp`. Not one may answer 500, and every error must be the
documented JSON shape.

The default run sends :data:`DEFAULT_REQUESTS` requests (a few seconds); set
``LIGHTSPEED_FUZZ_REQUESTS=10000`` for the full run. The longest time one request held the
sandbox is printed (``pytest -s``).
"""

from __future__ import annotations

import json
import os
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lightspeed_pos._catalog import catalog
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.sandbox.http.messages import ApiRequest, ApiResponse

from ._hostile import CLASSIC_KEYS, OAUTH_KEYS

DEFAULT_REQUESTS = 1000
REQUESTS = int(os.environ.get("LIGHTSPEED_FUZZ_REQUESTS", DEFAULT_REQUESTS))

SANDBOX = Sandbox(items=40, rate_limit=False)
ACCOUNT = SANDBOX.account_id
TOKEN = SANDBOX.issue_tokens().access_token
SCOPED = SANDBOX.issue_tokens(scope="employee:inventory_read employee:reports").access_token
SPECS = [s for s in catalog().resources if s.scope == "account" and s.path]
OPERATORS = ["", "=,", "!=,", ">,", ">=,", "<,", "<=,", "~,", "!~,", "><,", "IN,", "IN,["]
ACTIONS = [
    "refund",
    "emailreceipt",
    "open",
    "close",
    "calculated",
    "anonymize",
    "checkout",
    "clone",
    "send",
    "receive",
]

odd_ids = st.sampled_from(
    ["9" * 5000, "1e999", "-1", "²", "٣", "0x10", "", "1.5", "%00", "NaN", "9" * 19, "0"]
)
ids = st.one_of(
    st.integers(1, 12).map(str), st.integers(1, 12).map(str), st.integers(1, 12).map(str), odd_ids
)
numbers = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(["1e1000000", "NaN", "-Infinity", "1e-999999", "9" * 5000, "0.0000001", "1_000", "١٢"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["%" * 40 + "Q", "_" * 300, "%_%_%", "\\", "'\"", "[1,2", '["a"]', "all", "\x00"]),
)
values = st.one_of(numbers, texts, ids)


@st.composite
def api_request(draw: st.DrawFn) -> ApiRequest:
    spec = draw(st.sampled_from(SPECS))
    path = spec.path
    for placeholder in [p for p in path.split("/") if p.startswith("{")]:
        path = path.replace(placeholder, draw(ids), 1)
    kind = draw(st.sampled_from(["list", "list", "one", "one", "action"]))
    if kind != "list":
        path += "/" + draw(ids)
    if kind == "action":
        path += "/" + draw(st.sampled_from(ACTIONS))
    version = draw(st.sampled_from(["/API/V3", "/API/V3", "/API"]))
    account = str(ACCOUNT) if draw(st.integers(0, 9)) else draw(ids)
    method = draw(st.sampled_from(["GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH"]))
    fields = [name for name, _ in spec.fields] or ["name"]
    query: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(0, 4))):
        name = draw(
            st.one_of(
                st.sampled_from(fields),
                st.sampled_from(["limit", "after", "before", "sort", "count", "archived", "load_relations"]),
                st.sampled_from(["offset", "orderby", "orderby_desc", "or", "timeStamp", "Category.name"]),
                st.text(max_size=8),
            )
        )
        value = draw(st.sampled_from(OPERATORS)) + draw(values)
        if name == "load_relations":
            value = draw(
                st.one_of(
                    st.just("all"),
                    st.lists(st.sampled_from(list(spec.relations) or ["x"])).map(json.dumps),
                    texts,
                )
            )
        if name in ("after", "before"):
            value = draw(
                st.one_of(
                    texts, st.binary(max_size=40).map(lambda b: __import__("base64").b64encode(b).decode())
                )
            )
        if name == "or":
            value = "|".join(
                f"{draw(st.sampled_from(fields))}={draw(values)}" for _ in range(draw(st.integers(1, 3)))
            )
        query.append((name, value))
    body = draw(request_body(fields, method))
    headers = {
        "content-type": draw(
            st.sampled_from(["application/json", "multipart/form-data; boundary=x", "text/plain"])
        )
    }
    auth = draw(st.sampled_from([TOKEN] * 8 + [SCOPED, "", "garbage", TOKEN + "x"]))
    if auth:
        headers["authorization"] = f"Bearer {auth}"
    return ApiRequest(
        method, f"{version}/Account/{account}/{path}.json", tuple(query), headers, body, "http://fuzz.test"
    )


@st.composite
def request_body(draw: st.DrawFn, fields: list[str], method: str) -> bytes:
    if method in ("GET", "DELETE") and draw(st.booleans()):
        return b""
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(st.binary(max_size=64))
    if choice == 1:
        return b"[" * draw(st.integers(30, 3000))
    if choice == 2:
        return b'{"description": "\\ud800", "name": "\\udfff"}'
    leaf = st.one_of(values, st.integers(-(10**25), 10**25), st.floats(), st.booleans(), st.none())
    nested = st.recursive(
        leaf,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(fields), inner, max_size=3)
        ),
        max_leaves=8,
    )
    payload = draw(
        st.dictionaries(
            st.sampled_from([*fields, "SaleLines", "ItemShops", "Contact", "Prices"]), nested, max_size=6
        )
    )
    text = json.dumps(payload, allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def oauth_request(draw: st.DrawFn) -> ApiRequest:
    endpoint = draw(st.sampled_from(["authorize", "token", "revoke", "introspect", "nope"]))
    method = draw(st.sampled_from(["GET", "POST", "PUT"]))
    keys = [
        "grant_type",
        "client_id",
        "client_secret",
        "code",
        "refresh_token",
        "redirect_uri",
        "code_verifier",
        "response_type",
        "scope",
        "state",
        "account_id",
        "code_challenge",
        "code_challenge_method",
        "token",
    ]
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(keys), st.one_of(values, st.just(SANDBOX.client_id), st.just("code"))),
            max_size=6,
        )
    )
    content_type = draw(
        st.sampled_from(
            ["application/x-www-form-urlencoded", "application/json", "multipart/form-data; boundary=b", ""]
        )
    )
    body = draw(
        st.one_of(
            st.binary(max_size=64),
            st.just(urlencode(pairs).encode()),
            st.just(json.dumps(dict(pairs)).encode()),
        )
    )
    headers = {"content-type": content_type}
    if draw(st.booleans()):
        headers["authorization"] = f"Bearer {draw(st.sampled_from([TOKEN, 'x']))}"
    query = tuple(pairs) if endpoint == "authorize" else ()
    return ApiRequest(method, f"/auth/oauth/{endpoint}", query, headers, body, "http://fuzz.test")


class Tally:
    requests = 0
    longest = 0.0
    """The most CPU time one request took (what it held the sandbox for, free of scheduling noise)."""
    longest_wall = 0.0
    longest_request = ""
    statuses: dict[int, int] = {}


def check(request: ApiRequest, response: ApiResponse) -> None:
    Tally.statuses[response.status] = Tally.statuses.get(response.status, 0) + 1
    assert response.status != 500, (request, response.body[:300])
    if response.status < 400 or not response.body:
        return
    assert response.header("content-type") is not None
    payload: Any = json.loads(response.body)
    keys = set(payload)
    assert keys == CLASSIC_KEYS or keys >= OAUTH_KEYS, (request, payload)


@pytest.mark.timeout(600)
@settings(
    max_examples=REQUESTS,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(st.one_of(api_request(), api_request(), api_request(), oauth_request()))
def test_no_generated_request_gets_a_500(request: ApiRequest) -> None:
    started, cpu = time.perf_counter(), time.thread_time()
    response = SANDBOX.app.handle(request)
    elapsed = time.thread_time() - cpu
    Tally.requests += 1
    Tally.longest_wall = max(Tally.longest_wall, time.perf_counter() - started)
    if elapsed > Tally.longest:
        Tally.longest, Tally.longest_request = (
            elapsed,
            f"{request.method} {request.path[:80]} {request.query!r:.200}",
        )
    check(request, response)


def test_zz_report_the_fuzz_run() -> None:
    """Runs after the fuzz test (same module): the figures of the run."""
    if Tally.requests:
        print(
            f"\nfuzz: {Tally.requests} requests, statuses {dict(sorted(Tally.statuses.items()))}, "
            f"longest {Tally.longest * 1000:.1f} ms of CPU ({Tally.longest_request}), "
            f"longest wall time {Tally.longest_wall * 1000:.1f} ms"
        )
    assert Tally.statuses.get(500, 0) == 0
