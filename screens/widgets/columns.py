"""Column widths for tables that fill the width they are given (FitTable, screens.widgets.tables).

A DataTable sizes each column to its widest cell: on a wide terminal the table stops
short and leaves the rest of the row empty; on a narrow one the last columns fall off
the edge ("Since end" on home, role and shared goal in the roster) even when an earlier
column has room to spare. Here every column gets every column its content width, hands the
width left over to one flexible column, and when the row is too wide shrinks the
columns allowed to shrink (by order, the widest first, never below their minimum), their cells
ending in an ellipsis."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Col:
    label: str
    key: str
    flex: bool = False        # takes the width left over (at most one per table)
    min: int | None = None    # may shrink to this many cells; None: always shown whole
    order: int = 0            # columns of a lower order give way first


def fit_widths(content: Sequence[int], cols: Sequence[Col], avail: int, pad: int) -> list[int]:
    """Column widths (without padding) for cells `content` wide in `avail` cells, each
    column taking `pad` more. Fits `avail` exactly when there is room or something can
    shrink; otherwise every column is at its minimum and the row is wider than `avail`."""
    widths = list(content)
    spare = avail - sum(w + pad for w in widths)
    if spare >= 0:
        flex = next((i for i, c in enumerate(cols) if c.flex), len(cols) - 1)
        widths[flex] += spare
        return widths
    over = -spare
    for order in sorted({c.order for c in cols if c.min is not None}):
        group = [i for i, c in enumerate(cols) if c.min is not None and c.order == order]
        while over > 0:
            can = [i for i in group if widths[i] > (cols[i].min or 0)]
            if not can:
                break
            widest = max(can, key=lambda i: widths[i])
            # down to the next widest of the group (or its minimum), so they end up even
            floor = max([cols[widest].min or 0, *(widths[i] for i in can if i != widest)])
            cut = min(over, max(1, widths[widest] - floor))
            widths[widest] -= cut
            over -= cut
    return widths
