"""Where an API path points: the one matcher of paths against the endpoint table.

The client (request costs, the retry decision, the rate-limit bucket) and the sandbox (routing,
actions) all ask :func:`match` which catalogue row a path addresses; nothing else in the package
matches API paths.

* :func:`below_account` splits ``/API/V3/Account/5/Sale/7.json`` into ``("5", "Sale/7")``;
* :func:`match` names the row of ``Sale/7``, ``Sale/7/SaleLine`` or ``Sale/7/refund`` (an
  action of the catalogue), with the path's ids.

Ids of parents (``{saleID}``) are digits; the last id may be anything (the caller decides what
an invalid one means). The most specific row wins: paths with more segments are tried first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ._catalog import ActionSpec, ResourceSpec, catalog

_ACCOUNT = re.compile(r"/Account/([^/]+)(?:/(.*))?$")
_SUFFIX = re.compile(r"\.(json|xml)$")


@dataclass(frozen=True)
class PathMatch:
    """What a path below ``Account/{accountID}/`` addresses."""

    spec: ResourceSpec
    """The catalogue row (for an action: the row the action belongs to)."""
    parents: dict[str, str]
    """The placeholders of a nested path and their values: ``{"saleID": "7"}``."""
    record_id: str | None = None
    """The record's id (``Sale/7``), ``None`` for the collection itself (``Sale``)."""
    action: ActionSpec | None = None
    """The action (``Sale/7/refund``), else ``None``."""

    @property
    def one_record(self) -> bool:
        """Whether the path is one record of the row (``Item/5``), not a collection or an action."""
        return self.record_id is not None and self.action is None


def below_account(path: str) -> tuple[str, str | None] | None:
    """The account id and the rest of an API path, without query or ``.json``:
    ``/API/V3/Account/5/Sale/7.json`` -> ``("5", "Sale/7")``, ``/API/Account/5.json`` ->
    ``("5", None)``; ``None`` for a path outside an account (``/API/V3/Account.json``)."""
    path = _SUFFIX.sub("", path.split("?", 1)[0])
    found = _ACCOUNT.search(path)
    if found is None:
        return None
    return found.group(1), found.group(2)


def _template(path: str) -> str:
    """The regex of a catalogue path: its placeholders become named digit groups."""
    return re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>\\d+)", re.escape(path))


@cache
def _rows() -> tuple[tuple[re.Pattern[str], ResourceSpec], ...]:
    """One regex per account-scoped catalogue row, the paths with most segments first."""
    rows = [spec for spec in catalog().resources if spec.scope == "account" and spec.path]
    rows.sort(key=lambda spec: -spec.path.count("/"))
    return tuple((re.compile(_template(spec.path) + r"(?:/(?P<_rid>[^/]+))?"), spec) for spec in rows)


@cache
def _actions() -> tuple[tuple[re.Pattern[str], ResourceSpec, dict[str, ActionSpec]], ...]:
    """Per row with actions: the regex of ``{path}/{id}/{segment}`` and its actions by segment
    (lower-cased: the segment's case does not matter)."""
    table = catalog()
    by_row: dict[str, dict[str, ActionSpec]] = {}
    for action in table.actions:
        by_row.setdefault(action.resource, {})[action.segment.lower()] = action
    return tuple(
        (
            re.compile(_template(table.get(name).path) + r"/(?P<_rid>[^/]+)/(?P<_segment>\w+)"),
            table.get(name),
            actions,
        )
        for name, actions in by_row.items()
    )


def match(rest: str) -> PathMatch | None:
    """The catalogue row (or action) ``rest``, a path below ``Account/{accountID}/`` without
    ``.json``, addresses; ``None`` when the catalogue has no such path."""
    found = _match(rest)
    if found is None:
        return None
    spec, parents, record_id, action = found
    return PathMatch(spec, dict(parents), record_id, action)


def match_url(path: str) -> PathMatch | None:
    """:func:`match` for a whole API path (``/API/V3/Account/5/Item/7.json``)."""
    split = below_account(path)
    return match(split[1]) if split is not None and split[1] else None


def row_at(path: str) -> ResourceSpec | None:
    """The catalogue row whose path template is ``path`` (``Sale/{saleID}/SaleLine``)."""
    return _by_template().get(path)


@cache
def _by_template() -> dict[str, ResourceSpec]:
    by_path: dict[str, ResourceSpec] = {}
    for spec in catalog().resources:
        by_path.setdefault(spec.path, spec)
    return by_path


_Found = tuple[ResourceSpec, tuple[tuple[str, str], ...], str | None, ActionSpec | None]


@lru_cache(maxsize=4096)
def _match(rest: str) -> _Found | None:
    for pattern, spec, actions in _actions():
        found = pattern.fullmatch(rest)
        if found is not None and found.group("_segment").lower() in actions:
            groups = found.groupdict()
            return spec, _parents(groups), groups["_rid"], actions[groups["_segment"].lower()]
    for pattern, spec in _rows():
        found = pattern.fullmatch(rest)
        if found is not None:
            groups = found.groupdict()
            return spec, _parents(groups), groups["_rid"], None
    return None


def _parents(groups: dict[str, str | None]) -> tuple[tuple[str, str], ...]:
    return tuple((key, value) for key, value in groups.items() if value and not key.startswith("_"))
