"""Drafts: typed-but-unsaved text kept on disk, atomically, and never a crash loop."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from fieldcoach.drafts import Drafts
from fieldcoach.paths import drafts_dir


@pytest.fixture
def drafts(tmp_path):
    return Drafts(drafts_dir(tmp_path / "data" / "fieldcoach.db"))


def files(d: Drafts) -> list[str]:
    return sorted(p.name for p in d.folder.iterdir()) if d.folder.exists() else []


def test_save_get_discard(drafts):
    assert drafts.get("precall:new") is None and drafts.all() == []
    drafts.save("precall:new", {"account": "Kestrel", "objective": "Meet the CFO 👔\n[b]x[/b]"})
    d = drafts.get("precall:new")
    assert d.key == "precall:new" and d.fields == {"account": "Kestrel", "objective": "Meet the CFO 👔\n[b]x[/b]"}
    assert d.saved_at.utcoffset().total_seconds() == 0
    drafts.save("precall:new", {"account": "Kestrel Insurance", "objective": ""})
    assert drafts.get("precall:new").fields["account"] == "Kestrel Insurance"
    drafts.save("note:c1", {"text": "half a thou"})
    assert [x.key for x in drafts.all()] == ["precall:new", "note:c1"]  # oldest first
    drafts.discard("precall:new")
    drafts.discard("precall:new")  # twice is fine
    assert [x.key for x in drafts.all()] == ["note:c1"]
    assert len(files(drafts)) == 1


def test_blank_fields_remove_the_draft(drafts):
    drafts.save("note:c1", {"text": "x"})
    drafts.save("note:c1", {"text": "  \n "})
    assert drafts.get("note:c1") is None and files(drafts) == []


def test_writes_are_atomic_and_leave_no_temp_files(drafts, monkeypatch):
    for i in range(20):
        drafts.save("answer:c1:q1", {"answer": "word " * i + "x"})
    assert len(files(drafts)) == 1
    assert not [n for n in files(drafts) if n.startswith(".tmp-")]

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        drafts.save("answer:c1:q1", {"answer": "lost"})
    assert len(files(drafts)) == 1  # no temp file left behind
    assert drafts.get("answer:c1:q1").fields["answer"].endswith("x")  # old draft intact


def test_drafts_are_private(drafts):
    old = os.umask(0)
    try:
        drafts.save("k", {"f": "v"})
    finally:
        os.umask(old)
    assert stat.S_IMODE(drafts.folder.stat().st_mode) == 0o700
    for p in drafts.folder.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600


@pytest.mark.parametrize("content", [
    b"{not json", b"", b"\xff\xfe garbage", b"[]", b'{"key": "k"}', b'{"key": "k", "fields": "str", "saved_at": 1}',
    b'{"key": "k", "fields": {"a": "b"}, "saved_at": null}',
    b'{"key": "k", "fields": {"a": "b"}, "saved_at": "yesterday"}',
    b'{"key": "k", "fields": {"a": "b"}, "saved_at": 12}',
    b'"just a string"'])
def test_corrupt_draft_is_set_aside_once(drafts, content):
    drafts.save("good", {"text": "keep me"})
    bad = drafts.folder / "0123456789abcdef0123.json"
    bad.write_bytes(content)
    assert [d.key for d in drafts.all()] == ["good"]
    assert not bad.exists() and bad.with_suffix(".bad").exists()
    assert [d.key for d in drafts.all()] == ["good"]  # and it is never read again
    assert bad.with_suffix(".bad").read_bytes() == content  # kept, for a human to look at


def test_temp_file_left_by_a_crash_is_not_a_draft(drafts):
    drafts.save("good", {"text": "keep me"})
    (drafts.folder / ".tmp-abc.json").write_text(
        '{"key": "ghost", "fields": {"t": "x"}, "saved_at": "2026-01-01T00:00:00+00:00"}')
    (drafts.folder / ".tmp-def.json").write_text('{"key": "good", "fi')
    assert [d.key for d in drafts.all()] == ["good"]
    assert (drafts.folder / ".tmp-def.json").exists()  # maybe another instance writing it


def test_a_directory_where_a_draft_should_be(drafts):
    drafts.save("good", {"text": "keep me"})
    (drafts.folder / "ffffffffffffffffffff.json").mkdir()
    assert [d.key for d in drafts.all()] == ["good"]


def test_draft_survives_the_process_being_killed(tmp_path):
    folder = tmp_path / "drafts"
    code = ("import os, sys\nfrom pathlib import Path\nfrom fieldcoach.drafts import Drafts\n"
            "Drafts(Path(sys.argv[1])).save('note:c', {'text': 'typed before the crash'})\n"
            "os.kill(os.getpid(), 9)\n")
    res = subprocess.run([sys.executable, "-c", code, str(folder)])
    assert res.returncode == -9
    d = Drafts(folder).all()
    assert [(x.key, x.fields) for x in d] == [("note:c", {"text": "typed before the crash"})]


def test_draft_file_is_plain_json_with_the_key(drafts):
    drafts.save("precall:new", {"a": "b"})
    (f,) = drafts.folder.iterdir()
    data = json.loads(f.read_text(encoding="utf-8"))
    assert data["key"] == "precall:new" and data["fields"] == {"a": "b"}
