"""Every store mirrored into SQLite or PostgreSQL: incremental, resumable and exact.

```python
from lightspeed_pos.sync import sync

report = sync(client, "sqlite:///store.db", streams=["items", "sales"], accounts=[120645])
print(report.inserted, report.updated, report.requests)
```

``async_sync`` is the same with an :class:`~lightspeed_pos.AsyncClient`; ``sync_job`` /
``async_sync_job`` bring one (account, stream) up to date from its checkpoint (the unit of work of
a queue). Needs the ``sync`` extra (SQLAlchemy 2 and psycopg 3). See docs/sync.md.
"""

from ._dest import Destination
from ._job import StreamReport, SyncOptions
from ._rows import column_name
from ._run import SyncReport, async_sync, async_sync_job, sync, sync_job
from ._streams import DEFAULT_STREAMS, Stream, all_streams, resolve_streams

__all__ = [
    "DEFAULT_STREAMS",
    "Destination",
    "Stream",
    "StreamReport",
    "SyncOptions",
    "SyncReport",
    "all_streams",
    "async_sync",
    "async_sync_job",
    "column_name",
    "resolve_streams",
    "sync",
    "sync_job",
]
