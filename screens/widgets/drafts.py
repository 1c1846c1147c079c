"""Drafts as the user types: every form keeps them the same way.

Text typed but not yet saved is written (atomically, by `fieldcoach.drafts`) at most
DRAFT_EVERY seconds behind the keys, offered back after a crash, and discarded once the
form is saved for real. The App flushes every screen's `flush_draft` before a crash exit.
"""

from __future__ import annotations

DRAFT_EVERY = 0.5  # seconds: a crash costs at most this much typing


class DraftKeeper:
    """Mixin for a screen owning a form.

    The screen sets `draft_key`, implements `draft_fields()`, calls `start_drafts()` once
    its fields hold their starting values, and `discard_draft()` after a successful save.
    Typing marks the form dirty; a half-second interval writes the draft.
    """

    draft_key: str = ""
    _draft_dirty: bool = False
    _draft_baseline: dict[str, str] | None = None

    def draft_fields(self) -> dict[str, str]:  # pragma: no cover - overridden
        raise NotImplementedError

    def saved_draft(self) -> dict[str, str] | None:
        d = self.app.drafts.get(self.draft_key)  # type: ignore[attr-defined]
        return dict(d.fields) if d and not d.empty else None

    def start_drafts(self, baseline: dict[str, str] | None = None) -> None:
        """Begin keeping drafts; fields equal to baseline (what is stored) are no draft."""
        self._draft_baseline = baseline
        if getattr(self, "_draft_timer", None) is None:
            self._draft_timer = self.set_interval(DRAFT_EVERY, self.flush_draft)  # type: ignore[attr-defined]

    def mark_dirty(self) -> None:
        self._draft_dirty = True

    def on_input_changed(self) -> None:
        self.mark_dirty()

    def on_text_area_changed(self) -> None:
        self.mark_dirty()

    def flush_draft(self) -> None:
        if not self._draft_dirty or not self.draft_key:
            return
        self._draft_dirty = False
        drafts = self.app.drafts  # type: ignore[attr-defined]
        try:
            fields = self.draft_fields()
            if self._draft_baseline is not None and fields == self._draft_baseline:
                drafts.discard(self.draft_key)
            else:
                drafts.save(self.draft_key, fields)
        except OSError:
            pass  # a full disk must not stop typing; the save itself reports errors

    def discard_draft(self) -> None:
        self._draft_dirty = False
        try:
            self.app.drafts.discard(self.draft_key)  # type: ignore[attr-defined]
        except OSError:
            pass
