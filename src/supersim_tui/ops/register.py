"""Registering SIMs by ICCID + registration code, one or thousands (CSV), resumably.

Input is checked completely before anything is sent: a bad row names its line
and field. Each registration is journaled; a SIM that turns out to be ours
already (83003) counts as registered. After registering, an optional fleet and
unique name are applied (absolute updates, safe to repeat on resume).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Collection
from dataclasses import asdict, dataclass

from ..api import AlreadyRegisteredError, NotFoundError, RateLimitedError, Sim, SuperSimClient, SuperSimError
from ..api.errors import explain, is_transient
from ..iccid import iccid_problem, normalize, registration_code_problem
from .journal import Journal, JournalState
from .names import ref_problem, sim_name_problem
from .outcomes import DONE, FAILED, INVALID, NOT_SENT, ItemOutcome, Progress, ResumeCounts
from .runner import AUTH_ERRORS, ProgressCallback, Runner
from .select import select_named

CSV_FIELDS = ("iccid", "registration_code", "fleet", "unique_name")
CSV_ROWS_MAX = 100_000  # one file, one run: a bigger batch is split into several files
CSV_CELL_MAX = 1_000  # no valid ICCID, code, fleet or name comes near this


@dataclass(frozen=True)
class Registration:
    line: int
    iccid: str
    registration_code: str
    fleet: str | None = None
    unique_name: str | None = None

    @property
    def key(self) -> str:
        return self.iccid


class InputError(ValueError):
    """Bad input: every problem found, each naming its line and field."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def check_registration(
    line: int, iccid: str, code: str, fleet: str | None = None, unique_name: str | None = None
) -> tuple[Registration | None, list[str]]:
    problems = []
    where = f"line {line}, " if line else ""
    iccid_issue = iccid_problem(iccid)
    if iccid_issue:
        problems.append(f"{where}iccid: {iccid_issue}")
    code_issue = registration_code_problem(code)
    if code_issue:
        problems.append(f"{where}registration_code: {code_issue}")
    fleet_issue = ref_problem(fleet, "fleet") if fleet else None
    if fleet_issue:
        problems.append(f"{where}fleet: {fleet_issue}")
    name_issue = sim_name_problem(unique_name) if unique_name else None
    if name_issue:
        problems.append(f"{where}unique_name: {name_issue}")
    if problems:
        return None, problems
    return Registration(line, normalize(iccid), code.strip(), fleet or None, unique_name or None), []


@dataclass(frozen=True)
class CsvRow:
    """One line of a registration CSV as read: its registration if good, else every problem with it."""

    line: int
    cells: tuple[str, ...]
    registration: Registration | None
    problems: tuple[str, ...] = ()


def check_registration_csv(text: str, fleets: Collection[str] | None = None) -> tuple[list[CsvRow], list[str]]:
    """Each data row of ``iccid,registration_code[,fleet,unique_name]`` checked (for a preview), plus problems
    with the file as a whole. A header row is optional; ``fleets`` (names and SIDs), if given, are the fleets
    a row may name."""
    rows: list[CsvRow] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    columns: list[str] | None = None  # the header's column names, in the file's order, if it has a header
    reader = csv.reader(io.StringIO(text), strict=True)  # a stray or unclosed quote is an error, not data
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:  # e.g. a cell over the csv module's 131,072-character limit, a NUL
            problems.append(f"line {reader.line_num}: cannot be read as CSV ({error}); nothing after it was read")
            break
        line_number = reader.line_num
        long_cell = next((index for index, cell in enumerate(row) if len(cell) > CSV_CELL_MAX), None)
        if long_cell is not None:
            name = CSV_FIELDS[long_cell] if long_cell < len(CSV_FIELDS) else f"field {long_cell + 1}"
            rows.append(
                CsvRow(
                    line_number,
                    tuple(cell[:CSV_CELL_MAX] for cell in row[: len(CSV_FIELDS)]),
                    None,
                    (f"line {line_number}, {name}: {len(row[long_cell]):,} characters; at most {CSV_CELL_MAX:,}",),
                )
            )
            continue
        cells = [cell.strip() for cell in row]
        if not cells or not any(cells) or cells[0].startswith("#"):
            continue
        if len(rows) >= CSV_ROWS_MAX:
            problems.append(f"line {line_number}: more than {CSV_ROWS_MAX:,} rows; split the file and import each part")
            break
        if line_number == 1 and any(cell.lower() in CSV_FIELDS for cell in cells):  # a header: columns by name
            columns, problem = _header_columns(cells)
            if problem:
                problems.append(f"line 1: {problem}; expected {', '.join(CSV_FIELDS)}")
                break  # which cell is which is unknown: no row can be read safely
            if tuple(columns) == CSV_FIELDS[: len(columns)]:
                columns = None  # the usual order: rows read as without a header (trailing fields may be left out)
            continue
        if columns is not None:  # another order: each row has the header's fields, put in the usual order
            if len(cells) != len(columns):
                expected = f"expected {len(columns)} fields ({','.join(columns)}, as line 1 names them)"
                rows.append(
                    CsvRow(line_number, tuple(cells), None, (f"line {line_number}: {expected}, found {len(cells)}",))
                )
                continue
            named = dict(zip(columns, cells, strict=True))
            cells = [named.get(field, "") for field in CSV_FIELDS]
        if len(cells) < 2 or len(cells) > 4:
            rows.append(
                CsvRow(
                    line_number,
                    tuple(cells),
                    None,
                    (
                        f"line {line_number}: expected 2 to 4 fields (iccid,registration_code[,fleet,unique_name]), "
                        f"found {len(cells)}",
                    ),
                )
            )
            continue
        cells += [""] * (4 - len(cells))
        registration, issues = check_registration(line_number, *cells)
        if fleets is not None and cells[2] and cells[2] not in fleets:
            issues.append(f"line {line_number}, fleet: no fleet {cells[2]!r} in this account")
        if registration is not None and registration.iccid in seen:
            issues.append(f"line {line_number}, iccid: duplicate of line {seen[registration.iccid]}")
        elif registration is not None:
            seen[registration.iccid] = line_number
        rows.append(CsvRow(line_number, tuple(cells), None if issues else registration, tuple(issues)))
    if not rows and not problems:
        problems.append("the file has no rows: expected iccid,registration_code[,fleet,unique_name]")
    return rows, problems


def _header_columns(cells: list[str]) -> tuple[list[str], str]:
    """A header row's column names (lower case, in the file's order), or what is wrong with it."""
    columns = [cell.lower() for cell in cells]
    unknown = next((cell for cell, name in zip(cells, columns, strict=True) if name not in CSV_FIELDS), None)
    if unknown is not None:
        return columns, f"unknown column {unknown!r}"
    twice = next((name for index, name in enumerate(columns) if name in columns[:index]), None)
    if twice is not None:
        return columns, f"column {twice} named twice"
    missing = next((name for name in CSV_FIELDS[:2] if name not in columns), None)
    if missing is not None:
        return columns, f"no {missing} column"
    return columns, ""


def parse_registration_csv(text: str) -> list[Registration]:
    """Rows of ``iccid,registration_code[,fleet,unique_name]``; a header row is optional.

    Raises :class:`InputError` listing every bad row (nothing is sent when any row is bad).
    """
    rows, problems = check_registration_csv(text)
    problems += [problem for row in rows for problem in row.problems]
    if problems:
        raise InputError(problems)
    return [row.registration for row in rows if row.registration is not None]


async def claim_sim(client: SuperSimClient, iccid: str, registration_code: str) -> tuple[str, bool]:
    """Register one SIM; returns its SID and whether it was already in this account (83003 counts as
    success). The one place both the batch runner and the register screen's queue claim a SIM."""
    try:
        return (await client.register_sim(iccid, registration_code)).sid, False
    except AlreadyRegisteredError as already:
        if already.sim_sid:
            return already.sim_sid, True
        sim = await client.find_sim_by_iccid(iccid)
        if sim is None:
            raise SuperSimError(f"SIM {iccid} is registered but could not be found") from None
        return sim.sid, True


@dataclass
class RegistrationResult:
    run_id: str
    outcomes: list[ItemOutcome]
    cancelled: bool = False
    journal_path: str | None = None
    interrupted: str | None = None  # why the run stopped itself (credentials refused), if it did
    resumed: ResumeCounts | None = None

    @property
    def ok(self) -> bool:
        return all(o.outcome == DONE for o in self.outcomes)


async def what_it_lacks(
    client: SuperSimClient, sid: str, fleet: str | None, name: str | None
) -> tuple[str | None, str | None, list[str], Sim | None]:
    """For a SIM that was already in the account (a card scanned again): the fleet and name still to set (only
    what it lacks), what it keeps that differs from what was asked (in words), and the SIM as read (None when
    nothing was asked). One it has is kept: a second scan of a card in service never moves it to another fleet
    (another NAP) or throws its name away."""
    if not (fleet or name):
        return None, None, [], None
    sim = await client.fetch_sim(sid)
    wanted = None
    if fleet and sim.fleet_sid is not None:
        wanted = fleet if fleet.startswith("HF") else (await client.fetch_fleet(fleet)).sid
    fleet, name, kept = lacks(sim, fleet, wanted, name)
    return fleet, name, kept, sim


async def fleet_then_name(
    client: SuperSimClient, sid: str, fleet: str | None, name: str | None
) -> tuple[Sim | None, str | None]:
    """Move a just registered SIM into its fleet, then name it: the SIM as updated (None: nothing asked), and why
    the name was not set (None: it was, or none was asked). Two requests, not one with both: a name the API
    refuses (taken, say) would take the fleet with it. A refused name does not undo the registration or the
    fleet (the app's register screen and ``sims register`` say so alike); a refused fleet and transient failures
    raise."""
    sim = await client.update_sim(sid, fleet=fleet) if fleet else None
    if name:
        try:
            sim = await client.update_sim(sid, unique_name=name)
        except SuperSimError as error:
            if is_transient(error) or isinstance(error, AUTH_ERRORS):
                raise
            return sim, f"name {name!r} not set: {explain(error)}"
    return sim, None


def lacks(
    sim: Sim, fleet: str | None, fleet_sid: str | None, name: str | None
) -> tuple[str | None, str | None, list[str]]:
    """:func:`what_it_lacks` on a SIM already read: the fleet (``fleet_sid``: the SID it names, needed only when
    the SIM has a fleet) and name it still lacks, and what it keeps that differs from what was asked."""
    kept: list[str] = []
    if fleet and sim.fleet_sid is not None:
        if sim.fleet_sid != fleet_sid:
            kept.append("its fleet")
        fleet = None
    if name and sim.unique_name:
        if sim.unique_name != name:
            kept.append(f"its name {sim.unique_name!r}")
        name = None
    return fleet, name, kept


class RegistrationRunner(Runner):
    """Registers a batch with bounded adaptive concurrency, journaled per SIM."""

    def __init__(
        self,
        client: SuperSimClient,
        *,
        concurrency: int = 4,
        journal: Journal | None = None,
        on_progress: ProgressCallback | None = None,
        on_outcome: Callable[[ItemOutcome], Awaitable[None] | None] | None = None,
    ):
        super().__init__(client, concurrency=concurrency, journal=journal, on_progress=on_progress)
        self.on_outcome = on_outcome
        self._outcomes: dict[str, ItemOutcome] = {}
        self._recheck = False
        self._claimed = self._found = 0
        self._fleet_sids: dict[str, str] = {}

    async def run(self, rows: list[Registration], run_id: str) -> RegistrationResult:
        """Register a new batch: the whole batch is made durable in the journal first, then sent."""
        if self.journal is not None:
            self.journal.write_plan([{"key": row.key, **asdict(row)} for row in rows])
        return await self._run(rows, run_id, order=rows)

    async def resume(self, state: JournalState) -> RegistrationResult:
        """Finish a journaled batch: each row without a final outcome is looked up first (by ICCID); a SIM
        already in the account is not registered again, and its fleet and name are set only if they differ."""
        self._outcomes = self.final_outcomes(state)
        rows = [Registration(**{k: v for k, v in r.items() if k not in ("type", "key")}) for r in state.items]
        counts = ResumeCounts(left_alone=len(self._outcomes))
        remaining = [r for r in rows if r.key not in self._outcomes]
        counts.rechecked = len(remaining)
        if self.journal is not None:
            self.journal.write({"type": "resumed"})
        self._recheck = True
        result = await self._run(remaining, state.run_id, order=rows)
        counts.sent, counts.already_done = self._claimed, self._found
        result.resumed = counts
        return result

    async def dry_run(self, rows: list[Registration]) -> list[ItemOutcome]:
        """What a run of ``rows`` would do, sending nothing (the fleets named and the ICCIDs are read): each row
        not sent; or done, as a run would end it, for a SIM already in this account (with its SID, and what of
        the row's fleet and name it would keep or get); or invalid as a run would refuse it (its fleet is not in
        this account)."""
        sendable = await self._refuse_unknown_fleets(rows)
        found = await select_named(self.client, [row.iccid for row in sendable])
        here = {sim.iccid: sim for sim in found.sims}
        for row in sendable:
            sim = here.get(row.iccid)
            if sim is None:
                self._outcomes[row.key] = ItemOutcome(row.key, row.iccid, row.unique_name or row.iccid, NOT_SENT)
                continue
            fleet, name, kept = lacks(sim, row.fleet, self._fleet_sids.get(row.fleet or ""), row.unique_name)
            gets = [what for what, value in (("its fleet", fleet), ("its name", name)) if value]
            note = "already in this account" + (f"; kept {' and '.join(kept)}" if kept else "")
            note += f"; would get {' and '.join(gets)}" if gets else ""
            label = name or sim.unique_name or row.iccid
            self._outcomes[row.key] = ItemOutcome(
                row.key, row.iccid, label, DONE, str(sim.status), sim.fleet_sid, note, sid=sim.sid
            )
        return [self._outcomes[row.key] for row in rows]

    async def _refuse_unknown_fleets(self, rows: list[Registration]) -> list[Registration]:
        """The rows whose fleet (if any) exists. A row naming a fleet the account does not have is refused before
        it is sent (invalid, with what to do): registered first, its SIM would be in the account while reported
        failed when the fleet is refused. Each fleet is looked up once."""
        unknown: set[str] = set()
        for ref in sorted({row.fleet for row in rows if row.fleet}):
            if ref not in self._fleet_sids:
                try:
                    self._fleet_sids[ref] = (await self.client.fetch_fleet(ref)).sid
                except NotFoundError:
                    unknown.add(ref)
        for row in rows:
            if row.fleet in unknown:
                outcome = ItemOutcome(
                    row.key,
                    row.iccid,
                    row.unique_name or row.iccid,
                    INVALID,
                    error=f"no fleet {row.fleet!r} in this account: not sent; name an existing fleet "
                    "(supersim-tui fleets list) and register this SIM again",
                )
                self._outcomes[row.key] = outcome
                if self.journal is not None:
                    self.journal.write({"type": "done", **outcome.to_json()})
        return [row for row in rows if row.fleet not in unknown]

    async def _run(self, rows: list[Registration], run_id: str, *, order: list[Registration]) -> RegistrationResult:
        rows = await self._refuse_unknown_fleets(rows)
        self._progress = Progress(total=len(order), concurrency=self.limiter.limit)
        self._progress.done = sum(1 for o in self._outcomes.values() if o.outcome == DONE)
        self._progress.invalid = sum(1 for o in self._outcomes.values() if o.outcome == INVALID)
        self._progress.failed = len(self._outcomes) - self._progress.done - self._progress.invalid
        with self.throttle_feedback():
            never_sent = await self.work(rows, self._register_one)
        reason = self.not_sent_reason()
        for row in never_sent:
            self._outcomes[row.key] = ItemOutcome(
                row.key, row.iccid, row.unique_name or row.iccid, NOT_SENT, error=reason, retryable=True
            )
        self.close_journal()
        self.report()
        outcomes = [self._outcomes[r.key] for r in order if r.key in self._outcomes]
        return RegistrationResult(run_id, outcomes, self._cancelled, self.journal_path, self.interrupted)

    async def _register_one(self, row: Registration) -> bool:
        """Register one row and record its outcome; False when it met a 429."""
        outcome, throttled = await self._register(row)
        self._outcomes[row.key] = outcome
        if outcome.outcome == DONE:
            self._progress.done += 1
        else:
            self._progress.failed += 1
        if self.journal is not None and outcome.outcome != NOT_SENT:
            self.journal.write({"type": "done", **outcome.to_json()})
        if self.on_outcome is not None:
            maybe = self.on_outcome(outcome)
            if maybe is not None:
                await maybe
        return not throttled

    async def _register(self, row: Registration) -> tuple[ItemOutcome, bool]:
        """The row's outcome, and whether it met a 429."""
        label = row.unique_name or row.iccid
        note = None
        sim_sid: str | None = None
        try:
            existing: Sim | None = None
            already = False  # in the account before this run (a card scanned again): it keeps its fleet and name
            if self._recheck:  # resuming: look before registering again
                existing = await self.client.find_sim_by_iccid(row.iccid)
            if existing is not None:
                self._found += 1
                note = "registered before the resume"
                if not await self._needs_update(row, existing):
                    self.connect_failed(None)
                    return ItemOutcome(
                        row.key,
                        row.iccid,
                        label,
                        DONE,
                        str(existing.status),
                        existing.fleet_sid,
                        note,
                        sid=existing.sid,
                    ), False
                sim_sid = existing.sid
            else:
                if self.journal is not None:
                    self.journal.write({"type": "start", "key": row.key})
                self._claimed += 1
                sim_sid, already = await claim_sim(self.client, row.iccid, row.registration_code)
                note = "already in this account" if already else None
                if self.journal is not None:
                    self.journal.write({"type": "sent", "key": row.key, "sid": sim_sid})
            self.connect_failed(None)
            fleet, name = row.fleet, row.unique_name
            if already:
                fleet, name, kept, found = await what_it_lacks(self.client, sim_sid, fleet, name)
                note = f"{note}; kept {' and '.join(kept)}" if kept else note
                if found is not None and name is None:  # it keeps its own name: the outcome says that one
                    label = found.unique_name or row.iccid
                if found is not None and not (fleet or name):
                    done = ItemOutcome(
                        row.key, row.iccid, label, DONE, str(found.status), found.fleet_sid, note, sid=sim_sid
                    )
                    return done, False
            if fleet or name:
                sim, name_refused = await fleet_then_name(self.client, sim_sid, fleet, name)
                if name_refused is not None:
                    note = f"{note}; {name_refused}" if note else name_refused
                    label = row.iccid
                status, fleet_sid = (str(sim.status), sim.fleet_sid) if sim is not None else ("new", None)
                updated = ItemOutcome(row.key, row.iccid, label, DONE, status, fleet_sid, note, sid=sim_sid)
                return updated, False
            return ItemOutcome(row.key, row.iccid, label, DONE, "new", None, note, sid=sim_sid), False
        except AUTH_ERRORS as error:
            self.stop_for_credentials(error)
            outcome = ItemOutcome(
                row.key,
                row.iccid,
                label,
                NOT_SENT,
                error=f"refused: {self.interrupted}",
                code=error.code,
                retryable=True,
                sid=sim_sid,
            )
            return outcome, False
        except SuperSimError as error:
            self.connect_failed(error)  # the API is gone: stop, like a bulk run (UNREACHABLE_AFTER)
            outcome = ItemOutcome(
                row.key,
                row.iccid,
                label,
                FAILED,
                error=explain(error),
                code=error.code,
                retryable=is_transient(error),
                sid=sim_sid,
            )
            return outcome, isinstance(error, RateLimitedError)

    async def _needs_update(self, row: Registration, sim: Sim) -> bool:
        """Whether the row's fleet or unique name still has to be applied to a SIM found registered."""
        if row.unique_name and sim.unique_name != row.unique_name:
            return True
        if row.fleet:
            if row.fleet not in self._fleet_sids:
                self._fleet_sids[row.fleet] = (await self.client.fetch_fleet(row.fleet)).sid
            return sim.fleet_sid != self._fleet_sids[row.fleet]
        return False
