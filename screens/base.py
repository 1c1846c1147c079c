"""What every screen shares: typed access to the App, and one way to run blocking work.

Database work never runs on the event loop (beyond the note line's one-row insert): a
screen calls `self.run_blocking(what, fn, *args)`, which runs `fn` in a thread worker and
posts back a `Loaded` message with its result, or a `Failed` message with one line a
person can read. Screens handle them in `on_loaded` / `on_failed`, dispatching on `what`.
Results therefore arrive as ordinary Textual messages (testable with `message_hook`),
never by calling a screen's private methods from another thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import Worker

from fieldcoach.errors import CoachingError, FieldError, StoreError

if TYPE_CHECKING:
    from screens.app import FieldcoachApp

ResultT = TypeVar("ResultT")


class Loaded(Message):
    """Blocking work named `what` finished with `value`. For the screen that ran it only."""

    bubble = False

    def __init__(self, what: str, value: Any) -> None:
        super().__init__()
        self.what = what
        self.value = value


class Failed(Message):
    """Blocking work named `what` failed. `text` is one line for a person; `field` names
    the form field at fault when the error is a FieldError. For the screen that ran it only."""

    bubble = False

    def __init__(self, what: str, error: BaseException, text: str, field: str = "") -> None:
        super().__init__()
        self.what = what
        self.error = error
        self.text = text
        self.field = field


def describe_failure(what: str, exc: BaseException, *, reading: bool = False) -> tuple[str, str]:
    """(one line, field) for an exception from blocking work: a user's error as it
    explains itself; a failed read as `db.read_failure` says it (the plain sentence when
    the file is at fault, else what could not be read); a failed write's database problem
    as its plain sentence, anything else named."""
    from fieldcoach.db import friendly_error, read_failure

    if isinstance(exc, FieldError):
        return exc.message, exc.field
    if isinstance(exc, (CoachingError, StoreError)):
        return str(exc), ""
    if reading:
        return read_failure(exc, what), ""
    friendly = friendly_error(exc, what)
    if friendly is not None:
        return str(friendly), ""
    return f"{what[:1].upper()}{what[1:]} failed: {exc}", ""


class WorkRunner:
    """Mixin for screens (full and modal): `fc` and `run_blocking`."""

    @property
    def fc(self) -> FieldcoachApp:
        """The App, typed (`self.app` is typed as any App)."""
        return cast("FieldcoachApp", self.app)  # type: ignore[attr-defined]  # mixin: self is a Screen

    def run_blocking(self, what: str, fn: Callable[..., ResultT], *args: Any,
                     exclusive: bool = True, **kwargs: Any) -> Worker[None]:
        """Run fn(*args, **kwargs) in a thread worker; post Loaded(what, result) or
        Failed(what, ...) to this screen. `exclusive` cancels a previous run of the same
        `what` (a newer load supersedes an older one)."""
        target: Any = self
        store = getattr(target.app, "store", None)  # the Team view's App has none
        reading = store is not None and fn == store.read  # a read failing says "could not be read"

        def job() -> None:
            try:
                value = fn(*args, **kwargs)
            except Exception as exc:  # every failure becomes a message, never an app crash
                text, field = describe_failure(what, exc, reading=reading)
                target.post_message(Failed(what, exc, text, field))
            else:
                target.post_message(Loaded(what, value))

        worker: Worker[None] = target.run_worker(job, thread=True, exclusive=exclusive,
                                                 exit_on_error=False, group=what, name=what)
        return worker


ScreenResultT = TypeVar("ScreenResultT")


class BaseScreen(WorkRunner, Screen[ScreenResultT], Generic[ScreenResultT]):
    """A full screen of fieldcoach."""

    def leave(self) -> bool:
        """Pop this screen if it is the one showing; True if it did. A result that reaches
        a screen already left (a read that answers after a pop) must not pop the screen
        showing now in its place."""
        if self.app.screen is not self:
            return False
        self.app.pop_screen()
        return True


class BaseModal(WorkRunner, ModalScreen[ScreenResultT], Generic[ScreenResultT]):
    """A modal dialog or form of fieldcoach."""
