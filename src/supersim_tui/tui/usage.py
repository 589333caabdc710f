"""The Usage tab: where the data goes, as plots with a text table beside each (ops/usage.py).

Four views (``v`` cycles): data over time per fleet, the top SIMs and the top countries of a fleet,
and the billing period to date of a fleet's heaviest SIM against the per-SIM data limit, projected
to the period's end. ``f`` picks the fleet (or all), ``t`` the period (30 days, 90 days, 24 hours).

Plots are textual-plotext (chosen over textual-plot: no numpy, bar charts and date ticks built in;
see the README). Each series has its own marker as well as its colour, so plots read with NO_COLOR,
and every figure is also in the table beside the plot, with a bar of block characters. Below 100
columns the plot is hidden and the table (with its bars) takes the width: readable at 80x24.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from rich.segment import Segment
from rich.style import NULL_STYLE
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.strip import Strip
from textual.widgets import DataTable, Static
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from ..api import Fleet, SuperSimClient
from ..ops.sim_info import data_size
from ..ops.usage import PeriodToDate, UsageReport, period_to_date, usage_report
from .failures import ReportsFailures, Task, failure_text
from .format import printable
from .keyflow import background
from .pane import ResourceTable

VIEWS = [("time", "Over time"), ("sims", "Top SIMs"), ("countries", "Top countries"), ("period", "Period vs limit")]
PERIODS = [
    ("30 days", "day", timedelta(days=30)),
    ("90 days", "day", timedelta(days=90)),
    ("24 hours", "hour", timedelta(hours=24)),
]
MARKERS = ["•", "x", "+", "o", "*", "#", "@", "%"]
TOP = 10
NARROW = 100  # columns: below this the plot gives way to the table
BAR_WIDTH = 12


def bar(value: float, largest: float, width: int = BAR_WIDTH) -> str:
    """A bar of block characters (readable without colour), at least one block for anything above zero."""
    if largest <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(width * value / largest))


def megabytes(value: int) -> float:
    return round(value / 1_000_000, 1)


class UsagePlot(ReportsFailures, PlotextPlot):
    """textual-plotext's widget, drawn off the UI thread and kept as lines: plotext builds an ANSI picture, Rich
    parses it back and cuts it into styled lines (hundreds of ms for a 6-series plot at 120x36 on a busy machine),
    which the stock widget redoes on every repaint. Here a thread worker does all of that when the data, the size
    or the theme change, and painting only hands over the finished lines, so the UI stays responsive and the
    plot appears in the frame after it is ready."""

    TASKS: ClassVar[dict[str, Task]] = {"usage-plot": Task("Drawing the usage plot", "Press v to draw again.")}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Strip] = []
        self._draw: Callable[[Plot], None] | None = None
        self.pictures = 0  # plots finished (tests and the benchmark wait on it)

    def draw(self, draw: Callable[[Plot], None]) -> None:
        """Plot with ``draw`` (called on a fresh figure in a worker thread)."""
        self._draw = draw
        self._rebuild()

    def on_resize(self) -> None:
        self._rebuild()

    def _rebuild(self) -> None:
        if self._draw is not None and self.size.width > 4 and self.size.height > 4:
            theme = self._get_plotext_theme_name(self.app.theme)
            self._build(self._draw, self.size.width, self.size.height, theme)

    @work(thread=True, exclusive=True, group=background("usage-plot"), exit_on_error=False)
    def _build(self, draw: Callable[[Plot], None], width: int, height: int, theme: str) -> None:
        figure = Plot()
        draw(figure)
        figure.plotsize(width, height)
        figure._set_size(width, height)  # as PlotextPlot.render does (textual-plotext issue 5)
        figure.theme(theme)
        picture = Text.from_ansi(figure.build())
        console = self.app.console
        segments = console.render(picture, console.options.update(width=width, height=height))
        # every segment gets a Style: Textual's NO_COLOR (monochrome) filter fails on a segment without one
        lines = [
            Strip([Segment(text, style or NULL_STYLE, control) for text, style, control in line], width)
            for line in Segment.split_and_crop_lines(segments, width, pad=True, include_new_lines=False)
        ]
        self.app.call_from_thread(self._show, lines[:height])

    def _show(self, lines: list[Strip]) -> None:
        self._lines = lines
        self.pictures += 1
        self.refresh()

    def render_line(self, y: int) -> Strip:
        return self._lines[y] if 0 <= y < len(self._lines) else Strip.blank(self.size.width, NULL_STYLE)


@dataclass
class UsageData:
    """What one view shows: rows for the table, and what the plot draws."""

    title: str
    rows: list[tuple[str, int, float | None]]  # label, bytes, billed
    series: dict[str, list[tuple[datetime, int]]]
    period: PeriodToDate | None = None
    note: str = ""


def fold(parts: list[Text], width: int, gap: str = " ") -> Text:
    """``parts`` on a line, ``gap`` between them; a part that would cross ``width`` (0: unknown, no limit) starts
    the next line, so each reads whole."""
    text, used = Text(), 0
    for part in parts:
        if used and width and used + len(gap) + part.cell_len > width:
            text.append("\n")
            used = 0
        elif used:
            text.append(gap)
            used += len(gap)
        text.append_text(part)
        used += part.cell_len
    return text


class UsagePane(ReportsFailures, Vertical):
    DEFAULT_CSS = """
    UsagePane { height: 1fr; }
    UsagePane #usage-bar { height: auto; padding: 0 1; }
    UsagePane #usage-body { height: 1fr; }
    UsagePane #usage-plot { width: 3fr; height: 1fr; }
    UsagePane #usage-table { width: 2fr; height: 1fr; border: none; }
    UsagePane.-narrow #usage-table { width: 1fr; }
    UsagePane #usage-note {
        height: auto; max-height: 4; padding: 0 1;
        border-top: solid $primary-background-lighten-2; background: $boost;
    }
    """
    TASKS: ClassVar[dict[str, Task]] = {"usage": Task("Loading usage", "Press r to try again.", read=True)}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "next_view", "View", id="usage.view"),
        Binding("f", "next_fleet", "Fleet", id="usage.fleet"),
        Binding("t", "next_period", "Period", id="usage.period"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.client: SuperSimClient | None = None
        self.now: datetime | None = None
        self.fleets: list[Fleet] = []
        self.view = 0
        self.fleet_index = -1  # -1: all fleets
        self.period = 0
        self.data: UsageData | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="usage-bar")
        with Horizontal(id="usage-body"):
            yield UsagePlot(id="usage-plot")
            yield ResourceTable(id="usage-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="usage-note", classes="detail")

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#usage-table", DataTable)

    @property
    def fleet(self) -> Fleet | None:
        return self.fleets[self.fleet_index] if 0 <= self.fleet_index < len(self.fleets) else None

    def start(self, client: SuperSimClient, fleets: list[Fleet], now: datetime | None = None) -> None:
        self.client, self.fleets, self.now = client, list(fleets), now
        self.reload()

    def reload(self) -> None:
        self._show_bar()
        if self.client is not None:
            self.load()

    def action_next_view(self) -> None:
        self.view = (self.view + 1) % len(VIEWS)
        self.reload()

    def action_next_fleet(self) -> None:
        self.fleet_index = self.fleet_index + 1 if self.fleet_index + 1 < len(self.fleets) else -1
        self.reload()

    def action_next_period(self) -> None:
        self.period = (self.period + 1) % len(PERIODS)
        self.reload()

    def _show_bar(self) -> None:
        """The views, the fleet and period, the keys: folded between these parts when they do not fit on one line,
        never inside one (at 80 columns "30 days" was cut in two)."""
        parts = [
            Text(f"[{name}]", style="bold reverse") if index == self.view else Text(f" {name} ")
            for index, (_, name) in enumerate(VIEWS)
        ]
        fleet = printable(self.fleet.label) if self.fleet else "all fleets"
        parts.append(Text(f"· {fleet} · {PERIODS[self.period][0]} ", style="bold"))
        parts.append(Text("v view · f fleet · t period", style="dim"))
        bar = self.query_one("#usage-bar", Static)
        bar.update(fold(parts, bar.content_size.width))

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_bar)  # the bar folds for its new width (known once laid out)

    # ------------------------------------------------------------------ loading
    @work(exclusive=True, group=background("usage"), exit_on_error=False)
    async def load(self) -> None:
        assert self.client is not None
        self.table.loading = True
        try:
            data = await self._read(self.client, VIEWS[self.view][0])
        finally:
            self.table.loading = False
        self.show(data)

    def worker_failed(self, group: str, error: BaseException) -> None:
        self.table.loading = False
        self.query_one("#usage-note", Static).update(Text(failure_text(self.task_for(group), error), style="bold red"))
        super().worker_failed(group, error)

    def _span(self, most: timedelta | None = None) -> tuple[str, datetime, datetime]:
        _, granularity, length = PERIODS[self.period]
        if most is not None and length > most:
            length = most
        now = (self.now or datetime.now(UTC)).astimezone(UTC)
        if granularity == "hour":
            end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        else:  # whole days up to yesterday: a plot whose last day is half over looks like a drop
            end = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return granularity, end - length, end

    async def _busiest_fleet(self, client: SuperSimClient) -> Fleet | None:
        if self.fleet is not None:
            return self.fleet
        granularity, start, end = self._span(timedelta(days=30))
        report = await usage_report(client, by="fleet", granularity=granularity, start=start, end=end)
        totals = report.totals()
        names = {f.label: f for f in self.fleets}
        return next((names[label] for label in totals if label in names), self.fleets[0] if self.fleets else None)

    async def _read(self, client: SuperSimClient, view: str) -> UsageData:
        if view == "time":
            granularity, start, end = self._span()
            fleet = self.fleet
            report = await usage_report(
                client, by="fleet", granularity=granularity, start=start, end=end, fleet=fleet.sid if fleet else None
            )
            return UsageData("Data per fleet (MB)", _rows(report), report.series())
        if view == "countries":
            granularity, start, end = self._span()
            fleet = self.fleet
            report = await usage_report(
                client, by="country", granularity=granularity, start=start, end=end, fleet=fleet.sid if fleet else None
            )
            return UsageData("Top countries (MB)", _rows(report)[:TOP], {})
        busiest = await self._busiest_fleet(client)
        if busiest is None:
            return UsageData("No fleets", [], {})
        if view == "sims":
            granularity, start, end = self._span(timedelta(days=31))  # the API's limit when grouped by SIM
            report = await usage_report(
                client,
                by="sim",
                granularity="day" if granularity == "day" else "hour",
                start=start,
                end=end,
                fleet=busiest.sid,
            )
            return UsageData(f"Top SIMs of {printable(busiest.label)} (MB)", _rows(report)[:TOP], {})
        period = await period_to_date(client, busiest.sid, self.now)
        if period is None:
            return UsageData(f"{printable(busiest.label)}: no data this period", [], {})
        rows: list[tuple[str, int, float | None]] = [(f"{day:%m-%d}", used, None) for day, used in period.days]
        note = (
            f"Heaviest SIM {printable(period.sim_label)}: {data_size(period.days[-1][1] if period.days else 0)} "
            f"of the {data_size(period.limit_bytes)} per-SIM limit so far; at this rate "
            f"{data_size(period.projected)} by {period.end:%Y-%m-%d} ({period.share:.0%} of the limit)."
        )
        return UsageData(
            f"{printable(busiest.label)}: period to date vs limit (MB)", rows, {}, period=period, note=note
        )

    # ------------------------------------------------------------------ showing
    def show(self, data: UsageData) -> None:
        self.data = data
        table = self.table
        table.clear(columns=True)
        view = VIEWS[self.view][0]
        first = {"time": "Fleet", "countries": "Country", "sims": "SIM", "period": "Day"}[view]
        table.add_column(first, key="label")
        table.add_column("MB", key="mb")
        if view != "period":
            table.add_column("Billed", key="billed")
        table.add_column("", key="bar")
        largest = max((used for _, used, _ in data.rows), default=0)
        for label, used, billed in data.rows:
            cells: list[str | Text] = [Text(printable(label)), Text(f"{megabytes(used):,.1f}", justify="right")]
            if view != "period":
                cells.append(Text("—" if billed is None else f"{billed:,.2f}", justify="right"))
            cells.append(Text(bar(used, largest)))
            table.add_row(*cells)
        note = data.note or (f"{data.title}: nothing in this period." if not data.rows else data.title)
        if self.size.width and self.size.width < NARROW:
            note += f" · the plot shows at {NARROW}+ columns; the bars show the same figures"
        self.query_one("#usage-note", Static).update(Text(note))
        self._fit()
        self._plot(data)

    def _plot(self, data: UsageData) -> None:
        view = VIEWS[self.view][0]
        hourly = PERIODS[self.period][1] == "hour"
        self.query_one("#usage-plot", UsagePlot).draw(lambda plt: draw_usage(plt, data, view, hourly))

    @on(Resize)
    def _fit(self) -> None:
        """Below NARROW columns the plot is hidden: the table (with its bars) is the readable fallback."""
        narrow = self.size.width < NARROW
        self.query_one("#usage-plot", UsagePlot).display = not narrow
        self.set_class(narrow, "-narrow")


def _rows(report: UsageReport) -> list[tuple[str, int, float | None]]:
    return [(label, used, billed) for label, (used, billed) in report.totals().items()]


def draw_usage(plt: Plot, data: UsageData, view: str, hourly: bool) -> None:
    """One view's plot on a plotext figure (run in a worker thread: no widget access)."""
    plt.clear_figure()
    plt.title(data.title)
    if view == "time" and data.series:
        ticks: list[datetime] = sorted({moment for points in data.series.values() for moment, _ in points})
        index = {moment: i for i, moment in enumerate(ticks)}
        for number, (label, points) in enumerate(data.series.items()):
            plt.plot(
                [index[m] for m, _ in points],
                [megabytes(v) for _, v in points],
                marker=MARKERS[number % len(MARKERS)],
                label=printable(label),
            )
        step = max(1, len(ticks) // 5)
        fmt = "%H:00" if hourly else "%m-%d"
        plt.xticks(list(range(0, len(ticks), step)), [f"{ticks[i]:{fmt}}" for i in range(0, len(ticks), step)])
    elif view in ("sims", "countries") and data.rows:
        labels = [printable(label)[-8:] for label, _, _ in data.rows]
        plt.bar(labels, [megabytes(used) for _, used, _ in data.rows], orientation="horizontal", marker="█")
    elif view == "period" and data.period is not None:
        period = data.period
        days = [(day - period.start).days for day, _ in period.days]
        plt.plot(days, [megabytes(v) for _, v in period.days], marker="•", label="so far")
        total_days = (period.end - period.start).days
        if days:
            plt.plot(
                [days[-1], total_days - 1],
                [megabytes(period.days[-1][1]), megabytes(period.projected)],
                marker="·",
                label="projected",
            )
        plt.plot([0, total_days - 1], [megabytes(period.limit_bytes)] * 2, marker="-", label="limit")
