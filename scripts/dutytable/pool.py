"""Worker processes that end with the run that started them.

A run killed from outside (Task Manager, a shutdown, ``kill -9``) gets no chance to stop
its process pool, and a pool worker waits for work forever: each killed run would leave
its workers behind, holding memory. Every worker started here watches its parent and
exits as soon as the parent is gone.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
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
