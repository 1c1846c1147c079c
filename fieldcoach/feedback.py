"""What the feedback script asks of the store: open a call's debrief, save an answer or a
rating, agree a next step, save the rep's words, close the debrief with its recap.

Each function takes the Store and returns frozen dataclasses; the feedback screen runs
them in thread workers. The steps themselves are built in `debrief` (pure rules). The ORM
(`services`, about 1 s of imports on a small laptop) is imported on the first save, in
the worker that makes it, never on the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from . import coaching
from .debrief import DebriefStep
from .errors import CoachingError

if TYPE_CHECKING:
    from .lookups import Settings
    from .queries import CallDetail, QuestionRow
    from .store import Store


@dataclass(frozen=True)
class Debrief:
    """What the script opens on. `detail` is None when the call no longer exists."""

    detail: CallDetail | None
    script: list[QuestionRow]
    settings: Settings


@dataclass(frozen=True)
class ClosedDebrief:
    """The call once its debrief is done, with the recap to copy or save."""

    detail: CallDetail
    text: str
    markdown: str


def open_debrief(store: Store, call_id: str, now: datetime) -> Debrief:
    """The call, the script and the settings. A debrief opened for the first time is
    stamped as started: the feedback delay is measured to that moment."""
    from . import lookups, queries

    detail = store.read(queries.call_detail, call_id, now)
    if detail is not None and detail.call.status == coaching.DEBRIEF \
            and detail.call.feedback_started_at is None:
        from . import services

        services.begin_feedback(store, call_id, now=now)
        detail = store.read(queries.call_detail, call_id, now)
    return Debrief(detail, store.read(queries.script), store.read(lookups.settings))


def save_answer(store: Store, call_id: str, step: DebriefStep, text: str) -> DebriefStep:
    """The rep's answer to one question of the script; returns the step answered."""
    from . import services

    services.save_answer(store, call_id, question=step.prompt, answer=text, by="rep",
                         question_id=step.question_id, position=step.position)
    return step


def save_rating(store: Store, call_id: str, skill_id: str, by: str, score: int | None) -> None:
    """A 1–5 rating of a focus skill by the rep or the manager; None clears it."""
    from . import services

    services.save_rating(store, call_id, skill_id, by, score)


def agree_step(store: Store, call_id: str, *, rep_id: str, owner: str, action: str,
               due_at: datetime | None, now: datetime) -> CallDetail:
    """Add a next step agreed on this call; returns the call with its steps."""
    from . import queries, services

    services.add_next_step(store, rep_id=rep_id, action=action, owner=owner, due_at=due_at,
                           call_id=call_id)
    detail = store.read(queries.call_detail, call_id, now)
    if detail is None:
        raise CoachingError("That call no longer exists.")
    return detail


def save_rep_voice(store: Store, call_id: str, *, acknowledged: bool, comment: str,
                   now: datetime) -> CallDetail:
    """The rep acknowledges the recap and/or comments in their own words (or neither);
    returns the call as saved."""
    from . import queries, services

    services.save_rep_voice(store, call_id, acknowledged=acknowledged, comment=comment, now=now)
    detail = store.read(queries.call_detail, call_id, now)
    if detail is None:
        raise CoachingError("That call no longer exists.")
    return detail


def close_debrief(store: Store, call_id: str, now: datetime, tz: tzinfo,
                  stages: dict[str, str]) -> ClosedDebrief:
    """Mark the debrief done (once; a coaching call needs an agreed next step, else
    CoachingError) and build its recap. `stages` maps script questions to their stage."""
    from . import lookups, queries
    from .recap import recap_markdown, recap_text

    row = store.read(lookups.find_call, call_id)
    if row is not None and row.status != coaching.DONE:
        from . import services

        services.finish_call(store, call_id, now=now)
    detail = store.read(queries.call_detail, call_id, now)
    if detail is None:
        raise CoachingError("That call no longer exists.")
    return ClosedDebrief(detail, recap_text(detail, tz, stages), recap_markdown(detail, tz, stages))
