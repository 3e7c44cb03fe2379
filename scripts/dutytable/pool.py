"""Worker processes that end with the run that started them.

A run killed from outside (Task Manager, a shutdown, ``kill -9``) gets no chance to stop
its process pool, and a pool worker waits for work forever: each killed run would leave
its workers behind, holding memory. Every worker started here watches its parent and
exits as soon as the parent is gone.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor

_POLL_SECONDS = 1.0


def _exit_with_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    # The OS parent at start: the run itself under fork and spawn, the fork server under forkserver.
    first_ppid = os.getppid()

    def watch() -> None:
        while True:
            parent.join(_POLL_SECONDS)  # returns early when the parent's sentinel closes
            gone = not parent.is_alive()
            if hasattr(os, "getppid") and os.name != "nt":
                gone = gone or os.getppid() != first_ppid  # POSIX: an orphan is adopted by another process
            if gone:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _start(initializer, initargs) -> None:
    _exit_with_parent()
    if initializer is not None:
        initializer(*initargs)


def worker_pool(workers: int, initializer=None, initargs: tuple = ()) -> ProcessPoolExecutor:
    """A ProcessPoolExecutor whose workers exit when this process dies; ``initializer`` runs in each first."""
    return ProcessPoolExecutor(max_workers=workers, initializer=_start, initargs=(initializer, initargs))


def _run_chunk(fn, chunk):
    return [fn(*args) for args in chunk]


def ordered_map(pool: ProcessPoolExecutor, fn, *iterables, chunksize: int = 16, ahead: int = 4):
    """``pool.map(fn, *iterables)``'s results in order, with at most ``ahead`` chunks given out and not yet taken.

    ``pool.map`` hands every item out at once: when the caller is slower than the workers (it
    writes each result to disk), their results pile up in memory. Here a chunk is given out
    only as an earlier one is taken, so memory stays flat however many items there are.
    """
    items = zip(*iterables)
    given = deque()

    def give() -> None:
        chunk = list(itertools.islice(items, chunksize))
        if chunk:
            given.append(pool.submit(_run_chunk, fn, chunk))

    for _ in range(ahead):
        give()
    try:
        while given:
            results = given.popleft().result()
            give()
            yield from results
    finally:  # the caller stopped early (an error, Ctrl+C): chunks not yet started are not worked on
        for future in given:
            future.cancel()
