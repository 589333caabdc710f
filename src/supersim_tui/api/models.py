"""Typed resources with the spec's field names (``twilio_supersim_v1.json``).

Structs are frozen msgspec Structs, decoded straight from the response bytes.
Enums are *open*: a value the spec does not list yet (a future status) becomes
a pseudo-member instead of failing the whole page, so a new server release
cannot break listing.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, Self

import msgspec


class OpenEnum(enum.StrEnum):
    """A StrEnum that accepts unknown string values as pseudo-members."""

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper()
        member._value_ = value
        return member

    @property
    def known(self) -> bool:
        return self._name_ in type(self).__members__


class SimStatus(OpenEnum):
    NEW = "new"
    READY = "ready"
    ACTIVE = "active"
    INACTIVE = "inactive"
    SCHEDULED = "scheduled"


class DataMetering(OpenEnum):
    PAYG = "payg"


class HttpMethod(OpenEnum):
    GET = "GET"
    POST = "POST"


class BillingPeriodType(OpenEnum):
    READY = "ready"
    ACTIVE = "active"


class IpAddressVersion(OpenEnum):
    IPV4 = "IPv4"
    IPV6 = "IPv6"


class UsageGroup(OpenEnum):
    SIM = "sim"
    FLEET = "fleet"
    NETWORK = "network"
    ISO_COUNTRY = "isoCountry"


class UsageGranularity(OpenEnum):
    HOUR = "hour"
    DAY = "day"
    ALL = "all"


# Statuses a client may ask for (sim_enum_status_update).
UPDATABLE_STATUSES = (SimStatus.READY, SimStatus.ACTIVE, SimStatus.INACTIVE)


class Identifier(msgspec.Struct, frozen=True):
    mcc: str
    mnc: str


class Network(msgspec.Struct, frozen=True, kw_only=True):
    sid: str
    friendly_name: str | None = None
    iso_country: str | None = None
    identifiers: list[Identifier] = []
    url: str | None = None

    @property
    def plmns(self) -> list[str]:
        return [f"{i.mcc}-{i.mnc}" for i in self.identifiers]


class NapNetwork(Network, frozen=True, kw_only=True):
    network_access_profile_sid: str | None = None


class NetworkAccessProfile(msgspec.Struct, frozen=True, kw_only=True):
    sid: str
    unique_name: str | None = None
    account_sid: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    url: str | None = None
    links: dict[str, str] | None = None

    @property
    def label(self) -> str:
        return self.unique_name or self.sid


class Fleet(msgspec.Struct, frozen=True, kw_only=True):
    sid: str
    account_sid: str | None = None
    unique_name: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    url: str | None = None
    data_enabled: bool | None = None
    data_limit: int | None = None
    data_metering: DataMetering | None = None
    sms_commands_enabled: bool | None = None
    sms_commands_url: str | None = None
    sms_commands_method: HttpMethod | None = None
    network_access_profile_sid: str | None = None
    ip_commands_url: str | None = None
    ip_commands_method: HttpMethod | None = None

    @property
    def label(self) -> str:
        return self.unique_name or self.sid


class Sim(msgspec.Struct, frozen=True, kw_only=True):
    sid: str
    unique_name: str | None = None
    account_sid: str | None = None
    iccid: str | None = None
    status: SimStatus | None = None
    fleet_sid: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None
    url: str | None = None
    links: dict[str, str] | None = None

    @property
    def label(self) -> str:
        return self.unique_name or self.iccid or self.sid


class SimBrief(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A SIM as an index of every SIM keeps it (``SuperSimClient.list_sim_briefs``): a :class:`Sim` without
    its URL, links and account, which cost most of a page's decoding. Holding no container, it is left out of
    the garbage collector's passes (``gc=False``): 100,000 decoded do not make the collector walk the app."""

    sid: str
    unique_name: str | None = None
    iccid: str | None = None
    status: SimStatus | None = None
    fleet_sid: str | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None


class BillingPeriod(msgspec.Struct, frozen=True, kw_only=True):
    sid: str | None = None
    account_sid: str | None = None
    sim_sid: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    period_type: BillingPeriodType | None = None
    date_created: datetime | None = None
    date_updated: datetime | None = None


class SimIpAddress(msgspec.Struct, frozen=True, kw_only=True):
    ip_address: str | None = None
    ip_address_version: IpAddressVersion | None = None


class UsagePeriod(msgspec.Struct, frozen=True, kw_only=True):
    start_time: datetime | None = None
    end_time: datetime | None = None


class UsageRecord(msgspec.Struct, frozen=True, kw_only=True):
    account_sid: str | None = None
    sim_sid: str | None = None
    network_sid: str | None = None
    fleet_sid: str | None = None
    iso_country: str | None = None
    period: UsagePeriod | None = None
    data_upload: int | None = None
    data_download: int | None = None
    data_total: int | None = None
    # The spec says number; published examples show a string ("0.03"). Accept both.
    data_total_billed: float | str | None = None
    billed_unit: str | None = None

    @property
    def billed(self) -> float | None:
        if self.data_total_billed is None:
            return None
        try:
            return float(self.data_total_billed)
        except ValueError:
            return None


class PageMeta(msgspec.Struct, frozen=True, kw_only=True):
    key: str | None = None
    page: int | None = None
    page_size: int | None = None
    first_page_url: str | None = None
    previous_page_url: str | None = None
    next_page_url: str | None = None
    url: str | None = None


def to_builtins(value: Any) -> Any:
    """Plain JSON-ready data for ``--json`` output."""
    return msgspec.to_builtins(value)
