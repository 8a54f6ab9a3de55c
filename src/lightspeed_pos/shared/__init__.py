"""State shared by many processes on many machines: the buckets and the tokens, in Redis.

::

    from lightspeed_pos import Client
    from lightspeed_pos.oauth import OAuthSession
    from lightspeed_pos.shared import RedisState

    state = RedisState("redis://redis.internal:6379/0", namespace="my-oauth-app")
    session = OAuthSession(CLIENT_ID, CLIENT_SECRET, store=state.token_store("store-120645"))
    client = Client(session, shared=state)

Every client built with ``shared=state`` draws on one bucket per account, whichever process or
machine it runs in (:class:`RedisState`); every session whose store is ``state.token_store(name)``
refreshes that token once for all of them (:class:`RedisTokenStore`). Without ``shared``, a client
keeps its own bucket, as before. Needs the ``redis`` extra (redis-py 5 or newer).
"""

from __future__ import annotations

from ._state import DEFAULT_NAMESPACE, RedisState, SharedState
from ._tokens import LeaseLostError, RedisTokenStore

__all__ = ["DEFAULT_NAMESPACE", "LeaseLostError", "RedisState", "RedisTokenStore", "SharedState"]
