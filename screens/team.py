"""The Team view: the team's totals on top and one row per first-line manager for a
period, sortable by any figure, with the week-by-week coaching minutes and rating gap of
the selected row as sparklines; Enter drills down to a manager's reps and a rep's
sessions, only where the team policy switches rep detail on. Reps are only ever listed
for one manager at a time: the view never ranks reps across managers.

Every read runs in a worker (run_blocking); the first frame shows the loading state. The
figures and columns are the report's (fieldcoach.team.rollup and .report); the policy
decides which columns show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, Sparkline, Static

from fieldcoach.team.report import MANAGER_COLUMNS, REP_COLUMNS, Column, shown
from fieldcoach.team.view import NO_DATABASE, REP_DETAIL_OFF, TeamData
from fieldcoach.text import how_many, visible
from screens.base import BaseScreen, Failed, Loaded
from screens.widgets.columns import Col
from screens.widgets.footer import KeyFooter
from screens.widgets.formatting import fmt_when
from screens.widgets.tables import FitTable

if TYPE_CHECKING:
    from datetime import datetime

    from fieldcoach.team.policy import Policy
    from fieldcoach.team.rollup import Coaching, ManagerReps, Period, Session, TeamFigures
    from screens.team_app import TeamApp

KIND_LABEL = {"week": "Week", "4weeks": "4 weeks", "quarter": "Quarter"}
RELOAD_HINT = "r reads the team database again."
TEAM_KEY = "\x00team"  # the totals row's key: no manager id looks like it
# Which columns stay when the terminal is narrow, most wanted first; the rest follow in
# their own order as the width allows (all of them from about 150 cells).
PRIORITY = ("manager", "rep", "minutes", "sessions", "coverage", "last coached", "gap", "delay", "overdue",
            "skills", "budget", "late", "not coached", "closing", "ratio", "done", "gap before")

PERIOD_BINDINGS = [
    Binding("p", "period_kind", "Period", id="team-period",
            tooltip="Week, 4 weeks or quarter"),
    Binding("left_square_bracket", "step(1)", "Earlier", id="team-earlier",
            tooltip="The period before"),
    Binding("right_square_bracket", "step(-1)", "Later", id="team-later",
            tooltip="The period after (up to the current one)"),
]
PERIOD_PALETTE = (
    ("screen.period_kind", "Change period", "Week, 4 weeks or quarter"),
    ("screen.step(1)", "Earlier period", "Step back one period"),
    ("screen.step(-1)", "Later period", "Step forward one period"),
)


LEGEND_BINDING = Binding("question_mark", "legend", "Legend", id="team-legend",
                         tooltip="What each column means (again: hide it)")
LEGEND_PALETTE = ("screen.legend", "Show what the figures mean", "A line on each column and the bar charts")
# One line on each column, for the legend (fieldcoach.team.rollup says it at length).
MEANING = {
    "minutes": "coaching minutes in the period (time with the rep on the call, plus the debrief)",
    "budget": "the manager's weekly coaching budget times the period's weeks",
    "sessions": "coaching calls started in the period",
    "coverage": "reps coached in the period / reps on the roster",
    "not coached": "reps with no coaching call in the 14 days to the period's end",
    "last coached": "the rep's latest coaching call",
    "delay": "median time from the end of the call to the start of the debrief",
    "late": "debriefs started later than the manager's threshold (30 min unless set)",
    "ratio": "coaching sessions : selling calls done",
    "done": "next steps done in the period",
    "overdue": "next steps due in the period and not done",
    "gap": "mean difference between the rep's own rating and the manager's, per skill (0: they agree)",
    "gap before": "the same gap in the period before",
    "closing": "yes when the gap is smaller than in the period before",
    "skills": "mean change of the manager's ratings on the rep's agreed focus skills (+: better)",
}
LEGEND_CSS = """
#legend-box { display: none; height: auto; max-height: 50%; padding: 0 1; border-top: solid $primary; }
"""
NO_FIGURE = "–"  # a cell with nothing to measure (no debrief, no ratings, no budget)


def fmt_delay(minutes: float | None) -> str:
    """A feedback delay in the unit a reader takes in at a glance: minutes, hours or days."""
    if minutes is None:
        return ""
    if minutes < 120:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.0f} h"
    days = minutes / (24 * 60)
    return f"{days:.0f} d" if round(days, 1) == round(days) else f"{days:.1f} d"


# Cells the screen words differently from the report (which keeps plain numbers).
SHOWN_AS = {"delay": lambda f: fmt_delay(f.median_delay_minutes)}


def _legend(cols: Sequence[Column]) -> Text:
    t = Text()
    width = max(len(c.header) for c in cols)
    for c in cols:
        if c.header in MEANING:
            t.append(f"{c.header:>{width}}  ", style="bold")
            t.append(MEANING[c.header] + "\n")
    t.append(f"{NO_FIGURE:>{width}}  ", style="bold")
    t.append("no figure: nothing to measure in the period\n")
    t.append("Bars: the selected row's coaching minutes and rating gap in each week of the period, oldest "
             "first (a narrow terminal shows the most wanted columns; widen it for the rest).", style="dim")
    return t


def _period_line(p: Period, extra: str = "") -> Text:
    t = Text()
    t.append(f"{KIND_LABEL.get(p.kind, p.kind)}: {p.label}", style="bold")
    if extra:
        t.append(f"  ·  {extra}", style="dim")
    return t


class FigureTable(DataTable[Text]):
    """Figures per row, sortable by any column (a key cycles it; a header click picks it;
    sizes largest first), an optional pinned row on top that sorting leaves there, and
    as many columns as the width holds, the most wanted first."""

    def __init__(self, cols: Sequence[Column], **kwargs: Any) -> None:
        super().__init__(cursor_type="row", **kwargs)
        self.cols = tuple(cols)
        self.items: list[tuple[str, Any]] = []
        self.pinned: tuple[str, Any] | None = None
        self.sort_index = 1 if len(self.cols) > 1 else 0   # the first figure, largest first
        self.descending = self.cols[self.sort_index].numeric
        self._laid_out_width = 0
        self.shown: list[int] = []  # the columns on screen, by index

    def show(self, items: Sequence[tuple[str, Any]], pinned: tuple[str, Any] | None = None) -> None:
        self.items, self.pinned = list(items), pinned
        if self.size.width <= 0:  # shown just now (after no database, or a failed read): no width yet
            self.call_after_refresh(self.lay_out)
        self.lay_out()

    def sort_by(self, index: int | None = None) -> None:
        """Sort by column index, or (None) by the next column; the same column again
        turns the order round."""
        if index is None:  # the next column on screen: a narrow terminal hides some
            shown = self.shown or list(range(len(self.cols)))
            index = next((i for i in shown if i > self.sort_index), shown[0])
        if index == self.sort_index:
            self.descending = not self.descending
        else:
            self.sort_index, self.descending = index, self.cols[index].numeric
        self.lay_out()

    @property
    def sort_column(self) -> Column:
        return self.cols[self.sort_index]

    def ordered(self) -> list[tuple[str, Any]]:
        col = self.sort_column
        known = [(k, f) for k, f in self.items if col.sort(f) is not None]
        unknown = [(k, f) for k, f in self.items if col.sort(f) is None]
        known.sort(key=lambda kf: cast(Any, col.sort(kf[1])), reverse=self.descending)
        return known + unknown  # no figure: last, either way

    def on_resize(self) -> None:
        if self.size.width != self._laid_out_width:
            self.lay_out()

    def _visible(self, widths: list[int]) -> list[int]:
        widths = [w + 2 * self.cell_padding for w in widths]
        avail = self.size.width - self.styles.scrollbar_size_vertical
        order = sorted(range(len(self.cols)),
                       key=lambda i: (PRIORITY.index(self.cols[i].header)
                                      if self.cols[i].header in PRIORITY else len(PRIORITY), i))
        keep: set[int] = set()
        used = 0
        for i in order:
            if used + widths[i] <= avail or not keep:
                keep.add(i)
                used += widths[i]
        return sorted(keep)

    def lay_out(self) -> None:
        if not self.is_mounted or self.size.width <= 0:
            return
        self._laid_out_width = self.size.width
        rows = ([self.pinned] if self.pinned else []) + self.ordered()
        cells = [[SHOWN_AS.get(c.header, c.cell)(f) for c in self.cols] for _, f in rows]
        widths = [max([len(c.header) + 2, *(len(r[i]) for r in cells)]) for i, c in enumerate(self.cols)]
        keep = self.shown = self._visible(widths)
        cursor_key = None
        if self.row_count and self.cursor_row >= 0:
            cursor_key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        self.clear(columns=True)
        for i in keep:
            c = self.cols[i]
            mark = (" ▼" if self.descending else " ▲") if i == self.sort_index else ""
            label = c.header + mark
            self.add_column(Text(label, justify="right" if c.numeric else "left"), width=widths[i],
                            key=str(i))
        for (key, _f), row in zip(rows, cells, strict=True):
            style = "bold" if self.pinned and key == self.pinned[0] else ""
            self.add_row(*(Text(row[i] or NO_FIGURE, style=style if row[i] else "dim",
                                justify="right" if self.cols[i].numeric else "left",
                                no_wrap=True, overflow="ellipsis") for i in keep), key=key)
        keys = [k for k, _ in rows]
        if keys:
            self.move_cursor(row=keys.index(cursor_key) if cursor_key in keys else 0, animate=False)

    def selected(self) -> tuple[str, Any] | None:
        if not self.row_count or self.cursor_row < 0:
            return None
        key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        if self.pinned and key == self.pinned[0]:
            return self.pinned
        return next(((k, f) for k, f in self.items if k == key), None)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(int(str(event.column_key.value)))  # bubbles on: the screen shows the order


def _trend(series: list[float]) -> list[float]:
    """A sparkline's data: a single week has no trend to draw (Sparkline draws one point as
    a full bar, which reads as a large figure), so it draws the empty baseline instead."""
    return series if len(series) > 1 else []


class WeeklyCharts(Horizontal):
    """The selected row's coaching minutes and rating gap per week of the period, as two
    sparklines with their figures (each only where the team policy shows that figure)."""

    DEFAULT_CSS = """
    WeeklyCharts { height: 3; padding: 0 1; }
    WeeklyCharts .spark { width: 1fr; height: 3; margin: 0 1 0 0; }
    /* a rule between the two charts: their labels never read as one line */
    WeeklyCharts #gap-box { border-left: solid $foreground 25%; padding-left: 1; }
    WeeklyCharts .spark Static { height: 1; color: $text-muted; }
    WeeklyCharts Sparkline { height: 2; }
    """

    def __init__(self, policy: Policy, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.policy = policy

    def compose(self) -> ComposeResult:
        with Vertical(classes="spark", id="minutes-box"):
            yield Static("", id="minutes-label")
            yield Sparkline([], id="minutes-spark")
        with Vertical(classes="spark", id="gap-box"):
            yield Static("", id="gap-label")
            yield Sparkline([], id="gap-spark")

    def on_mount(self) -> None:
        self.query_one("#minutes-box").display = self.policy.shows("minutes")
        self.query_one("#gap-box").display = self.policy.shows("gap")

    def show(self, f: Coaching) -> None:
        name = visible(f.name)
        minutes = list(f.minutes_by_week)
        self.query_one("#minutes-spark", Sparkline).data = _trend([float(x) for x in minutes])
        # the figure before the name: a narrow terminal cuts a long name, not the figure
        self.query_one("#minutes-label", Static).update(Text(
            f"Minutes per week · {sum(minutes)} in {len(minutes)} wk · {name}", no_wrap=True,
            overflow="ellipsis"))
        gaps = [g for g in f.gap_by_week if g is not None]
        self.query_one("#gap-spark", Sparkline).data = _trend(gaps)
        trend = {True: "closing", False: "not closing", None: ""}[f.gap_closing]
        gap = "no ratings" if f.gap is None else f"{f.gap:.1f}" + (f", {trend}" if trend else "")
        self.query_one("#gap-label", Static).update(Text(
            f"Rating gap per week · {gap} · {name}", no_wrap=True, overflow="ellipsis"))


class TeamBase(BaseScreen[None]):
    """What the Team view's screens share: the App, typed; the period keys; a reload
    when the period changed while another screen was on top."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded_for: tuple[str, int] | None = None

    @property
    def team(self) -> TeamApp:
        return cast("TeamApp", self.app)

    @property
    def data(self) -> TeamData:
        return self.team.data

    def on_screen_resume(self) -> None:
        if self.loaded_for != (self.team.kind, self.team.back):
            self.load()

    def load(self) -> None:
        raise NotImplementedError

    def action_period_kind(self) -> None:
        self.team.next_kind()
        self.load()

    def action_step(self, by: int) -> None:
        if self.team.step(by):
            self.load()
        else:
            self.notify("This is the current period.")

    def action_legend(self) -> None:
        box = self.query_one("#legend-box")
        box.display = not box.display

    def on_failed(self, message: Failed) -> None:
        self.call_after_refresh(self.team.figures_shown)
        self.show_failure(message.text)
        self.notify(escape(message.text), severity="error")

    def show_failure(self, text: str) -> None:
        """Where the screen says a read failed: its period line."""
        self.query_one("#period", Static).update(Text(text, style="red"))


def _for_period(kind: str, back: int, fn: Any, *args: Any) -> tuple[tuple[str, int], Any]:
    """fn's result with the period it was read for: a slow read for a period the user has
    already stepped away from is dropped when it arrives."""
    return (kind, back), fn(*args)


class TeamScreen(TeamBase):
    BINDINGS = [
        *PERIOD_BINDINGS,
        Binding("s", "sort", "Sort", id="team-sort", tooltip="Sort by the next figure (again: reverse)"),
        # priority: before the table's own Enter, so the footer shows what Enter does
        Binding("enter", "open", "Reps", id="team-open", priority=True,
                tooltip="The selected manager's reps (when the team policy allows rep detail)"),
        LEGEND_BINDING,
        Binding("r", "reload", "Reload", id="team-reload", show=False),
    ]
    PALETTE = (
        *PERIOD_PALETTE,
        ("screen.sort", "Sort by the next figure", "Cycle the column the managers are sorted by"),
        ("screen.open", "Open manager's reps", "Figures per rep (when rep detail is on)"),
        LEGEND_PALETTE,
        ("screen.reload", "Reload", "Read the team database again"),
    )
    DEFAULT_CSS = """
    TeamScreen #period { height: 1; padding: 0 1; }
    TeamScreen #managers { height: 1fr; }
    TeamScreen #empty { padding: 1 2; }
    """ + LEGEND_CSS

    def __init__(self) -> None:
        super().__init__()
        self.figures: TeamFigures | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Loading the team figures…", style="dim"), id="period")
        yield WeeklyCharts(self.team.policy, id="sparks")
        yield FigureTable(shown(MANAGER_COLUMNS, self.team.policy), id="managers")
        with VerticalScroll(id="legend-box", can_focus=False):
            yield Static(_legend(shown(MANAGER_COLUMNS, self.team.policy)), id="legend")
        yield Static("", id="empty")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Team view"
        self.query_one("#empty").display = False
        self.query_one("#managers", FigureTable).focus()
        self.load()

    def load(self) -> None:
        self.loaded_for = (self.team.kind, self.team.back)
        kind, back = self.loaded_for
        self.run_blocking("the team figures", _for_period, kind, back, self.data.opening, kind, back,
                          self.team.now())

    def action_reload(self) -> None:
        self.load()

    def on_loaded(self, message: Loaded) -> None:
        read_for, (_opened, figures) = message.value
        if read_for != self.loaded_for:
            return
        self.call_after_refresh(self.team.figures_shown)
        table = self.query_one("#managers", FigureTable)
        empty = self.query_one("#empty", Static)
        if figures is None:
            where = self.data.shown_url()
            self._show_instead(Text("No figures yet.", style="dim"), Text.assemble(
                f"{NO_DATABASE}\n(team database: {where})\n\n", (RELOAD_HINT, "dim")))
            return
        self.figures = figures
        empty.display, table.display = False, True
        self.query_one("#sparks").display = True
        table.show([(m.manager_id or "", m) for m in figures.managers], (TEAM_KEY, figures.team))
        self._show_period()
        self._show_sparks()

    def show_failure(self, text: str) -> None:
        """The figures could not be read (a server down, a file that is not a team
        database...): the reason in full where the table would be (the period line would cut
        a long one)."""
        self._show_instead(Text("The team figures could not be read.", style="red"),
                           Text.assemble((visible(text), "red"), "\n\n", (RELOAD_HINT, "dim")))

    def _show_instead(self, period: Text, body: Text) -> None:
        """A text in place of the charts and the table (no figures to show)."""
        self.query_one("#period", Static).update(period)
        empty = self.query_one("#empty", Static)
        empty.update(body)
        empty.display = True
        self.query_one("#managers", FigureTable).display = False
        self.query_one("#sparks").display = False

    def _show_period(self) -> None:
        if self.figures is None:
            return
        table = self.query_one("#managers", FigureTable)
        n = len(self.figures.managers)
        order = "▼" if table.descending else "▲"
        managers = how_many(n, "managers")
        self.query_one("#period", Static).update(_period_line(
            self.figures.period, f"{managers}  ·  sort: {table.sort_column.header} {order}"))

    def _show_sparks(self) -> None:
        table = self.query_one("#managers", FigureTable)
        picked = table.selected()
        if picked is None and self.figures is not None:
            picked = (TEAM_KEY, self.figures.team)
        if picked is None:
            return
        self.query_one("#sparks", WeeklyCharts).show(picked[1])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_sparks()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_sort(self) -> None:
        self.query_one("#managers", FigureTable).sort_by()
        self._show_period()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        self._show_period()

    def action_open(self) -> None:
        picked = self.query_one("#managers", FigureTable).selected()
        if picked is None:
            return
        if not self.team.policy.rep_detail:
            self.notify(REP_DETAIL_OFF, severity="warning")
            return
        key, f = picked
        if key == TEAM_KEY:
            self.notify("Reps are shown per manager: pick a manager's row.")
            return
        self.team.open_reps(key, f.name)


class ManagerRepsScreen(TeamBase):
    """One manager's reps, figures per rep (only these reps: no ranking across managers)."""

    BINDINGS = [
        *PERIOD_BINDINGS,
        Binding("s", "sort", "Sort", id="team-reps-sort", tooltip="Sort by the next figure (again: reverse)"),
        Binding("enter", "open", "Sessions", id="team-reps-open", priority=True,
                tooltip="The selected rep's sessions"),
        LEGEND_BINDING,
    ]
    PALETTE = (
        *PERIOD_PALETTE,
        ("screen.sort", "Sort by the next figure", "Cycle the column the reps are sorted by"),
        ("screen.open", "Open rep's sessions", "The selected rep's sessions in the period"),
        LEGEND_PALETTE,
    )
    DEFAULT_CSS = """
    ManagerRepsScreen #period { height: auto; padding: 0 1; }
    ManagerRepsScreen #sparks { margin-top: 1; }
    ManagerRepsScreen #reps { height: 1fr; }
    """ + LEGEND_CSS

    def __init__(self, manager_id: str, name: str) -> None:
        super().__init__()
        self.manager_id, self.name_ = manager_id, name
        self.result: ManagerReps | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Loading the reps' figures…", style="dim"), id="period")
        yield WeeklyCharts(self.team.policy, id="sparks")
        yield FigureTable(shown(REP_COLUMNS, self.team.policy), id="reps")
        with VerticalScroll(id="legend-box", can_focus=False):
            yield Static(_legend(shown(REP_COLUMNS, self.team.policy)), id="legend")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Reps of one manager"
        self.query_one("#reps", FigureTable).focus()
        self.load()

    def load(self) -> None:
        self.loaded_for = (self.team.kind, self.team.back)
        kind, back = self.loaded_for
        self.run_blocking("the reps' figures", _for_period, kind, back, self.data.reps, self.manager_id,
                          kind, back, self.team.now())

    def on_loaded(self, message: Loaded) -> None:
        read_for, result = message.value
        if read_for != self.loaded_for:
            return
        self.result = result
        self.query_one("#reps", FigureTable).show([(r.rep_id, r) for r in result.reps])
        self._show_period()
        self._show_sparks()

    def _show_sparks(self) -> None:
        """The selected rep's weeks; the manager's before a rep is picked."""
        if self.result is None:
            return
        picked = self.query_one("#reps", FigureTable).selected()
        self.query_one("#sparks", WeeklyCharts).show(picked[1] if picked else self.result.manager)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_sparks()

    def _show_period(self) -> None:
        if self.result is None:
            return
        m = self.result.manager
        line = _period_line(self.result.period)
        line.append("\n")
        line.append(visible(self.name_), style="bold")
        n, k = len(self.result.reps), m.sessions
        line.append(f": {how_many(n, 'reps')}, {how_many(k, 'sessions')}, "
                    f"{m.coaching_minutes} coaching minutes"
                    + (f" (budget {m.budget_minutes})" if m.budget_minutes is not None else ""), style="dim")
        self.query_one("#period", Static).update(line)

    def action_sort(self) -> None:
        self.query_one("#reps", FigureTable).sort_by()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        picked = self.query_one("#reps", FigureTable).selected()
        if picked is not None:
            self.team.open_sessions(self.manager_id, picked[0], picked[1].name)


SESSION_COLS = (Col("Date", "date"), Col("Kind", "kind"), Col("Min", "minutes"), Col("Delay", "delay"),
                Col("Gap", "gap"), Col("Next steps", "steps", min=8, order=1),
                Col("Rep's words", "words", flex=True, min=12, order=2))


def _steps(s: Session) -> str:
    parts = [f"{n} {what}" for n, what in ((s.steps_done, "done"), (s.steps_open, "open"),
                                            (s.steps_overdue, "overdue")) if n]
    return ", ".join(parts) or "—"


class RepSessionsScreen(TeamBase):
    """One rep's calls in the period: when, kind, minutes, feedback delay, rating gap, the
    next steps' state, and the rep's own words on the recap when they gave any."""

    BINDINGS = [*PERIOD_BINDINGS]
    PALETTE = PERIOD_PALETTE
    DEFAULT_CSS = """
    RepSessionsScreen #period { height: auto; padding: 0 1; }
    RepSessionsScreen #sessions { height: 1fr; }
    RepSessionsScreen #words { height: auto; max-height: 6; padding: 0 1; }
    """

    def __init__(self, manager_id: str, rep_id: str, name: str) -> None:
        super().__init__()
        self.manager_id, self.rep_id, self.name_ = manager_id, rep_id, name

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Loading the sessions…", style="dim"), id="period")
        yield FitTable(SESSION_COLS, id="sessions", cursor_type="row")
        # the selected session's rep's words in full: the column is cut on a narrow terminal
        yield Static("", id="words")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = "Sessions of one rep"
        self.words: dict[str, Text] = {}
        self.query_one("#sessions", FitTable).focus()
        self.load()

    def load(self) -> None:
        self.loaded_for = (self.team.kind, self.team.back)
        kind, back, now = self.team.kind, self.team.back, self.team.now()
        self.run_blocking("the sessions", _for_period, kind, back, self._read, kind, back, now)

    def _read(self, kind: str, back: int, now: datetime) -> tuple[Period, tuple[Session, ...]]:
        from fieldcoach.team.rollup import period

        return period(kind, now, back), self.data.sessions(self.manager_id, self.rep_id, kind, back, now)

    def on_loaded(self, message: Loaded) -> None:
        read_for, (p, sessions) = message.value
        if read_for != self.loaded_for:
            return
        table = self.query_one("#sessions", FitTable)
        table.clear()
        tz = self.team.tz
        self.words = {}
        for s in sessions:
            words = Text()
            if s.rep_acknowledged_at is not None:
                words.append(f"acknowledged {fmt_when(s.rep_acknowledged_at, tz)}", style="green")
            if s.rep_comment:
                words.append(("; " if words else "") + visible(s.rep_comment))
            if words:
                self.words[s.call_id] = Text.assemble((f"Rep's words, {fmt_when(s.at, tz)}: ", "bold"), words)
            delay = Text(fmt_delay(s.delay_minutes), style="red bold" if s.late else "", justify="right")
            table.add_row(Text(fmt_when(s.at, tz)), Text(s.kind),
                          Text("" if s.minutes is None else str(s.minutes), justify="right"), delay,
                          Text("" if s.gap is None else f"{s.gap:.1f}", justify="right"), Text(_steps(s)),
                          words or Text("—", style="dim"), key=s.call_id)
        table.fit()
        line = _period_line(p)
        line.append("\n")
        line.append(visible(self.name_), style="bold")
        n = sum(1 for s in sessions if s.kind != "selling")
        line.append(f": {how_many(n, 'coaching sessions')}, {len(sessions) - n} selling",
                    style="dim")
        self.query_one("#period", Static).update(line)
        self._show_words(table)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_words(self.query_one("#sessions", FitTable))

    def _show_words(self, table: FitTable) -> None:
        key = None
        if table.row_count:
            key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        self.query_one("#words", Static).update(self.words.get(key or "", ""))
