"""The live-observation note shorthand, parsed in one place.

During a call the manager types into one line and presses Enter; a short prefix
says what kind of note it is and which of the call's skills it belongs to:

* kind markers: ``+`` strength, ``-`` something to work on, ``?`` a question to ask;
* skill tags: a single digit ``1``-``9`` (up to the call's skill count), or ``#``
  plus a case-insensitive prefix of a skill name (``#disc``). An exact name wins
  over longer names it prefixes; an ambiguous or unknown prefix is no tag.

At most one marker and one tag, in either order, glued or separated by spaces:
``+2 great open question``, ``2+ great``, ``- 1 talked over buyer``, ``#disc ?``.
Each element must end at a space, the end of the note, or another valid element,
so that ordinary text is never eaten: ``-5% discount``, ``+great``, ``9 people``
(with 3 skills), ``2026 budget`` and ``#d`` (if ambiguous) stay plain text, kept
exactly. The one accepted surprise: ``+1 555 phone`` with at least one skill is a
strength on skill 1 reading "555 phone" - the legend on screen shows why.

The body is the rest of the line, stripped, otherwise untouched (markup such as
``[bold]`` is kept literally; escaping is the display's job). A note of only
markers gives empty text; the caller refuses to save an empty note.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

__all__ = ["NoteKind", "ParsedNote", "KIND_MARKERS", "KIND_LABELS", "parse_note", "legend"]

MAX_DIGIT_TAG = 9


class NoteKind(str, Enum):
    PLAIN = "plain"
    STRENGTH = "strength"
    IMPROVE = "improve"
    QUESTION = "question"


KIND_MARKERS: dict[str, NoteKind] = {
    "+": NoteKind.STRENGTH,
    "-": NoteKind.IMPROVE,
    "?": NoteKind.QUESTION,
}
#: How the legend names each kind, in the manager's words.
KIND_LABELS: dict[NoteKind, str] = {
    NoteKind.STRENGTH: "strength",
    NoteKind.IMPROVE: "to work on",
    NoteKind.QUESTION: "question to ask",
}


@dataclass(frozen=True)
class ParsedNote:
    text: str  #: the body, markers removed and stripped
    kind: NoteKind
    skill_index: int | None  #: 1-based index into the call's skills, or None


def parse_note(raw: str, skill_count: int, skill_names: Sequence[str] = ()) -> ParsedNote:
    """Split a typed note into kind, skill tag and body. Never raises for a str."""
    names = list(skill_names)[: max(skill_count, 0)]
    start = len(raw) - len(raw.lstrip())
    kind, tag, end = _prefix(raw, start, None, None, skill_count, names)
    if end == start:  # no valid prefix: the whole note is plain text
        return ParsedNote(raw.strip(), NoteKind.PLAIN, None)
    return ParsedNote(raw[end:].strip(), kind or NoteKind.PLAIN, tag)


def _prefix(
    s: str,
    i: int,
    kind: NoteKind | None,
    tag: int | None,
    skill_count: int,
    names: list[str],
) -> tuple[NoteKind | None, int | None, int]:
    """Longest valid run of elements from ``i``: (kind, tag, index after it).

    An element is valid when followed by the end, whitespace, or another valid
    element; the recursion is at most two deep (one marker, one tag)."""
    candidates: list[tuple[NoteKind | None, int | None, int]] = []
    if kind is None and i < len(s) and s[i] in KIND_MARKERS:
        candidates.append((KIND_MARKERS[s[i]], tag, i + 1))
    if tag is None:
        found = _tag_at(s, i, skill_count, names)
        if found is not None:
            candidates.append((kind, found[0], found[1]))
    for new_kind, new_tag, j in candidates:
        if j == len(s) or s[j].isspace():
            k = len(s) - len(s[j:].lstrip())
            rest = _prefix(s, k, new_kind, new_tag, skill_count, names)
            return rest if rest[2] != k else (new_kind, new_tag, j)
        glued = _prefix(s, j, new_kind, new_tag, skill_count, names)
        if glued[2] != j:  # glued to a further valid element
            return glued
    return kind, tag, i


def _tag_at(s: str, i: int, skill_count: int, names: list[str]) -> tuple[int, int] | None:
    """A skill tag starting at ``i`` as (1-based index, end), or None."""
    if i >= len(s):
        return None
    c = s[i]
    if c in "123456789":  # ASCII only: str.isdigit() also accepts other scripts
        n = int(c)
        return (n, i + 1) if n <= min(skill_count, MAX_DIGIT_TAG) else None
    if c != "#":
        return None
    j = i + 1
    while j < len(s) and not s[j].isspace() and s[j] not in KIND_MARKERS:
        j += 1
    index = _match_skill(s[i + 1 : j], names)
    return (index, j) if index is not None else None


def _match_skill(prefix: str, names: list[str]) -> int | None:
    """1-based index of the one skill ``prefix`` names, or None if none or several."""
    if not prefix:
        return None
    p = prefix.casefold()
    folded = [name.casefold() for name in names]
    exact = [i for i, name in enumerate(folded, 1) if name == p]
    if len(exact) == 1:
        return exact[0]
    hits = [i for i, name in enumerate(folded, 1) if name.startswith(p)]
    return hits[0] if len(hits) == 1 else None


def legend(skill_names: Sequence[str]) -> list[tuple[str, str]]:
    """The on-screen key: markers, then each skill's digit (or ``#prefix`` past 9)."""
    keys = [(marker, KIND_LABELS[kind]) for marker, kind in KIND_MARKERS.items()]
    names = list(skill_names)
    for i, name in enumerate(names, 1):
        keys.append((str(i) if i <= MAX_DIGIT_TAG else "#" + _short_prefix(name, names), name))
    return keys


def _short_prefix(name: str, names: list[str]) -> str:
    """Shortest prefix of ``name`` (no spaces or markers) that picks it out alone."""
    end = 0
    while end < len(name) and not name[end].isspace() and name[end] not in KIND_MARKERS:
        end += 1  # a tag ends at a space or marker, so the prefix must too
    word = name[:end]
    for n in range(1, len(word) + 1):
        if _match_skill(word[:n], names) == names.index(name) + 1:
            return word[:n].lower()
    return word.lower()
