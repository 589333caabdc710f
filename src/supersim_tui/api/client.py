"""The async Super SIM v1 client: the API's resources (fleets, NAPs, networks, SIMs, usage) as typed methods.

Each method names a path, its form fields and the model of the reply; sending, retries, bounds and
decoding are :mod:`.transport`'s (the base class), URL rules :mod:`.urls`'s.
"""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import quote

import msgspec

from .errors import NotFoundError, ResponseFormatError, ValidationError
from .models import (
    BillingPeriod,
    Fleet,
    NapNetwork,
    Network,
    NetworkAccessProfile,
    Sim,
    SimBrief,
    SimIpAddress,
    UsageRecord,
)
from .paging import Pager
from .replies import AlreadyRegisteredError
from .transport import Transport, form
from .urls import check_base_url

T = TypeVar("T")


class SuperSimClient(Transport):
    """Async client for the Super SIM v1 API. Use as ``async with SuperSimClient(...) as client``.

    Built like :class:`~.transport.Transport` (auth, base URL, httpx transport, timeouts, retry policy,
    page size and bounds)."""

    async def __aenter__(self) -> SuperSimClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # ----------------------------------------------------------------- fleets
    async def create_fleet(
        self,
        network_access_profile: str,
        *,
        unique_name: str | None = None,
        data_enabled: bool | None = None,
        data_limit: int | None = None,
        ip_commands_url: str | None = None,
        ip_commands_method: str | None = None,
        sms_commands_enabled: bool | None = None,
        sms_commands_url: str | None = None,
        sms_commands_method: str | None = None,
    ) -> Fleet:
        data = form(
            {
                "NetworkAccessProfile": network_access_profile,
                "UniqueName": unique_name,
                "DataEnabled": data_enabled,
                "DataLimit": data_limit,
                "IpCommandsUrl": ip_commands_url,
                "IpCommandsMethod": ip_commands_method,
                "SmsCommandsEnabled": sms_commands_enabled,
                "SmsCommandsUrl": sms_commands_url,
                "SmsCommandsMethod": sms_commands_method,
            }
        )
        recover = (lambda: self._maybe(self.fetch_fleet(unique_name))) if unique_name else None
        return await self._create("/v1/Fleets", data, Fleet, recover)

    def list_fleets(self, *, network_access_profile: str | None = None) -> Pager[Fleet]:
        return self._pager("/v1/Fleets", "fleets", Fleet, {"NetworkAccessProfile": network_access_profile})

    async def fetch_fleet(self, sid_or_name: str) -> Fleet:
        return await self._json("GET", f"/v1/Fleets/{_seg(sid_or_name)}", Fleet)

    async def update_fleet(
        self,
        sid_or_name: str,
        *,
        unique_name: str | None = None,
        network_access_profile: str | None = None,
        data_limit: int | None = None,
        ip_commands_url: str | None = None,
        ip_commands_method: str | None = None,
        sms_commands_url: str | None = None,
        sms_commands_method: str | None = None,
    ) -> Fleet:
        data = form(
            {
                "UniqueName": unique_name,
                "NetworkAccessProfile": network_access_profile,
                "DataLimit": data_limit,
                "IpCommandsUrl": ip_commands_url,
                "IpCommandsMethod": ip_commands_method,
                "SmsCommandsUrl": sms_commands_url,
                "SmsCommandsMethod": sms_commands_method,
            }
        )
        return await self._json("POST", f"/v1/Fleets/{_seg(sid_or_name)}", Fleet, data=data)

    # ------------------------------------------------------------------- NAPs
    async def create_nap(
        self, *, unique_name: str | None = None, networks: list[str] | tuple[str, ...] = ()
    ) -> NetworkAccessProfile:
        data: dict[str, str | list[str]] = {"Networks": list(networks)}
        if unique_name:
            data["UniqueName"] = unique_name
        recover = (lambda: self._maybe(self.fetch_nap(unique_name))) if unique_name else None
        return await self._create("/v1/NetworkAccessProfiles", data, NetworkAccessProfile, recover)

    def list_naps(self) -> Pager[NetworkAccessProfile]:
        return self._pager("/v1/NetworkAccessProfiles", "network_access_profiles", NetworkAccessProfile, {})

    async def fetch_nap(self, sid_or_name: str) -> NetworkAccessProfile:
        return await self._json("GET", f"/v1/NetworkAccessProfiles/{_seg(sid_or_name)}", NetworkAccessProfile)

    async def update_nap(self, sid_or_name: str, *, unique_name: str) -> NetworkAccessProfile:
        return await self._json(
            "POST",
            f"/v1/NetworkAccessProfiles/{_seg(sid_or_name)}",
            NetworkAccessProfile,
            data={"UniqueName": unique_name},
        )

    async def add_nap_network(self, nap: str, network_sid: str) -> NapNetwork:
        path = f"/v1/NetworkAccessProfiles/{_seg(nap)}/Networks"
        return await self._create(
            path, {"Network": network_sid}, NapNetwork, lambda: self._maybe(self.fetch_nap_network(nap, network_sid))
        )

    def list_nap_networks(self, nap: str) -> Pager[NapNetwork]:
        return self._pager(f"/v1/NetworkAccessProfiles/{_seg(nap)}/Networks", "networks", NapNetwork, {})

    async def fetch_nap_network(self, nap: str, network_sid: str) -> NapNetwork:
        return await self._json(
            "GET", f"/v1/NetworkAccessProfiles/{_seg(nap)}/Networks/{_seg(network_sid)}", NapNetwork
        )

    async def remove_nap_network(self, nap: str, network_sid: str) -> None:
        path = f"/v1/NetworkAccessProfiles/{_seg(nap)}/Networks/{_seg(network_sid)}"
        try:
            await self._send("DELETE", path, safe=True)
        except NotFoundError as error:
            if not error.after_ambiguous:
                raise
            # An earlier try was applied but its reply was lost: the network is gone, as asked.

    # --------------------------------------------------------------- networks
    def list_networks(
        self,
        *,
        iso_country: str | None = None,
        mcc: str | None = None,
        mnc: str | None = None,
        page_size: int | None = None,
    ) -> Pager[Network]:
        return self._pager(
            "/v1/Networks", "networks", Network, {"IsoCountry": iso_country, "Mcc": mcc, "Mnc": mnc}, page_size
        )

    async def fetch_network(self, sid: str) -> Network:
        return await self._json("GET", f"/v1/Networks/{_seg(sid)}", Network)

    # ------------------------------------------------------------------- SIMs
    async def register_sim(self, iccid: str, registration_code: str) -> Sim:
        """Claim a SIM. Raises :class:`AlreadyRegisteredError` (83003) if it is already ours."""
        return await self._create(
            "/v1/Sims",
            {"Iccid": iccid, "RegistrationCode": registration_code},
            Sim,
            lambda: self.find_sim_by_iccid(iccid),
        )

    def list_sims(
        self,
        *,
        status: str | None = None,
        fleet: str | None = None,
        iccid: str | None = None,
        page_size: int | None = None,
    ) -> Pager[Sim]:
        return self._pager("/v1/Sims", "sims", Sim, {"Status": status, "Fleet": fleet, "Iccid": iccid}, page_size)

    def list_sim_briefs(
        self,
        *,
        status: str | None = None,
        fleet: str | None = None,
        iccid: str | None = None,
        page_size: int | None = None,
    ) -> Pager[SimBrief]:
        """:meth:`list_sims` decoded into only what an index of every SIM keeps (about half the work a page)."""
        query = {"Status": status, "Fleet": fleet, "Iccid": iccid}
        return self._pager("/v1/Sims", "sims", SimBrief, query, page_size)

    def list_sims_undecoded(
        self, *, status: str | None = None, fleet: str | None = None, page_size: int | None = None
    ) -> Pager[msgspec.Raw]:
        """SIMs left as raw JSON: for counting, where decoding 100,000 SIMs would cost the UI its frames."""
        return self._pager("/v1/Sims", "sims", msgspec.Raw, {"Status": status, "Fleet": fleet}, page_size)

    async def find_sim_by_iccid(self, iccid: str) -> Sim | None:
        found = await self.list_sims(iccid=iccid).collect(limit=1)
        if found and found[0].iccid != iccid:  # a server (or proxy) that ignored the Iccid filter
            raise ResponseFormatError(
                f"asked for the SIM with ICCID {iccid}, the server returned {found[0].sid} "
                f"(ICCID {found[0].iccid}); nothing was changed"
            )
        return found[0] if found else None

    async def fetch_sim(self, sid_or_name: str) -> Sim:
        return await self._json("GET", f"/v1/Sims/{_seg(sid_or_name)}", Sim)

    async def update_sim(
        self,
        sid_or_name: str,
        *,
        unique_name: str | None = None,
        status: str | None = None,
        fleet: str | None = None,
        callback_url: str | None = None,
        callback_method: str | None = None,
        account_sid: str | None = None,
    ) -> Sim:
        """Update a SIM. Status and fleet changes may be asynchronous: the returned SIM
        then shows ``scheduled`` (and its old fleet) until the change completes."""
        data = form(
            {
                "UniqueName": unique_name,
                "Status": status,
                "Fleet": fleet,
                "CallbackUrl": callback_url,
                "CallbackMethod": callback_method,
                "AccountSid": account_sid,
            }
        )
        try:
            return await self._json("POST", f"/v1/Sims/{_seg(sid_or_name)}", Sim, data=data)
        except ValidationError as error:
            if error.code in (83009, 83010) and error.after_ambiguous:
                # A try whose reply was lost started the change; the SIM is now scheduled or done.
                current = await self.fetch_sim(sid_or_name)
                if current.status == "scheduled" or (status is not None and current.status == status):
                    return current
            raise

    def list_billing_periods(self, sim_sid: str) -> Pager[BillingPeriod]:
        return self._pager(f"/v1/Sims/{_seg(sim_sid)}/BillingPeriods", "billing_periods", BillingPeriod, {})

    def list_ip_addresses(self, sim_sid: str) -> Pager[SimIpAddress]:
        return self._pager(f"/v1/Sims/{_seg(sim_sid)}/IpAddresses", "ip_addresses", SimIpAddress, {})

    def list_usage_records(
        self,
        *,
        sim: str | None = None,
        fleet: str | None = None,
        network: str | None = None,
        iso_country: str | None = None,
        group: str | None = None,
        granularity: str | None = None,
        start_time: str | None = None,
        end_time: str | None = None,
        page_size: int | None = None,
    ) -> Pager[UsageRecord]:
        return self._pager(
            "/v1/UsageRecords",
            "usage_records",
            UsageRecord,
            {
                "Sim": sim,
                "Fleet": fleet,
                "Network": network,
                "IsoCountry": iso_country,
                "Group": group,
                "Granularity": granularity,
                "StartTime": start_time,
                "EndTime": end_time,
            },
            page_size,
        )


def _seg(value: str) -> str:
    return quote(value, safe="")


__all__ = ["AlreadyRegisteredError", "SuperSimClient", "check_base_url"]
