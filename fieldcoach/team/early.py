"""Reading the Team view's first figures while Textual loads.

On a large team the first figures cost about half as much CPU as Textual's own start.
In one process the two share one interpreter lock, so the window would wait for their
sum; where the system can fork, a child process reads the figures on another core and
hands them over through a pipe (pickled) to the view's first worker, which waits for
them only if they are not there yet. The child does what the parent would (it opens the
database and records the view in the audit log) and leaves without running anything of
the parent's at exit. Where there is no fork, or no second core, a thread reads them.

If the child dies before answering, the worker reads the figures itself."""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

from ..errors import UserError

T = TypeVar("T")


class Early(Generic[T]):
    """An answer being read; result() waits for it (raising what reading raised)."""

    def result(self) -> T:
        raise NotImplementedError

    def close(self) -> None:
        """Never taken: let go of it (the reader finishes on its own)."""


class _Threaded(Early[T]):
    def __init__(self, fn: Callable[[], T]) -> None:
        self._done: Future[T] = Future()

        def run() -> None:
            try:
                self._done.set_result(fn())
            except BaseException as exc:  # handed to result(): the view says what went wrong
                self._done.set_exception(exc)

        threading.Thread(target=run, name="team-figures-early", daemon=True).start()

    def result(self) -> T:
        return self._done.result()

    def close(self) -> None:
        self._done.exception()  # it holds the database connection: let it finish with it


class _Forked(Early[T]):
    def __init__(self, fn: Callable[[], T]) -> None:
        self._fn = fn
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: answer, then leave at once
            os.close(read)
            _answer(write, fn)
        os.close(write)
        self._pid: int | None = pid
        self._read: int | None = read

    def _reap(self, wait: bool) -> None:
        if self._pid is not None:
            try:
                if os.waitpid(self._pid, 0 if wait else os.WNOHANG)[0] or wait:
                    self._pid = None
            except ChildProcessError:
                self._pid = None

    def result(self) -> T:
        if self._read is None:
            raise RuntimeError("the early answer was taken already")
        with os.fdopen(self._read, "rb") as pipe:
            self._read = None
            data = pipe.read()
        self._reap(wait=True)
        if not data:  # the child died before answering: read here
            return self._fn()
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        if self._read is not None:
            os.close(self._read)
            self._read = None
        self._reap(wait=False)


def _answer(fd: int, fn: Callable[[], object]) -> None:
    """In the child: fn's value or error, pickled into fd; then exit."""
    try:
        try:
            answer: tuple[bool, object] = (True, fn())
        except BaseException as exc:
            answer = (False, exc)
        try:
            data = pickle.dumps(answer)
        except Exception:  # an error the pipe cannot carry: its words can
            data = pickle.dumps((False, UserError(str(answer[1]))))
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)


def read_early(fn: Callable[[], T]) -> Early[T]:
    """Start fn() now, in a child process where there is fork and a second core, else on
    a thread."""
    if hasattr(os, "fork") and _cores() > 1:
        return _Forked(fn)
    return _Threaded(fn)


def _cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than the
    machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
