"""The work queue of many sync workers: (account, stream) jobs in a table of the destination.

A worker claims a job (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers never wait on each
other; one statement in SQLite's single writer), holds it under a lease that it renews while the
job runs, and completes or fails it. A worker that dies stops renewing: its lease lapses and the
next worker to claim takes the job over, resuming from the stream's checkpoint (a job is safe to
run again from any point). Every time is the database server's clock, so workers on machines whose
clocks disagree still agree on leases. SQLAlchemy Core: the same statements on PostgreSQL and
SQLite (the sync extra).

Nothing here knows what a job does: :func:`work` takes a callable that runs one (account, stream).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

__all__ = [
    "JOBS_TABLE",
    "Claim",
    "JobQueue",
    "JobStatus",
    "WorkSummary",
    "create_tables",
    "work",
]

logger = logging.getLogger("lightspeed_pos")

JOBS_TABLE = "_lightspeed_jobs"
DEFAULT_LEASE = 60.0
MAX_ATTEMPTS = 5
MAX_ERROR = 2000

_METADATA = sa.MetaData()
_JOBS = sa.Table(
    JOBS_TABLE,
    _METADATA,
    sa.Column("account_id", sa.BigInteger, primary_key=True),
    sa.Column("stream", sa.String(100), primary_key=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("lease_owner", sa.String(200)),
    sa.Column("lease_until", sa.Float),
    sa.Column("available_at", sa.Float, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("runs", sa.Integer, nullable=False, default=0),
    sa.Column("enqueued_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float),
    sa.Column("finished_at", sa.Float),
    sa.Column("last_error", sa.Text),
    sa.Column("last_result", sa.Text),
)
_INDEX = sa.Index(f"ix{JOBS_TABLE}_claim", _JOBS.c.state, _JOBS.c.available_at)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


_DDL_LOCK = 0x4C535359  # "LSSY": the advisory lock PostgreSQL DDL of the sync is created under


def create_tables(engine: sa.Engine, tables: list[sa.Table]) -> None:
    """Create the tables (and their indexes) that do not exist yet, safe when several processes do
    it at once: under a transaction-scoped advisory lock on PostgreSQL (a plain ``IF NOT EXISTS``
    still races there on the type catalogue), ``IF NOT EXISTS`` on SQLite (one writer), where a
    writer that meets another's lock outside the busy handler (switching to WAL, upgrading a read
    lock) is told "database is locked" at once: that creation is tried again, a few times."""
    for attempt in range(20):
        try:
            _create_tables(engine, tables)
            return
        except sa.exc.OperationalError as exc:
            if engine.dialect.name != "sqlite" or "locked" not in str(exc) or attempt == 19:
                raise
            time.sleep(0.05 * (attempt + 1))


def _create_tables(engine: sa.Engine, tables: list[sa.Table]) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_DDL_LOCK)))
            for table in tables:
                table.create(conn, checkfirst=True)
            return
        for table in tables:
            conn.execute(sa.schema.CreateTable(table, if_not_exists=True))
            for index in table.indexes:
                conn.execute(sa.schema.CreateIndex(index, if_not_exists=True))


def engine_url(url: str) -> str:
    """``postgresql://`` goes through psycopg 3; a bare path is an SQLite file."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{url}"
    return url


def default_worker_id() -> str:
    """``host:pid:random``: unique, and says where a lease's holder runs."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Claim:
    """A job this worker holds: run it, then :meth:`JobQueue.complete` or :meth:`JobQueue.fail`."""

    account_id: int
    stream: str
    attempt: int
    worker: str


@dataclass(frozen=True)
class JobStatus:
    """One row of ``lightspeed sync status``."""

    account_id: int
    stream: str
    state: str
    lease_owner: str | None
    lease_left: float | None
    """Seconds until the lease lapses (negative: lapsed, the job is claimable again)."""
    attempts: int
    runs: int
    started_at: float | None
    finished_at: float | None
    last_error: str | None
    last_result: str | None


class JobQueue:
    """The jobs table of one database (``postgresql://...`` or an SQLite file)."""

    def __init__(
        self,
        url: str | sa.Engine,
        *,
        lease: float = DEFAULT_LEASE,
        max_attempts: int = MAX_ATTEMPTS,
        retry_after: float = 2.0,
    ) -> None:
        if lease <= 0:
            raise ValueError("lease must be positive (seconds)")
        if isinstance(url, sa.Engine):
            self.engine, self._owned = url, False
        else:
            options: dict[str, Any] = {}
            if engine_url(url).startswith("sqlite"):
                options["connect_args"] = {"timeout": 60}
            self.engine, self._owned = sa.create_engine(engine_url(url), **options), True
        self.lease = lease
        self.max_attempts = max_attempts
        self.retry_after = retry_after
        """The first retry's delay (seconds); it doubles with each attempt, up to 5 minutes."""
        self.dialect = self.engine.dialect.name
        if self.dialect not in ("postgresql", "sqlite"):
            raise ValueError(f"the job queue needs PostgreSQL or SQLite, not {self.dialect}")
        create_tables(self.engine, [_JOBS])

    def __repr__(self) -> str:
        return f"<JobQueue {self.engine.url.render_as_string(hide_password=True)}>"

    def close(self) -> None:
        if self._owned:
            self.engine.dispose()

    def _now(self) -> Any:
        """The database server's clock, in seconds since the epoch."""
        if self.dialect == "postgresql":
            return sa.literal_column("extract(epoch from clock_timestamp())", sa.Float)
        return sa.literal_column("((julianday('now') - 2440587.5) * 86400.0)", sa.Float)

    def now(self) -> float:
        with self.engine.connect() as conn:
            return float(conn.execute(sa.select(self._now())).scalar_one())

    # --- filling ---------------------------------------------------------------------------------
    def enqueue(self, jobs: Iterable[tuple[int, str]]) -> int:
        """Queue each (account, stream); a finished or failed job is queued again, a queued or
        running one is left as it is. Returns how many were (re)queued."""
        rows = list(dict.fromkeys((int(a), str(s)) for a, s in jobs))
        if not rows:
            return 0
        queued = 0
        with self.engine.begin() as conn:
            now = float(conn.execute(sa.select(self._now())).scalar_one())
            for account_id, stream in rows:
                key = (_JOBS.c.account_id == account_id) & (_JOBS.c.stream == stream)
                again = (
                    sa.update(_JOBS)
                    .where(key, _JOBS.c.state.in_([DONE, FAILED]))
                    .values(state=QUEUED, available_at=now, enqueued_at=now, attempts=0, last_error=None)
                )
                if conn.execute(again).rowcount:
                    queued += 1
                    continue
                exists = conn.execute(sa.select(_JOBS.c.state).where(key)).first()
                if exists is None:
                    conn.execute(
                        sa.insert(_JOBS).values(
                            account_id=account_id,
                            stream=stream,
                            state=QUEUED,
                            available_at=now,
                            enqueued_at=now,
                            attempts=0,
                            runs=0,
                        )
                    )
                    queued += 1
        return queued

    # --- a worker's side -------------------------------------------------------------------------
    def claim(self, worker: str) -> Claim | None:
        """The next job to run, leased to ``worker``: a queued one whose time has come, or a
        running one whose lease lapsed (its worker died). ``None`` when there is none."""
        now = self._now()
        claimable = sa.or_(
            sa.and_(_JOBS.c.state == QUEUED, _JOBS.c.available_at <= now),
            sa.and_(_JOBS.c.state == RUNNING, _JOBS.c.lease_until < now),
        )
        pick = (
            sa.select(_JOBS.c.account_id, _JOBS.c.stream)
            .where(claimable)
            .order_by(_JOBS.c.available_at, _JOBS.c.account_id, _JOBS.c.stream)
            .limit(1)
        )
        if self.dialect == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        picked = pick.subquery()
        statement = (
            sa.update(_JOBS)
            .where(_JOBS.c.account_id == picked.c.account_id, _JOBS.c.stream == picked.c.stream)
            .values(
                state=RUNNING,
                lease_owner=worker,
                lease_until=now + self.lease,
                attempts=_JOBS.c.attempts + 1,
                started_at=now,
            )
            .returning(_JOBS.c.account_id, _JOBS.c.stream, _JOBS.c.attempts)
        )
        with self.engine.begin() as conn:
            row = conn.execute(statement).first()
        if row is None:
            return None
        logger.debug("worker %s claimed %s/%s (attempt %d)", worker, row[0], row[1], row[2])
        return Claim(int(row[0]), str(row[1]), int(row[2]), worker)

    def _held(self, claim: Claim) -> Any:
        return sa.and_(
            _JOBS.c.account_id == claim.account_id,
            _JOBS.c.stream == claim.stream,
            _JOBS.c.state == RUNNING,
            _JOBS.c.lease_owner == claim.worker,
        )

    def renew(self, claim: Claim) -> bool:
        """Extend the lease; ``False`` when it is no longer this worker's (it lapsed and another
        worker took the job over)."""
        statement = sa.update(_JOBS).where(self._held(claim)).values(lease_until=self._now() + self.lease)
        with self.engine.begin() as conn:
            return bool(conn.execute(statement).rowcount)

    def complete(self, claim: Claim, result: str | None = None) -> bool:
        """The job ran to its end; ``False`` when the lease was no longer held (nothing changes)."""
        statement = (
            sa.update(_JOBS)
            .where(self._held(claim))
            .values(
                state=DONE,
                lease_owner=None,
                lease_until=None,
                finished_at=self._now(),
                runs=_JOBS.c.runs + 1,
                last_error=None,
                last_result=result,
            )
        )
        with self.engine.begin() as conn:
            return bool(conn.execute(statement).rowcount)

    def fail(self, claim: Claim, error: str) -> bool:
        """The job failed: queued again after a backoff, or ``failed`` after ``max_attempts``."""
        final = claim.attempt >= self.max_attempts
        backoff = min(300.0, self.retry_after * 2.0 ** (claim.attempt - 1))
        statement = (
            sa.update(_JOBS)
            .where(self._held(claim))
            .values(
                state=FAILED if final else QUEUED,
                lease_owner=None,
                lease_until=None,
                available_at=self._now() + backoff,
                finished_at=self._now(),
                last_error=error[:MAX_ERROR],
            )
        )
        with self.engine.begin() as conn:
            return bool(conn.execute(statement).rowcount)

    # --- reading ---------------------------------------------------------------------------------
    def status(self) -> list[JobStatus]:
        """Every job, with its lease, last run and last error."""
        with self.engine.connect() as conn:
            now = float(conn.execute(sa.select(self._now())).scalar_one())
            rows = (
                conn.execute(sa.select(_JOBS).order_by(_JOBS.c.account_id, _JOBS.c.stream)).mappings().all()
            )
        return [
            JobStatus(
                account_id=int(row["account_id"]),
                stream=str(row["stream"]),
                state=str(row["state"]),
                lease_owner=row["lease_owner"],
                lease_left=None if row["lease_until"] is None else float(row["lease_until"]) - now,
                attempts=int(row["attempts"]),
                runs=int(row["runs"]),
                started_at=row["started_at"],
                finished_at=row["finished_at"],
                last_error=row["last_error"],
                last_result=row["last_result"],
            )
            for row in rows
        ]

    def pending(self) -> int:
        """Jobs not finished yet (queued, or running)."""
        with self.engine.connect() as conn:
            statement = (
                sa.select(sa.func.count()).select_from(_JOBS).where(_JOBS.c.state.in_([QUEUED, RUNNING]))
            )
            return int(conn.execute(statement).scalar_one())


@dataclass
class WorkSummary:
    """What one worker did."""

    worker: str
    completed: int = 0
    failed: int = 0
    lost: int = 0
    """Jobs whose lease lapsed while they ran (another worker took them over)."""


class _Heartbeat:
    """Renews a claim's lease every third of the lease until stopped."""

    def __init__(self, queue: JobQueue, claim: Claim) -> None:
        self.queue, self.claim = queue, claim
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"lease {claim.account_id}/{claim.stream}", daemon=True
        )

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.queue.lease / 3):
            try:
                if not self.queue.renew(self.claim):
                    self.lost = True
                    logger.warning(
                        "the lease on %s/%s lapsed: another worker has it now",
                        self.claim.account_id,
                        self.claim.stream,
                    )
                    return
            except sa.exc.SQLAlchemyError as exc:  # the database restarting: try again next beat
                logger.debug("renewing the lease failed (%s)", type(exc).__name__)


RunOne = Callable[[int, str], Any]
"""Runs one (account, stream) job; what it returns is kept as the job's last result (``str()``)."""


def work(
    queue: JobQueue,
    run_one: RunOne,
    *,
    worker: str | None = None,
    until_empty: bool = True,
    poll: float = 1.0,
    stop: threading.Event | None = None,
    describe_error: Callable[[BaseException], str] = lambda exc: f"{type(exc).__name__}: {exc}",
) -> WorkSummary:
    """Claim and run jobs one at a time until the queue has nothing left for this worker
    (``until_empty``; jobs other workers are running count as nothing left), or until ``stop``.
    A job that raises is failed with ``describe_error(exc)`` and retried later."""
    worker = worker or default_worker_id()
    summary = WorkSummary(worker)
    while stop is None or not stop.is_set():
        claim = queue.claim(worker)
        if claim is None:
            if until_empty and not _others_running(queue):
                return summary
            time.sleep(poll)
            continue
        with _Heartbeat(queue, claim) as beat:
            try:
                result = run_one(claim.account_id, claim.stream)
            except Exception as exc:
                logger.warning("job %s/%s failed: %s", claim.account_id, claim.stream, describe_error(exc))
                queue.fail(claim, describe_error(exc))
                summary.failed += 1
                continue
        if beat.lost or not queue.complete(claim, None if result is None else str(result)):
            summary.lost += 1
        else:
            summary.completed += 1
    return summary


def _others_running(queue: JobQueue) -> bool:
    """Whether a job is still queued (waiting out a backoff) or running elsewhere: one of them may
    come back to this worker when its lease lapses or its backoff ends."""
    return queue.pending() > 0


def run_pool(
    target: Callable[..., Any],
    args: Sequence[Any],
    processes: int,
) -> list[int]:
    """Start ``processes`` worker processes (spawned) running ``target(*args)``; wait for all of
    them; their exit codes."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    started = [
        context.Process(target=target, args=tuple(args), name=f"lightspeed worker {n}")
        for n in range(processes)
    ]
    for process in started:
        process.start()
    for process in started:
        process.join()
    return [process.exitcode if process.exitcode is not None else -1 for process in started]
