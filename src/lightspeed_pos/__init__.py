"""lightspeed-pos: a complete, typed client for Lightspeed Retail's (R-Series) point-of-sale API.

    import lightspeed_pos as ls
    client = ls.Client(oauth_token_holder=holder)
    for item in client.account(120645).items.each():
        ...

The public surface is exactly ``__all__``. See README.md and ARCHITECTURE.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from . import errors, oauth, query
    from ._async_client import AsyncClient
    from ._async_collection import AsyncCollection
    from ._auth import AccessToken, TokenHolder
    from ._binding import Async, Sync
    from ._client import DEFAULT_BASE_URL, Client
    from ._collection import Collection
    from ._ratelimit import Throttler
    from ._resource import RelatedList, Resource
    from ._retry import RetryPolicy
    from .errors import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        BadRequestError,
        ConflictError,
        ForbiddenError,
        InvalidResponseError,
        InvalidValueError,
        LightspeedError,
        LoginRequiredError,
        NotFoundError,
        OperationNotAllowedError,
        RateLimitError,
        ServerError,
        UnauthorizedError,
        UnprocessableEntityError,
        WriteOutcomeUnknownError,
    )
    from .models import (
        Category,
        Customer,
        Employee,
        Image,
        Inventory,
        Item,
        ItemAttributeSet,
        ItemMatrix,
        Order,
        PriceLevel,
        Sale,
        SaleLine,
        Shop,
        SpecialOrder,
        Vendor,
    )
    from .models.account import Account, AsyncAccount
    from .query import F, Or, Query, estimate_cost

_EXPORTS: dict[str, str] = {
    "APIConnectionError": ".errors",
    "APIStatusError": ".errors",
    "APITimeoutError": ".errors",
    "Account": ".models.account",
    "Async": "._binding",
    "AsyncAccount": ".models.account",
    "AsyncClient": "._async_client",
    "AsyncCollection": "._async_collection",
    "BadRequestError": ".errors",
    "Category": ".models",
    "Client": "._client",
    "Collection": "._collection",
    "ConflictError": ".errors",
    "Customer": ".models",
    "DEFAULT_BASE_URL": "._client",
    "Employee": ".models",
    "F": ".query",
    "ForbiddenError": ".errors",
    "Image": ".models",
    "InvalidResponseError": ".errors",
    "InvalidValueError": ".errors",
    "Inventory": ".models",
    "Item": ".models",
    "ItemAttributeSet": ".models",
    "ItemMatrix": ".models",
    "LightspeedError": ".errors",
    "LoginRequiredError": ".errors",
    "NotFoundError": ".errors",
    "OperationNotAllowedError": ".errors",
    "Or": ".query",
    "Order": ".models",
    "PriceLevel": ".models",
    "Query": ".query",
    "RateLimitError": ".errors",
    "RelatedList": "._resource",
    "Resource": "._resource",
    "RetryPolicy": "._retry",
    "Sale": ".models",
    "SaleLine": ".models",
    "ServerError": ".errors",
    "Shop": ".models",
    "SpecialOrder": ".models",
    "Sync": "._binding",
    "Throttler": "._ratelimit",
    "TokenHolder": "._auth",
    "AccessToken": "._auth",
    "UnauthorizedError": ".errors",
    "UnprocessableEntityError": ".errors",
    "Vendor": ".models",
    "WriteOutcomeUnknownError": ".errors",
    "estimate_cost": ".query",
}
"""Where each public name lives: imported on first use, so that importing one part (the sandbox,
the core) does not load the rest (pydantic, the models, the clients)."""

_SUBMODULES = frozenset({"errors", "oauth", "query", "models"})


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AccessToken",
    "Account",
    "Async",
    "AsyncAccount",
    "AsyncClient",
    "AsyncCollection",
    "BadRequestError",
    "Category",
    "Client",
    "Collection",
    "ConflictError",
    "Customer",
    "Employee",
    "F",
    "ForbiddenError",
    "Image",
    "InvalidResponseError",
    "InvalidValueError",
    "Inventory",
    "Item",
    "ItemAttributeSet",
    "ItemMatrix",
    "LightspeedError",
    "LoginRequiredError",
    "NotFoundError",
    "OperationNotAllowedError",
    "Or",
    "Order",
    "PriceLevel",
    "Query",
    "RateLimitError",
    "RelatedList",
    "Resource",
    "RetryPolicy",
    "Sale",
    "SaleLine",
    "ServerError",
    "Shop",
    "SpecialOrder",
    "Sync",
    "Throttler",
    "TokenHolder",
    "UnauthorizedError",
    "UnprocessableEntityError",
    "Vendor",
    "WriteOutcomeUnknownError",
    "__version__",
    "errors",
    "estimate_cost",
    "oauth",
    "query",
]
