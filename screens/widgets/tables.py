"""A DataTable whose columns fill the width it is given (widths from `screens.widgets.columns`)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from screens.widgets.columns import Col, fit_widths


def _cut(cell: object) -> Text:
    """The cell as one line that ends in an ellipsis when its column is narrower."""
    text = cell.copy() if isinstance(cell, Text) else Text(str(cell))
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


class FitTable(DataTable):
    """A DataTable of `Col` columns; call `fit()` after changing its rows."""

    def __init__(self, cols: Sequence[Col], **kwargs) -> None:
        super().__init__(**kwargs)
        self.cols = tuple(cols)
        self._fitted_width = 0

    def on_mount(self) -> None:
        for c in self.cols:
            self.add_column(c.label, key=c.key)

    def on_resize(self) -> None:
        if self.available_width() != self._fitted_width:
            self.fit()

    def available_width(self) -> int:
        """The width the columns share: the table's, less a vertical scrollbar if rows
        overflow its height."""
        width = self.size.width
        if self.row_count + int(self.show_header) > self.size.height:
            width -= self.styles.scrollbar_size_vertical
        return width

    def content_widths(self) -> list[int]:
        out = []
        for c in self.cols:
            cells = self.get_column(c.key) if self.row_count else []
            out.append(max([Text(c.label).cell_len, *(_cut(x).cell_len for x in cells)]))
        return out

    def fit(self) -> None:
        avail = self.available_width()
        if avail <= 0 or not self.is_mounted:
            return  # not laid out yet: its first resize fits it
        self._fitted_width = avail
        widths = fit_widths(self.content_widths(), self.cols, avail, 2 * self.cell_padding)
        # Column widths are set when a column is added: lay the table out again with them.
        rows = []
        for i in range(self.row_count):
            row_key = self.coordinate_to_cell_key(Coordinate(i, 0)).row_key
            rows.append((row_key.value, self.get_row_at(i)))
        cursor = self.cursor_row
        self.clear(columns=True)
        for c, w in zip(self.cols, widths, strict=True):
            self.add_column(_cut(c.label), width=w, key=c.key)
        for key, cells in rows:
            self.add_row(*(_cut(x) for x in cells), key=key)
        if rows:
            self.move_cursor(row=min(max(cursor, 0), len(rows) - 1), animate=False)
