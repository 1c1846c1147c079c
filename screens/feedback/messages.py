"""What a step widget tells the feedback screen. The widgets never save: the screen does,
in a worker, and moves the script on."""

from __future__ import annotations

from datetime import datetime

from textual.message import Message

from fieldcoach.debrief import DebriefStep


class StepDone(Message):
    """The step is complete and holds nothing more to save: go on to the next."""


class AnswerGiven(Message):
    """The rep answered `step` (perhaps with nothing): save it if it changed, go on."""

    def __init__(self, step: DebriefStep, text: str) -> None:
        super().__init__()
        self.step = step
        self.text = text


class RatingSet(Message):
    """A skill was rated (score 1–5) or its rating cleared (None)."""

    def __init__(self, skill_id: str, by: str, score: int | None) -> None:
        super().__init__()
        self.skill_id = skill_id
        self.by = by
        self.score = score


class StepAdded(Message):
    """A next step was typed and checked: save it; then go on if `then_next`."""

    def __init__(self, owner: str, action: str, due_at: datetime | None, then_next: bool) -> None:
        super().__init__()
        self.owner = owner
        self.action = action
        self.due_at = due_at
        self.then_next = then_next


class RecapSaveAsked(Message):
    """Save the recap as a file."""


class VoiceGiven(Message):
    """The rep has had their say at the end of the debrief (perhaps nothing): save it, go on."""

    def __init__(self, acknowledged: bool, comment: str) -> None:
        super().__init__()
        self.acknowledged = acknowledged
        self.comment = comment


class VoiceAcknowledged(Message):
    """The rep ticked or unticked the acknowledgement (a draft keeps it)."""
