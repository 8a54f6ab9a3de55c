"""Benchmarks of lightspeed-pos against its sandbox: ``make bench`` (``python -m benchmarks``).

Every figure is a ratio measured in one run next to its baselines:

* :mod:`benchmarks.ratelimit` - rate-limit efficiency (theoretical minimum time from the bucket
  divided by the achieved time) and 429s, for reads and for mixed reads and writes, single
  thread, 8 threads on one account and 50 accounts on one AsyncClient, beside the Ruby gem's
  throttling policy and a naive client that only obeys ``Retry-After``;
* :mod:`benchmarks.overhead` - requests per second and CPU per request of ``Client`` and
  ``AsyncClient`` against raw httpx2 plus ``json.loads``, and the parse time of a 100-item page;
* :mod:`benchmarks.memory` - peak RSS while iterating 100,000 items with ``each()`` against
  ``all()``, each in its own subprocess;
* :mod:`benchmarks.shared` - processes x threads on one account sharing the bucket through Redis
  (efficiency and 429s, beside separate throttlers), and a refresh storm of processes sharing one
  token (refreshes per minute, refresh tokens spent twice or lost).

Results go to ``benchmarks/results.json`` and a table in ``docs/benchmarks.md``; targets are
checked here (PASS/FAIL in the table), never by timed assertions in tests.
"""
