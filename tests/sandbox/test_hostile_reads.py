"""Reads an attacker sends: every number is bounded by its length before it is converted, LIKE
runs in linear time, and each answer is the API's JSON 4xx - never a 500, never a frozen engine.

The timeouts make a regression fail fast instead of holding the suite for minutes.
"""

from __future__ import annotations

import base64
import json
import re

import httpx2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.sandbox.engine.query import like

from ._hostile import assert_api_error

pytestmark = pytest.mark.timeout(20)


def cursor(values: list[object]) -> str:
    return base64.b64encode(json.dumps(values).encode()).decode()


def items(sandbox: Sandbox, rest: str = "Item.json") -> str:
    return f"/API/V3/Account/{sandbox.account_id}/{rest}"


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "1e1000000"},
        {"limit": "NaN"},
        {"limit": "Infinity"},
        {"limit": "-1"},
        {"limit": "9" * 5000},
        {"after": cursor(["1e300000"])},
        {"after": cursor(["9" * 5000])},
        {"after": cursor([1])[:-2] + "!!"},
        {"sort": "description", "after": cursor(["x", "1e300000"])},
        {"before": "A" * 10_000},
        {"description": "~," + "%" * 300},
    ],
    ids=lambda p: ",".join(f"{k}={v[:12]}" for k, v in p.items()),
)
def test_out_of_range_parameters_are_a_400(
    sandbox: Sandbox, http: httpx2.Client, params: dict[str, str]
) -> None:
    assert_api_error(http.get(items(sandbox), params=params), 400)


def test_huge_ids_and_offsets_are_a_404_or_400(sandbox: Sandbox, http: httpx2.Client) -> None:
    assert_api_error(http.get(items(sandbox, f"Item/{'9' * 5000}.json")), 404)
    assert_api_error(http.get(f"/API/V3/Account/{'9' * 5000}/Item.json"), 404)
    assert_api_error(http.get(f"/API/V3/Account/{sandbox.account_id}/Sale/{'7' * 4000}/SaleLine.json"), 404)
    legacy = f"/API/Account/{sandbox.account_id}/Item.json"
    assert_api_error(http.get(legacy, params={"offset": "1e999999"}), 400)
    assert_api_error(http.get(legacy, params={"offset": "9" * 5000}), 400)


def test_huge_numbers_in_filters_match_nothing_quickly(sandbox: Sandbox, http: httpx2.Client) -> None:
    for value in (">,1e999999999", "<=,-1e999999999", "=,NaN", "><,1e300000,1e400000", "IN,[1e999999]"):
        answer = http.get(items(sandbox), params={"defaultCost": value})
        assert answer.status_code == 200, answer.text


def test_a_like_with_many_wildcards_answers_at_once(sandbox: Sandbox, http: httpx2.Client) -> None:
    """``~,%%%…%Q`` took exponential time under a backtracking regex (17 s for nine ``%``)."""
    answer = http.get(items(sandbox), params={"description": "~," + "%" * 200 + "Q"})
    assert answer.status_code == 200 and "Item" not in answer.json()
    found = http.get(items(sandbox), params={"description": "~,%" + "%_" * 3 + "%"})
    assert len(found.json()["Item"]) == 10


def reference_like(value: str, pattern: str) -> bool:
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL) is not None


@settings(max_examples=400, deadline=None)
@given(st.text("abAB%_", max_size=12), st.text("abAB", max_size=14))
def test_like_agrees_with_the_sql_definition(pattern: str, value: str) -> None:
    assert like(value, pattern) == reference_like(value, pattern)
