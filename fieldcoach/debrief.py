"""The feedback script as a list of steps, one question at a time. No UI, no database.

Order follows the coaching model: the rep's self-assessment first, then the manager's
observations turned into questions (strengths and things to work on first), then the
rep's ratings, then the manager's (revealed only after the rep's), keep / stop / start,
the agreed next step(s), the rep's words on it (acknowledged, a comment), and the recap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from . import coaching
from .notes import NoteRow

ANSWER, RATE_REP, RATE_MANAGER, NEXT, RECAP = "answer", "rate_rep", "rate_manager", "next", "recap"
VOICE = "voice"  # the rep's words: acknowledge the recap, comment (PRODUCT.md section 9)
REP_COMMENT_LIMIT = 20_000  # characters, as an answer
OBS_POSITION, KSS_POSITION = 100, 200

STAGE_LABELS = {
    coaching.STAGE_SELF: "Self-assessment",
    coaching.STAGE_OBSERVATIONS: "Observations",
    coaching.STAGE_RATINGS: "Ratings",
    coaching.STAGE_KSS: "Keep / stop / start",
    coaching.STAGE_NEXT: "Next step",
    VOICE: "Rep's words",
    "recap": "Recap",
}



class ScriptLine(Protocol):
    """One question of the feedback script (queries.QuestionRow has these)."""

    @property
    def id(self) -> str: ...
    @property
    def stage(self) -> str: ...
    @property
    def text(self) -> str: ...


_NOTE_ORDER = {"strength": 0, "improve": 1, "question": 2, "plain": 3}


@dataclass(frozen=True)
class DebriefStep:
    kind: str
    stage: str
    prompt: str
    question_id: str | None = None
    position: int = 0
    note_kind: str | None = None
    skill_id: str | None = None

    @property
    def label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)


def observation_notes(notes: Sequence[NoteRow]) -> list[NoteRow]:
    """Shared notes in the order they are discussed: strengths, to work on, questions, other."""
    shared = [n for n in notes if not n.private]
    return sorted(shared, key=lambda n: (_NOTE_ORDER.get(n.kind, 9), n.taken_at))


def build_steps(script: Sequence[ScriptLine], notes: Sequence[NoteRow],
                skill_ids: Sequence[str]) -> list[DebriefStep]:
    steps: list[DebriefStep] = []
    self_qs = [q for q in script if q.stage == coaching.STAGE_SELF]
    kss_qs = [q for q in script if q.stage == coaching.STAGE_KSS]
    for i, q in enumerate(self_qs):
        steps.append(DebriefStep(ANSWER, coaching.STAGE_SELF, q.text, q.id, i))
    for i, n in enumerate(observation_notes(notes)):
        steps.append(DebriefStep(ANSWER, coaching.STAGE_OBSERVATIONS,
                                 coaching.observation_prompt(n.kind, n.text), None, OBS_POSITION + i,
                                 n.kind, n.skill_id))
    if skill_ids:
        steps.append(DebriefStep(RATE_REP, coaching.STAGE_RATINGS,
                                 "The rep rates each skill first, 1 to 5."))
        steps.append(DebriefStep(RATE_MANAGER, coaching.STAGE_RATINGS,
                                 "Now your ratings, beside the rep's."))
    for i, q in enumerate(kss_qs):
        steps.append(DebriefStep(ANSWER, coaching.STAGE_KSS, q.text, q.id, KSS_POSITION + i))
    steps.append(DebriefStep(NEXT, coaching.STAGE_NEXT,
                             "What is the agreed next step? Who does what, by when?"))
    steps.append(DebriefStep(VOICE, VOICE, "The rep acknowledges the recap or comments on it."))
    steps.append(DebriefStep(RECAP, "recap", "Recap"))
    return steps


def stage_map(script: Sequence[ScriptLine]) -> dict[str, str]:
    """Question text -> stage, for the recap."""
    return {q.text: q.stage for q in script}
