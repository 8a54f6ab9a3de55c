"""What the command line does on a terminal: a pager for long output, progress while listing.

Both switch themselves off when the output is not a terminal (a pipe, a file, a test), so what a
script reads never changes: ``page_output`` then prints as usual and ``listing_progress`` draws
nothing. ``--pager``/``--no-pager`` force the pager either way; the pager is ``$PAGER`` (``less``
by default, through :func:`pydoc.pager`).
"""

from __future__ import annotations

import pydoc
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ["Tracker", "listing_progress", "page_output"]


def _is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def page_output(content: Any, pager: bool | None) -> None:
    """Print ``content`` (text, or a rich renderable) to stdout; through the pager when ``pager``,
    or when ``pager`` is ``None``, stdout is a terminal and the output is taller than it."""
    from rich.console import Console

    console = Console(soft_wrap=isinstance(content, str))
    use_pager = console.is_terminal if pager is None else pager
    if use_pager:
        plain = Console(color_system=None, width=console.width, soft_wrap=isinstance(content, str))
        with plain.capture() as captured:
            _print(plain, content)
        text = captured.get()
        if pager or text.count("\n") > console.height:
            pydoc.pager(text)
            return
    _print(console, content)


def _print(console: Any, content: Any) -> None:
    if isinstance(content, str):
        console.file.write(content)
        console.file.flush()
    else:
        console.print(content)


class Tracker:
    """Counts pages as they pass and shows the count (or nothing, when there is no terminal)."""

    def __init__(self, progress: Any = None, task: Any = None) -> None:
        self._progress = progress
        self._task = task
        self.records = 0
        self.pages = 0

    def track(self, pages: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        for page in pages:
            self.records += len(page)
            self.pages += 1
            if self._progress is not None:
                self._progress.update(self._task, records=self.records, pages=self.pages)
            yield page
        if self._progress is not None:
            self._progress.stop()  # all fetched: the line goes before anything is printed


@contextmanager
def listing_progress(name: str, *, buffered: bool) -> Iterator[Tracker]:
    """A line on stderr while a listing is fetched (records and pages so far), removed at the end;
    shown when stderr is a terminal and the records are not already scrolling past on it."""
    showing = _is_terminal(sys.stderr) and (buffered or not _is_terminal(sys.stdout))
    if not showing:
        yield Tracker()
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}: {task.fields[records]} records, {task.fields[pages]} pages"),
        console=Console(stderr=True),
        transient=True,
        redirect_stdout=False,  # the records go where stdout goes (a file, a pipe), never to the screen
        redirect_stderr=False,
    )
    with progress:
        yield Tracker(progress, progress.add_task(f"fetching {name}", records=0, pages=0))
