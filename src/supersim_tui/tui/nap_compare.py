"""NAP tools: compare two NAPs (networks only in A, only in B, in both; the fleets and SIMs on each), the NAPs
that allow a network (from the catalog), and cloning a NAP. The work is in ops.nap_changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label, LoadingIndicator, Select, Static

from ..api import Network, NetworkAccessProfile, SuperSimClient, SuperSimError
from ..ops.nap_changes import NapComparison, NapSide, clone_nap, compare_naps, naps_with_network
from ..ops.summary import NapSummary
from .failures import ReportsFailures, Task, error_message, failure_text
from .footer import KeysFooter
from .format import plain, printable
from .header import AppHeader
from .keyflow import background


def _side_text(letter: str, side: NapSide) -> Text:
    countries = len({n.iso_country for n in side.networks})
    fleets = ", ".join(f.label for f in side.fleets) or "no fleet"
    text = Text()
    text.append(f"{letter}: {printable(side.nap.label)}", style="bold")
    text.append(f" — {len(side.networks)} networks in {countries} countries · fleets: ")
    text.append(printable(fleets))
    text.append(f" · {side.active:,} active, {side.ready:,} ready SIMs")
    return text


def countries_line(countries: list[str], room: int) -> str:
    """``countries only here: AT, BE, … +17`` within ``room`` cells: as many codes as fit, the rest counted."""
    head = "countries only here: "
    for shown in range(len(countries), 0, -1):
        rest = len(countries) - shown
        line = head + ", ".join(countries[:shown]) + (f", … +{rest}" if rest else "")
        if len(line) <= room:
            return line
    return f"{head}{len(countries)}"


class NapCompareScreen(ReportsFailures, Screen[None]):
    """Two NAPs side by side: what only A allows, what only B allows, what both allow.

    Under ``NARROW`` columns (80x24 over SSH) each list keeps to its third of the width: the MCC-MNC column goes,
    operators are cut with an ellipsis, and the countries only one NAP covers take at most two lines."""

    NARROW = 100

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="compare.back"),
        Binding("r", "reload", "Reload", id="compare.reload"),
    ]
    TASKS: ClassVar[dict[str, Task]] = {"compare": Task("Comparing the NAPs", "Press r to try again.", read=True)}

    def __init__(
        self,
        client: SuperSimClient,
        nap: NetworkAccessProfile,
        naps: list[NetworkAccessProfile],
        other: NetworkAccessProfile | None = None,
    ):
        super().__init__()
        self.client = client
        self.nap = nap
        self.naps = [n for n in naps if n.sid != nap.sid]
        self.other = other or (self.naps[0] if self.naps else None)
        self.comparison: NapComparison | None = None
        self._narrow = False

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="compare-choose", classes="field"):
            yield Label(plain(f"Compare {self.nap.label} with "))
            yield Select(
                [(plain(n.label), n.sid) for n in self.naps],
                id="compare-other",
                compact=True,
                value=self.other.sid if self.other else Select.NULL,
                prompt="choose a NAP",
            )
        yield Static(id="compare-a", classes="compare-side")
        yield Static(id="compare-b", classes="compare-side")
        yield LoadingIndicator(id="compare-loading")
        with Horizontal(id="compare-columns"):
            for key in ("only-a", "only-b", "both"):
                with Vertical(classes="compare-column"):
                    yield Static(id=f"compare-{key}-title", classes="compare-title")
                    table: DataTable[str] = DataTable(id=f"compare-{key}", cursor_type="row", zebra_stripes=True)
                    yield table
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = f"compare NAP {self.nap.label}"
        self._narrow = self.app.size.width < self.NARROW
        self.set_class(self._narrow, "narrow")
        self._set_columns()
        self.action_reload()

    def _set_columns(self) -> None:
        for key in ("only-a", "only-b", "both"):
            table = self.query_one(f"#compare-{key}", DataTable)
            table.clear(columns=True)
            if self._narrow:  # a third of 80 columns: the operator (cut to fit) and its country
                table.add_column("Operator", key="operator", width=self._operator_width())
                table.add_column("ISO", key="iso", width=3)
            else:
                table.add_columns("Operator", "ISO", "MCC-MNC")

    def _operator_width(self) -> int:
        """A third of the screen, less the column's padding, a scrollbar, the ISO column, the cells' padding (2
        each) and a cell for the thirds' rounding."""
        return max(self.app.size.width // 3 - 2 - 2 - 3 - 4 - 1, 6)

    def on_resize(self) -> None:
        narrow = self.app.size.width < self.NARROW
        if narrow != getattr(self, "_narrow", narrow):
            self._narrow = narrow
            self.set_class(narrow, "narrow")
            self._set_columns()
            if self.comparison is not None:
                self._show(self.comparison)

    @on(Select.Changed, "#compare-other")
    def _other_changed(self, event: Select.Changed) -> None:
        chosen = next((n for n in self.naps if n.sid == event.value), None)
        if chosen is not None and chosen is not self.other:
            self.other = chosen
            self.action_reload()

    def action_reload(self) -> None:
        if self.other is None:
            self.query_one("#compare-loading").display = False
            self.query_one("#compare-a", Static).update("There is no other NAP to compare with.")
            return
        self.query_one("#compare-loading").display = True
        self._compare(self.other)

    @work(exclusive=True, group=background("compare"), exit_on_error=False)
    async def _compare(self, other: NetworkAccessProfile) -> None:
        comparison = await compare_naps(self.client, self.nap, other)
        self.comparison = comparison
        self.query_one("#compare-loading").display = False
        self._show(comparison)

    def _show(self, comparison: NapComparison) -> None:
        self.query_one("#compare-a", Static).update(_side_text("A", comparison.a))
        self.query_one("#compare-b", Static).update(_side_text("B", comparison.b))
        columns: tuple[tuple[str, str, list[Network], list[str]], ...] = (
            ("only-a", f"Only in A ({len(comparison.only_a)})", comparison.only_a, comparison.countries_only_a),
            ("only-b", f"Only in B ({len(comparison.only_b)})", comparison.only_b, comparison.countries_only_b),
            ("both", f"In both ({len(comparison.both)})", comparison.both, []),
        )
        room = 2 * (self.app.size.width // 3 - 2) - 6 if self._narrow else None  # two lines (less the wrap)
        for key, title, networks, countries in columns:
            heading = Text(title, style="bold")
            if countries:
                line = countries_line(countries, room) if room else f"countries only here: {', '.join(countries)}"
                heading.append(f"\n{line}", style="yellow")
            if not networks:  # an empty table reads as "still loading" or "broken": say so instead
                heading.append("\nnone", style="dim")
            self.query_one(f"#compare-{key}-title", Static).update(heading)
            table = self.query_one(f"#compare-{key}", DataTable)
            table.clear()
            table.display = bool(networks)
            for network in networks:
                operator = plain(network.friendly_name or "—")
                if self._narrow:
                    operator.truncate(self._operator_width(), overflow="ellipsis")
                    table.add_row(operator, plain(network.iso_country or "—"), key=network.sid)
                else:
                    table.add_row(
                        operator, plain(network.iso_country or "—"), plain(" ".join(network.plmns)), key=network.sid
                    )

    def worker_failed(self, group: str, error: BaseException) -> None:
        super().worker_failed(group, error)
        self.query_one("#compare-loading").display = False
        self.query_one("#compare-a", Static).update(Text(failure_text(self.task_for(group), error), style="bold red"))


class NapsWithNetwork(ReportsFailures, ModalScreen[None]):
    """The NAPs that allow one network, and the fleets using each (from the catalog: n)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close", id="naps-with.close")]
    TASKS: ClassVar[dict[str, Task]] = {
        "naps-with": Task("Finding the NAPs with this network", "Esc, then n again.", read=True)
    }

    def __init__(self, client: SuperSimClient, network: Network):
        super().__init__()
        self.client = client
        self.network = network

    def compose(self) -> ComposeResult:
        network = self.network
        with Vertical(classes="form"):
            yield Static(
                plain(f"NAPs allowing {network.friendly_name} {network.iso_country} ({', '.join(network.plmns)})"),
                classes="form-title",
            )
            yield LoadingIndicator(id="naps-with-loading")
            yield Static(id="naps-with-body")
            yield Static(Text("Esc closes", style="dim"))

    def on_mount(self) -> None:
        self._load()

    def action_close(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group=background("naps-with"), exit_on_error=False)
    async def _load(self) -> None:
        found = await naps_with_network(self.client, self.network.sid)
        self.query_one("#naps-with-loading").display = False
        text = Text()
        if not found:
            text.append("No NAP of this account allows this network.", style="yellow")
        for item in found:
            text.append(f"● {printable(item.nap.label)}", style="bold")
            fleets = ", ".join(printable(f.label) for f in item.fleets)
            text.append(f"  fleets: {fleets}\n" if fleets else "  (no fleet uses it)\n", style="" if fleets else "dim")
        self.query_one("#naps-with-body", Static).update(text)

    def worker_failed(self, group: str, error: BaseException) -> None:
        super().worker_failed(group, error)
        self.query_one("#naps-with-loading").display = False
        self.query_one("#naps-with-body", Static).update(
            Text(failure_text(self.task_for(group), error), style="bold red")
        )


def clone_nap_flow(
    app: App[Any],
    client: SuperSimClient,
    nap: NetworkAccessProfile,
    taken: set[str],
    done: Callable[[NapSummary], None],
) -> None:
    """Ask a name (default ``<name>-copy``), confirm as a protected profile needs, create a NAP with the same
    networks, say so, then ``done(the new NAP with its networks)`` (so the caller shows it, and reloads); a failure
    is notified with what to do."""
    from .consent import guard_change
    from .forms import NameForm

    base = nap.unique_name or nap.sid
    suggestion = next(
        name for name in (f"{base}-copy", *(f"{base}-copy-{n}" for n in range(2, 100)), "") if name not in taken
    )

    async def clone(name: str) -> None:
        try:
            created = await clone_nap(client, nap, name)
        except SuperSimError as error:
            app.notify(error_message(error), title="NAP not cloned", severity="error", markup=False)
            return
        app.notify(
            f"NAP {printable(created.nap.label)} created with the networks of {printable(nap.label)}.",
            title="NAP cloned",
            markup=False,
        )
        done(created)

    def named(name: str | None) -> None:
        if name:
            guard_change(
                app,
                "Clone NAP",
                f"create NAP {name} with the networks of {nap.label}",
                name,
                lambda: app.run_worker(clone(name), group="nap-clone", exit_on_error=False),
            )

    app.push_screen(NameForm(f"Clone NAP {nap.label} as", suggestion, taken), named)
