"""The simulated account: records, the Super SIM rules, and asynchronous updates.

Everything here is synchronous and free of HTTP so the rules read like the
reference documents. The ASGI layer (``app.py``) parses requests, calls these
methods and renders records. Times come from an injectable clock so tests can
move time forward instead of sleeping.

Why one file over 400 lines: the account's records and the rules that change them (SIM status transitions,
fleets, NAPs, scheduled updates) share one clock and one set of indexes; the catalog, traffic, usage and seeding
are already their own modules. The ICCID Luhn check here is deliberately the simulator's own, not ``iccid.py``'s:
the simulator imports nothing of the client (tests/test_layers.py), so a client bug cannot hide in both.
"""

from __future__ import annotations

import hashlib
import heapq
import random
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .catalog import CatalogNetwork, build_catalog
from .errors import ApiFailure, invalid, missing, not_found, super_sim
from .net import is_loopback_url
from .sim_groups import Placement, SimGroups, changes, track_changes
from .traffic import UsageSegment, auto_activate, day_bytes
from .traffic import open_usage as _open_usage
from .traffic import retraffic as _retraffic

SIM_STATUSES = ("new", "ready", "active", "inactive", "scheduled")
UPDATABLE_STATUSES = ("ready", "active", "inactive")
HTTP_METHODS = ("GET", "POST")
ACTIVATED = ("ready", "active")
MAX_UNIQUE_NAME = 64


def _iso(moment: datetime) -> str:
    return moment.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def _luhn_ok(digits: str) -> bool:
    # Written again here on purpose (iccid.py has the client's): the simulator is the tests' oracle, so a
    # mistake in the client's check must not be shared by the API it is tested against.
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _luhn_complete(payload: str) -> str:
    """Append the check digit: double every second digit counting from the right of the payload."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        value = int(char)
        if index % 2 == 0:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return payload + str((10 - total % 10) % 10)


@dataclass(slots=True)
class Pending:
    """An asynchronous update in flight: the SIM shows ``scheduled`` until ``settle_at``."""

    status: str
    fleet_sid: str | None
    fleet_changes: bool
    settle_at: float
    callback_url: str | None
    callback_method: str


@dataclass(slots=True)
class SimRecord:
    sid: str
    account_sid: str
    iccid: str
    unique_name: str | None
    status: str
    fleet_sid: str | None
    date_created: str
    date_updated: str
    index: int
    pending: Pending | None = None
    ever_activated: bool = False
    # Usage model (traffic.py): data use over time, SMS Commands, and when a ready SIM turns active.
    usage: list[UsageSegment] = field(default_factory=list)
    sms_commands: int = 0
    auto_active_hour: int | None = None


# What SIM listings filter on: every assignment is counted, so the grouping index (sim_groups.py) is never stale.
track_changes(SimRecord, ("status", "fleet_sid", "account_sid"))


@dataclass(slots=True)
class FleetRecord:
    sid: str
    account_sid: str
    unique_name: str | None
    network_access_profile_sid: str
    data_enabled: bool
    data_limit: int
    sms_commands_enabled: bool
    sms_commands_url: str | None
    sms_commands_method: str
    ip_commands_url: str | None
    ip_commands_method: str
    date_created: str
    date_updated: str
    data_metering: str = "payg"


@dataclass(slots=True)
class NapRecord:
    sid: str
    account_sid: str
    unique_name: str | None
    network_sids: list[str]
    date_created: str
    date_updated: str


@dataclass(slots=True)
class Callback:
    """A status callback due to be delivered to a loopback URL."""

    url: str
    method: str
    params: dict[str, str]


R = TypeVar("R", "NapRecord", "FleetRecord")


@dataclass
class SimulatorConfig:
    account_sid: str = "AC" + "0" * 31 + "1"
    auth_token: str = "demo-auth-token"
    seed: int = 1
    sims: int = 300
    latency_ms: float = 0.0
    fault_rate: float = 0.0
    retry_after: int = 1
    settle_seconds: float = 2.0
    # The account's allowance of requests in flight (None: unlimited). Above it, 429 / 20429 with the
    # Twilio-Concurrent-Requests header and no Retry-After. Read on every request: change it mid-run in tests.
    max_concurrency: int | None = None
    registrable: int = 200
    api_keys: dict[str, str] = field(default_factory=dict)
    oauth_clients: dict[str, str] = field(default_factory=dict)
    token_ttl: float = 3600.0
    # Seeded records are dated relative to this moment (default: now). Fix it for stable snapshots.
    epoch: datetime | None = None


class SimulatorState:
    """All records of the simulated world, owned by one primary account."""

    def __init__(self, config: SimulatorConfig, clock: Callable[[], float] = time.monotonic):
        self.config = config
        self.clock = clock
        self.rng = random.Random(config.seed)
        self.account_sid = config.account_sid
        self.subaccount_sids = [self._sid("AC")]
        self.other_account_sid = self._sid("AC")
        self.networks: dict[str, CatalogNetwork] = {n.sid: n for n in build_catalog()}
        self.naps: dict[str, NapRecord] = {}
        self.fleets: dict[str, FleetRecord] = {}
        self.sims: dict[str, SimRecord] = {}
        self.sim_order: list[str] = []
        self.sims_by_iccid: dict[str, str] = {}
        self.sims_by_name: dict[str, str] = {}
        self._groups: SimGroups | None = None  # positions by status / fleet / both: see sim_groups.py
        # ICCID -> (registration code, owning account or None) for SIMs not in any list.
        self.unregistered: dict[str, tuple[str, str | None]] = {}
        self._schedule: list[tuple[float, str]] = []
        self.outbox: list[Callback] = []
        # Every accepted status or fleet change, as (SIM SID, what, value): lets tests prove
        # that a bulk run changed no SIM twice, whatever the replies said.
        self.changes: list[tuple[str, str, str | None]] = []
        self.started = datetime.now(UTC).replace(microsecond=0)
        self._clock0 = clock()
        # Bumped by every change that can alter usage records (their cache key).
        self.revision = 0
        self.usage_cache: dict[tuple[object, ...], Any] = {}
        # (hour, SIM SID): ready SIMs turning active on their own (250KB, 5 SMS Commands or 3 months).
        self._auto: list[tuple[int, str]] = []
        # Fleet SID -> share of its data limit an average SIM uses in 30 days (seeded; default 0.3).
        self.fleet_appetite: dict[str, float] = {}

    # ----------------------------------------------------------------- helpers
    def _sid(self, prefix: str) -> str:
        return prefix + f"{self.rng.getrandbits(128):032x}"

    def now_iso(self) -> str:
        """The simulated present (:meth:`world_now`) as the API writes a date: one clock for every date the world
        makes, so a SIM is never created after the present its billing periods and usage run to."""
        return _iso(self.world_now())

    def world_now(self) -> datetime:
        """The simulated present: the epoch (or the start) moved on by the clock."""
        return (self.config.epoch or self.started) + timedelta(seconds=self.clock() - self._clock0)

    def registration_code(self, iccid: str) -> str:
        """The code printed on the card: stable for a given seed and ICCID."""
        digest = hashlib.sha256(f"{self.config.seed}:{iccid}".encode()).digest()
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        return "".join(alphabet[b % len(alphabet)] for b in digest[:10])

    # ----------------------------------------------------------- resolution
    def _find(self, records: dict[str, R], ref: str) -> R | None:
        """A NAP or fleet of this account by SID or unique name."""
        record = records.get(ref)
        if record is not None and record.account_sid == self.account_sid:
            return record
        return next((r for r in records.values() if r.unique_name == ref and r.account_sid == self.account_sid), None)

    def find_nap(self, ref: str) -> NapRecord | None:
        return self._find(self.naps, ref)

    def find_fleet(self, ref: str) -> FleetRecord | None:
        return self._find(self.fleets, ref)

    def find_sim(self, ref: str) -> SimRecord | None:
        self.settle_due()
        sim = self.sims.get(ref)
        if sim is None and ref in self.sims_by_name:
            sim = self.sims[self.sims_by_name[ref]]
        if sim is None or sim.account_sid != self.account_sid:
            return None
        return sim

    def nap_or_404(self, ref: str) -> NapRecord:
        nap = self.find_nap(ref)
        if nap is None:
            raise not_found(f"/v1/NetworkAccessProfiles/{ref}")
        return nap

    def fleet_or_404(self, ref: str) -> FleetRecord:
        fleet = self.find_fleet(ref)
        if fleet is None:
            raise not_found(f"/v1/Fleets/{ref}")
        return fleet

    def sim_or_404(self, ref: str) -> SimRecord:
        sim = self.find_sim(ref)
        if sim is None:
            raise not_found(f"/v1/Sims/{ref}")
        return sim

    # ------------------------------------------------------------------ NAPs
    def _check_unique(self, records: Iterable[NapRecord | FleetRecord], name: str, own_sid: str | None) -> None:
        check_name_length(name)
        for record in records:
            if record.account_sid == self.account_sid and record.unique_name == name and record.sid != own_sid:
                raise invalid("UniqueName", f"'{name}' is already used by {record.sid}")

    def create_nap(self, unique_name: str | None, network_sids: list[str]) -> NapRecord:
        if unique_name:
            self._check_unique(self.naps.values(), unique_name, None)
        chosen: list[str] = []
        for sid in network_sids:
            if sid not in self.networks:
                raise invalid("Networks", f"'{sid}' is not a Network in the catalog")
            if sid not in chosen:
                chosen.append(sid)
        now = self.now_iso()
        nap = NapRecord(self._sid("HA"), self.account_sid, unique_name or None, chosen, now, now)
        self.naps[nap.sid] = nap
        return nap

    def update_nap(self, ref: str, unique_name: str | None) -> NapRecord:
        nap = self.nap_or_404(ref)
        if unique_name is not None:
            if unique_name:
                self._check_unique(self.naps.values(), unique_name, nap.sid)
            nap.unique_name = unique_name or None
            nap.date_updated = self.now_iso()
        return nap

    def add_nap_network(self, ref: str, network_sid: str | None) -> tuple[NapRecord, CatalogNetwork]:
        nap = self.nap_or_404(ref)
        if not network_sid:
            raise missing("Network")
        network = self.networks.get(network_sid)
        if network is None:
            raise invalid("Network", f"'{network_sid}' is not a Network in the catalog")
        if network_sid in nap.network_sids:
            raise invalid("Network", f"{network_sid} is already allowed by Network Access Profile {nap.sid}")
        nap.network_sids.append(network_sid)
        nap.date_updated = self.now_iso()
        self.revision += 1
        return nap, network

    def nap_network(self, ref: str, network_sid: str) -> tuple[NapRecord, CatalogNetwork]:
        nap = self.nap_or_404(ref)
        if network_sid not in nap.network_sids:
            raise not_found(f"/v1/NetworkAccessProfiles/{ref}/Networks/{network_sid}")
        return nap, self.networks[network_sid]

    def remove_nap_network(self, ref: str, network_sid: str) -> None:
        nap, _ = self.nap_network(ref, network_sid)
        nap.network_sids.remove(network_sid)
        nap.date_updated = self.now_iso()
        self.revision += 1

    def list_naps(self) -> list[NapRecord]:
        return [n for n in self.naps.values() if n.account_sid == self.account_sid]

    # ---------------------------------------------------------------- Fleets
    def create_fleet(self, params: dict[str, str]) -> FleetRecord:
        nap_ref = params.get("NetworkAccessProfile")
        if not nap_ref:
            raise missing("NetworkAccessProfile")
        nap = self.find_nap(nap_ref)
        if nap is None:
            raise invalid("NetworkAccessProfile", f"no Network Access Profile '{nap_ref}' in this account")
        unique_name = params.get("UniqueName") or None
        if unique_name:
            self._check_unique(self.fleets.values(), unique_name, None)
        now = self.now_iso()
        fleet = FleetRecord(
            sid=self._sid("HF"),
            account_sid=self.account_sid,
            unique_name=unique_name,
            network_access_profile_sid=nap.sid,
            data_enabled=_bool(params, "DataEnabled", True),
            data_limit=_data_limit(params.get("DataLimit"), 1000),
            sms_commands_enabled=_bool(params, "SmsCommandsEnabled", True),
            sms_commands_url=_url(params, "SmsCommandsUrl"),
            sms_commands_method=_method(params, "SmsCommandsMethod", "POST"),
            ip_commands_url=_url(params, "IpCommandsUrl"),
            ip_commands_method=_method(params, "IpCommandsMethod", "POST"),
            date_created=now,
            date_updated=now,
        )
        self.fleets[fleet.sid] = fleet
        return fleet

    def update_fleet(self, ref: str, params: dict[str, str]) -> FleetRecord:
        fleet = self.fleet_or_404(ref)
        if "UniqueName" in params:
            name = params["UniqueName"]
            if name:
                self._check_unique(self.fleets.values(), name, fleet.sid)
        nap_sid = fleet.network_access_profile_sid
        if "NetworkAccessProfile" in params:
            nap = self.find_nap(params["NetworkAccessProfile"])
            if nap is None:
                raise invalid(
                    "NetworkAccessProfile",
                    f"no Network Access Profile '{params['NetworkAccessProfile']}' in this account",
                )
            nap_sid = nap.sid
        data_limit = _data_limit(params.get("DataLimit"), fleet.data_limit)
        sms_method = _method(params, "SmsCommandsMethod", fleet.sms_commands_method)
        ip_method = _method(params, "IpCommandsMethod", fleet.ip_commands_method)
        sms_url, ip_url = _url(params, "SmsCommandsUrl"), _url(params, "IpCommandsUrl")
        # Validation passed: apply everything at once.
        if "UniqueName" in params:
            fleet.unique_name = params["UniqueName"] or None
        fleet.network_access_profile_sid = nap_sid
        fleet.data_limit = data_limit
        fleet.sms_commands_method = sms_method
        fleet.ip_commands_method = ip_method
        if "SmsCommandsUrl" in params:
            fleet.sms_commands_url = sms_url
        if "IpCommandsUrl" in params:
            fleet.ip_commands_url = ip_url
        fleet.date_updated = self.now_iso()
        self.revision += 1
        return fleet

    def list_fleets(self, nap_ref: str | None) -> list[FleetRecord]:
        fleets = [f for f in self.fleets.values() if f.account_sid == self.account_sid]
        if nap_ref:
            nap = self.find_nap(nap_ref)
            if nap is None:
                return []
            fleets = [f for f in fleets if f.network_access_profile_sid == nap.sid]
        return fleets

    # ------------------------------------------------------------------ Sims
    def _add_sim(
        self, iccid: str, account_sid: str, status: str, fleet_sid: str | None, unique_name: str | None, created: str
    ) -> SimRecord:
        before = changes()
        sim = SimRecord(
            sid=self._sid("HS"),
            account_sid=account_sid,
            iccid=iccid,
            unique_name=unique_name,
            status=status,
            fleet_sid=fleet_sid,
            date_created=created,
            date_updated=created,
            index=len(self.sim_order),
            ever_activated=status in ("ready", "active", "inactive"),
        )
        self.sims[sim.sid] = sim
        self.sim_order.append(sim.sid)
        self.sims_by_iccid[iccid] = sim.sid
        if unique_name:
            self.sims_by_name[unique_name] = sim.sid
        self._regroup(sim, None, before, len(self.sim_order) - 1)
        return sim

    @contextmanager
    def changing_sim(self, sim: SimRecord) -> Iterator[None]:
        """Wrap a change of a SIM's status, fleet or account: its listing groups follow it at once."""
        before, old = changes(), (sim.account_sid, sim.status, sim.fleet_sid)
        yield
        self._regroup(sim, old, before, len(self.sim_order))

    def _regroup(self, sim: SimRecord, old: Placement | None, before: int, count: int) -> None:
        """Move ``sim`` in the groups if they were current before its change (else they are rebuilt later)."""
        groups = self._groups
        if groups is not None and groups.stamp == (before, count):
            groups.move(sim.index, old, (sim.account_sid, sim.status, sim.fleet_sid), self.account_sid)
            groups.stamp = (changes(), len(self.sim_order))

    def register_sim(self, iccid: str | None, code: str | None) -> SimRecord:
        if not iccid:
            raise super_sim(83001, "Missing required parameter Iccid")
        if not code:
            raise super_sim(83001, "Missing required parameter RegistrationCode")
        not_registrable = super_sim(83002, "The ICCID and Registration Code do not belong to a registrable Super SIM")
        if not (iccid.isascii() and iccid.isdigit()) or len(iccid) not in (19, 20) or not _luhn_ok(iccid):
            raise not_registrable
        existing_sid = self.sims_by_iccid.get(iccid)
        if existing_sid is not None:
            existing = self.sims[existing_sid]
            if self.registration_code(existing.iccid) != code:
                raise not_registrable
            if existing.account_sid == self.account_sid:
                raise super_sim(83003, f"The Super SIM is already registered to this account as {existing.sid}")
            raise not_registrable
        entry = self.unregistered.get(iccid)
        if entry is None or entry[0] != code:
            raise not_registrable
        if entry[1] is not None and entry[1] != self.account_sid:
            raise not_registrable
        del self.unregistered[iccid]
        self.revision += 1
        return self._add_sim(iccid, self.account_sid, "new", None, None, self.now_iso())

    def list_sims(
        self, status: str | None, fleet_ref: str | None, iccid: str | None, start: int
    ) -> Iterator[tuple[int, SimRecord]]:
        """Yield ``(position, sim)`` in creation order from ``start``, filtered."""
        self.settle_due()
        if status is not None and status not in SIM_STATUSES:
            raise invalid("Status", f"must be one of {', '.join(SIM_STATUSES)}")
        fleet_sid: str | None = None
        if fleet_ref:
            fleet = self.find_fleet(fleet_ref)
            if fleet is None:
                return
            fleet_sid = fleet.sid
        if iccid is not None:
            sid = self.sims_by_iccid.get(iccid)
            if sid is None:
                return
            sim = self.sims[sid]
            if (
                sim.index >= start
                and sim.account_sid == self.account_sid
                and (status is None or sim.status == status)
                and (fleet_sid is None or sim.fleet_sid == fleet_sid)
            ):
                yield sim.index, sim
            return
        sims, order = self.sims, self.sim_order
        if status is None and fleet_sid is None:  # every SIM of the account: a scan is O(page) already
            for position in range(start, len(order)):
                sim = sims[order[position]]
                if sim.account_sid == self.account_sid:
                    yield position, sim
            return
        for position in self.sim_groups().positions_from(status, fleet_sid, start):
            yield position, sims[order[position]]

    def sim_groups(self) -> SimGroups:
        """The account's SIM positions by status and fleet, rebuilt if any SIM changed since they were built."""
        stamp = (changes(), len(self.sim_order))
        if self._groups is None or self._groups.stamp != stamp:
            self._groups = SimGroups.build(self.sim_order, self.sims, self.account_sid, stamp)
        return self._groups

    def update_sim(self, ref: str, params: dict[str, str]) -> tuple[SimRecord, bool]:
        """Apply a Sim update; returns the record and whether it was made asynchronous."""
        sim = self.sim_or_404(ref)
        status = params.get("Status")
        callback_url = _url(params, "CallbackUrl")
        callback_method = _method(params, "CallbackMethod", "POST")
        if status is not None and status not in SIM_STATUSES:
            raise invalid("Status", "must be one of ready, active, inactive")
        # --- fleet
        fleet_given = "Fleet" in params
        target_fleet: str | None = sim.fleet_sid
        if fleet_given:
            if params["Fleet"]:
                fleet = self.find_fleet(params["Fleet"])
                if fleet is None:
                    raise super_sim(83006, f"Fleet '{params['Fleet']}' was not found", 404)
                target_fleet = fleet.sid
            else:
                target_fleet = None
        fleet_changes = fleet_given and target_fleet != sim.fleet_sid
        if fleet_changes and sim.status == "scheduled":
            raise super_sim(83009, "The Super SIM's Fleet cannot be changed while its status is scheduled")
        if fleet_changes and target_fleet is None and sim.status in ACTIVATED:
            raise super_sim(83008, f"The Super SIM cannot be removed from its Fleet while {sim.status}")
        # --- status
        status_changes = status is not None and status != sim.status
        if status_changes:
            assert status is not None
            if sim.status == "scheduled":
                raise super_sim(
                    83010, "The Super SIM has an update in progress (status scheduled); wait until it completes"
                )
            if status in ("new", "scheduled"):
                raise super_sim(83010, f"Cannot update the Super SIM's status to {status}")
            if status == "ready" and sim.status != "new":
                raise super_sim(
                    83010, f"Cannot update status from {sim.status} to ready: ready is only possible from new"
                )
            if status in ACTIVATED and target_fleet is None:
                raise super_sim(
                    83007,
                    "The Super SIM cannot be activated because it does not belong "
                    "to a Fleet; provide a Fleet in the same request",
                )
        # --- unique name and account
        unique_name = params.get("UniqueName")
        if unique_name:
            check_name_length(unique_name)
            clash = self.sims_by_name.get(unique_name)
            if clash is not None and clash != sim.sid:
                raise super_sim(83011, f"A Super SIM with unique name '{unique_name}' already exists")
        account = params.get("AccountSid")
        if account is not None and account != sim.account_sid:
            if sim.status != "new" or status_changes:
                raise invalid("AccountSid", "a Super SIM can only move to another account while new")
            if account != self.account_sid and account not in self.subaccount_sids:
                raise ApiFailure(403, 20006, "AccountSid must be this account or one of its subaccounts")
        # --- apply
        now = self.now_iso()
        self.revision += 1
        if status_changes:
            self.changes.append((sim.sid, "status", status))
        if fleet_changes:
            self.changes.append((sim.sid, "fleet", target_fleet))
        if unique_name is not None:
            if sim.unique_name:
                self.sims_by_name.pop(sim.unique_name, None)
            sim.unique_name = unique_name or None
            if sim.unique_name:
                self.sims_by_name[sim.unique_name] = sim.sid
        asynchronous = False
        with self.changing_sim(sim):
            if account is not None:
                sim.account_sid = account
            if status_changes:
                assert status is not None
                asynchronous = sim.status in ("new", "inactive") or status == "inactive"
                if not asynchronous:  # ready -> active
                    sim.status = status
                    self.retraffic(sim)
                    if fleet_changes:
                        self._schedule_sim(sim, status, target_fleet, True, callback_url, callback_method)
                        asynchronous = True
                else:
                    self._schedule_sim(sim, status, target_fleet, fleet_changes, callback_url, callback_method)
            elif fleet_changes:
                if sim.status in ACTIVATED:
                    self._schedule_sim(sim, sim.status, target_fleet, True, callback_url, callback_method)
                    asynchronous = True
                else:
                    sim.fleet_sid = target_fleet
        sim.date_updated = now
        return sim, asynchronous

    def _schedule_sim(
        self,
        sim: SimRecord,
        status: str,
        fleet_sid: str | None,
        fleet_changes: bool,
        callback_url: str | None,
        callback_method: str,
        delay: float | None = None,
    ) -> None:
        settle_at = self.clock() + (self.config.settle_seconds if delay is None else delay)
        sim.pending = Pending(status, fleet_sid, fleet_changes, settle_at, callback_url, callback_method)
        sim.status = "scheduled"
        heapq.heappush(self._schedule, (settle_at, sim.sid))

    def next_settle_at(self) -> float | None:
        return self._schedule[0][0] if self._schedule else None

    def settle_due(self) -> None:
        """Complete every asynchronous update whose moment has come (callbacks go to the outbox)."""
        now = self.clock()
        auto_activate(self)
        while self._schedule and self._schedule[0][0] <= now:
            _, sid = heapq.heappop(self._schedule)
            sim = self.sims[sid]
            pending = sim.pending
            if pending is None or pending.settle_at > now:
                continue
            sim.pending = None
            with self.changing_sim(sim):
                sim.status = pending.status
                if pending.fleet_changes:
                    sim.fleet_sid = pending.fleet_sid
            if pending.status in ACTIVATED:
                sim.ever_activated = True
            self.retraffic(sim)
            sim.date_updated = self.now_iso()
            if pending.callback_url and is_loopback_url(pending.callback_url):
                self.outbox.append(
                    Callback(
                        pending.callback_url,
                        pending.callback_method,
                        {
                            "SimSid": sim.sid,
                            "SimUniqueName": sim.unique_name or "",
                            "SimStatus": sim.status,
                            "AccountSid": sim.account_sid,
                        },
                    )
                )

    # ------------------------------------------------------------- Networks
    def list_networks(self, iso: str | None, mcc: str | None, mnc: str | None) -> list[CatalogNetwork]:
        result = []
        for network in self.networks.values():
            if iso and network.iso_country != iso.upper():
                continue
            if (mcc or mnc) and not any(
                (not mcc or m == mcc) and (not mnc or n == mnc) for m, n in network.identifiers
            ):
                continue
            result.append(network)
        return result

    # ------------------------------------------------------------ per SIM data
    def billing_periods(self, sim: SimRecord) -> list[dict[str, object]]:
        if not sim.ever_activated:
            return []
        created = datetime.strptime(sim.date_created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        periods: list[dict[str, object]] = []
        start = created
        now = self.world_now()
        number = 0
        while start < now and number < 24:
            end = start + timedelta(days=30)
            period_type = "ready" if number == 0 and sim.index % 3 == 0 else "active"
            sid = "HB" + hashlib.sha256(f"{sim.sid}:{number}".encode()).hexdigest()[:32]
            periods.append(
                {
                    "sid": sid,
                    "account_sid": sim.account_sid,
                    "sim_sid": sim.sid,
                    "start_time": _iso(start),
                    "end_time": _iso(end),
                    "period_type": period_type,
                    "date_created": _iso(start),
                    "date_updated": _iso(start),
                }
            )
            start = end
            number += 1
        periods.reverse()
        return periods

    def ip_addresses(self, sim: SimRecord) -> list[dict[str, object]]:
        if sim.status not in ("active", "ready"):
            return []
        n = sim.index + 2  # skip .0 and .1 of the first block
        return [{"ip_address": f"10.{64 + (n >> 16) % 64}.{(n >> 8) & 255}.{n & 255}", "ip_address_version": "IPv4"}]

    def daily_usage(self, sim: SimRecord, day: int) -> int:
        """Bytes a SIM used on a day (days since 1970), over all its networks."""
        return sum(
            day_bytes(seg.daily_bytes, seg.cohort, day)
            for seg in sim.usage
            if seg.start_day <= day and (seg.end_day is None or day < seg.end_day)
        )

    # ---------------------------------------------------------- usage model (traffic.py)
    def retraffic(self, sim: SimRecord) -> None:
        _retraffic(self, sim)

    def open_usage(self, sim: SimRecord, day: int, ready_bytes: int | None = None) -> None:
        _open_usage(self, sim, day, ready_bytes)

    def home_network(self, sim: SimRecord) -> CatalogNetwork | None:
        if sim.fleet_sid is None:
            return None
        fleet = self.fleets.get(sim.fleet_sid)
        if fleet is None:
            return None
        nap = self.naps.get(fleet.network_access_profile_sid)
        if nap is None or not nap.network_sids:
            return None
        return self.networks[nap.network_sids[sim.index % len(nap.network_sids)]]


def check_name_length(name: str) -> None:
    """UniqueName is at most MAX_UNIQUE_NAME characters (the limit the client checks names against)."""
    if len(name) > MAX_UNIQUE_NAME:
        raise invalid("UniqueName", f"must be at most {MAX_UNIQUE_NAME} characters (got {len(name):,})")


def _bool(params: dict[str, str], name: str, default: bool) -> bool:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise invalid(name, "must be true or false")


def _method(params: dict[str, str], name: str, default: str) -> str:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if raw.upper() not in HTTP_METHODS:
        raise invalid(name, "must be GET or POST")
    return raw.upper()


def _url(params: dict[str, str], name: str) -> str | None:
    """A ``format: uri`` field (webhooks): an absolute http(s) URL with a host, or absent/empty (None)."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in raw:
        raise invalid(name, "must be an absolute http or https URL")
    return raw


def _data_limit(raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid("DataLimit", "must be a whole number of megabytes") from None
    if not 1 <= value <= 2_000_000:
        raise invalid("DataLimit", "must be between 1 and 2000000 megabytes")
    return value


def make_iccid(prefix: str, serial: int) -> str:
    payload = prefix + str(serial).zfill(19 - len(prefix))
    return _luhn_complete(payload)
