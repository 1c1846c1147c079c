"""What a new database starts with: the default skill catalogue and feedback script, each
record with a stable id and a fixed stamp.

Two laptops of one manager seed the same records (same id, same bytes), so importing one
laptop's store into the other is a no-op on untouched defaults instead of a second copy
of each; any edit stamps a real time and outranks the seed. The ids are literals (once
made as uuid5 of a key): never change one, even when the wording changes. No imports and
no hashing here, because the schema step that seeds these is loaded on the way to the
first keystroke (computing the ids cost ~5 ms of hashlib import); `coaching` re-exports
the texts.
"""

from __future__ import annotations

# Older than any real edit: a changed default always wins a merge against an untouched one.
SEED_STAMP = "1970-01-01T00:00:00.000000+00:00"

# Feedback-script stages (coaching.STAGES, whose order the script follows).
_SELF, _KSS = "self", "kss"

# (id, name, description), in catalogue order.
SEEDED_SKILLS: tuple[tuple[str, str, str], ...] = (
    ("325e4d68-81ad-5391-800d-b4b358530b6d", "Opening & agenda",
     "Sets purpose, process and payoff; checks the buyer's agenda"),
    ("a3442934-00ef-5d8e-9da4-bfc2f60a412f", "Discovery questions",
     "Open, layered questions that uncover needs and impact"),
    ("c3d0b2d3-a9e5-58c3-8a92-6cff7f688a89", "Listening",
     "Lets the buyer finish, summarises, follows up on cues"),
    ("7b54bc5d-5e66-52c5-89ac-de3af942f3ea", "Insight & business acumen",
     "Brings a point of view on the buyer's business"),
    ("4f637d7a-7bc1-5e37-8c25-aae7ad4e1599", "Presenting value",
     "Links capabilities to the needs the buyer stated"),
    ("b4d553f6-9a78-5198-b12e-65ddcd4f9224", "Handling objections",
     "Clarifies, explores and answers concerns without pressure"),
    ("4d5f6b66-49de-5eae-92de-22771fb6096e", "Gaining commitment",
     "Asks for a concrete advance the buyer will act on"),
    ("e0ba78b4-e134-5fb6-812e-7cadb26156a6", "Call planning",
     "Objective, advance (minimum and stretch), questions prepared"),
)

# (id, stage, text), in script order: the rep's self-assessment first.
SEEDED_SCRIPT: tuple[tuple[str, str, str], ...] = (
    ("defac0da-56b3-5f77-8ca4-5b3b4d767b9b", _SELF, "How did the call end?"),
    ("c621144e-0304-5467-8b71-33aebea4136b", _SELF, "Did you leave with the advance you planned?"),
    ("4dba0a4f-2e83-5fe7-99cb-1023573d22e6", _SELF, "What went well?"),
    ("0b4ae7af-3a8c-5174-821c-24c3052c1938", _SELF, "What would you do differently?"),
    ("cdb8f863-9a81-5a7a-bb48-b396174451e4", _SELF, "What did the buyer do that you did not expect?"),
    ("f5fb9e6a-1238-5f98-9129-fd7c7e241158", _KSS, "What will you keep doing?"),
    ("4c29fc73-f1dd-517a-812e-e34f9d86ca3b", _KSS, "What will you stop doing?"),
    ("2feaef5c-d243-58d1-b2d2-c753f54bd485", _KSS, "What will you start doing?"),
)

# The same without ids: (name, description) and (stage, text).
DEFAULT_SKILLS: tuple[tuple[str, str], ...] = tuple((name, desc) for _, name, desc in SEEDED_SKILLS)
DEFAULT_SCRIPT: tuple[tuple[str, str], ...] = tuple((stage, text) for _, stage, text in SEEDED_SCRIPT)
