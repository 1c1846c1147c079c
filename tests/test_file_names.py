"""File names built from data (recaps from rep and account names, drafts from form keys
holding ids) stay one plain name inside their folder, whatever the text."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from fieldcoach.drafts import Drafts
from fieldcoach.recap import file_path

WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
CALL = "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b"


def detail(rep: str, account: str, call_id: str = CALL):
    return SimpleNamespace(call=SimpleNamespace(rep_name=rep, account=account, id=call_id))


def test_recap_names_keep_letters_and_digits_only(tmp_path):
    p = file_path(tmp_path, detail("../../Zoë Dubois", "Kestrel/Insurance\x1b]0;x\x07 plc"), WHEN)
    assert p.parent == tmp_path
    assert p.name == "2026-11-20-zoë-dubois-kestrel-insurance-0-x-plc-6f1c2a9e.md"


def test_recaps_of_two_calls_on_one_day_do_not_overwrite_each_other(tmp_path):
    other = "0d4c1b2a-0000-4000-8000-000000000001"
    assert file_path(tmp_path, detail("Zoë", "Kestrel"), WHEN) != file_path(tmp_path, detail("Zoë", "Kestrel", other),
                                                                            WHEN)


def test_a_recap_with_a_bad_call_id_still_stays_inside(tmp_path):
    p = file_path(tmp_path, detail("", "", "../../../PWNED"), WHEN)
    assert p.parent == tmp_path and p.name == "2026-11-20-call-pwned.md"


@given(st.text(max_size=300), st.text(max_size=300), st.text(max_size=64))
def test_any_names_give_one_plain_file_name(rep, account, call_id):
    folder = Path("/recaps")
    p = file_path(folder, detail(rep, account, call_id), WHEN)
    assert p.parent == folder and p.name.endswith(".md") and not p.name.startswith(".")
    assert len(os.fsencode(p.name)) <= 255 and p.name.isprintable() and "/" not in p.name


def test_a_draft_key_holding_a_path_or_any_length_stays_inside(tmp_path):
    drafts = Drafts(tmp_path / "drafts")
    keys = ["note:../../../PWNED", "answer:" + "x" * 1000 + ":q", "", "a/b\\c\x00"]
    for i, key in enumerate(keys):
        drafts.save(key, {"text": f"typed {i}"})
    names = os.listdir(tmp_path / "drafts")
    assert len(names) == len(keys) and all(len(n) <= 255 and "/" not in n for n in names)
    assert sorted(os.listdir(tmp_path)) == ["drafts"]
    for i, key in enumerate(keys):
        got = drafts.get(key)
        assert got is not None and got.fields == {"text": f"typed {i}"}
    assert sorted(d.key for d in drafts.all()) == sorted(keys)
