"""lightspeed-pos: a complete, typed client for Lightspeed Retail's (R-Series) point-of-sale API.

    import lightspeed_pos as ls
    client = ls.Client(oauth_token_holder=holder)
    for item in client.account(120645).items.each():
        ...

The public surface is exactly ``__all__``. See README.md and ARCHITECTURE.md.
"""

from __future__ import annotations

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
from ._version import __version__
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
    Account,
    AsyncAccount,
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
from .query import F, Or, Query, estimate_cost

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
