"""Parsers of the account-wide commands: ``status``, ``fleets``, ``naps``, ``networks``."""

from __future__ import annotations

import argparse
from typing import Any

from ..argtypes import (
    _changes,
    _concurrency,
    _data_limit,
    _fleet_name,
    _list_output,
    _matching,
    _method,
    _network_ref,
    _ref,
    _unique_name,
    _url,
    _url_or_clear,
)


def _fleet_parser(fleets: argparse._SubParsersAction, action: str, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    create = action == "create"
    cmd = fleets.add_parser(
        action,
        parents=[common],
        help="create a fleet" if create else "change a fleet's settings (a NAP change shows what it does first)",
    )
    if create:
        cmd.add_argument("--nap", required=True, type=_ref("NAP"), help="the NAP its SIMs may use (SID or name)")
    else:
        cmd.add_argument("fleet", type=_ref("fleet"), help="fleet SID or unique name")
        cmd.add_argument("--nap", type=_ref("NAP"), help="move the fleet to this NAP (SID or unique name)")
    cmd.add_argument("--name", type=_fleet_name, help="unique name (never cleared to blank)")
    cmd.add_argument("--data-limit", type=_data_limit, metavar="MB", help="data per SIM per billing period, 1-2000000")
    if create:
        cmd.add_argument(
            "--data-enabled",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="SIMs may use data (default yes; set on create only)",
        )
        cmd.add_argument(
            "--sms-commands",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="SIMs may send and receive SMS Commands (default yes; set on create only)",
        )
    url, clears = (_url, "") if create else (_url_or_clear, '; "" clears it')
    cmd.add_argument(
        "--sms-commands-url", type=url, metavar="URL", help=f"https URL for SMS Commands from devices{clears}"
    )
    cmd.add_argument("--sms-commands-method", type=_method, metavar="GET|POST", help="method for that URL")
    cmd.add_argument(
        "--ip-commands-url", type=url, metavar="URL", help=f"https URL for IP Commands from devices{clears}"
    )
    cmd.add_argument("--ip-commands-method", type=_method, metavar="GET|POST", help="method for that URL")
    _changes(cmd)


def _nap_parsers(naps: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    create = naps.add_parser("create", parents=[common], help="create a NAP, with networks if given")
    create.add_argument("name", type=_unique_name, help="its unique name")
    create.add_argument(
        "networks", nargs="*", type=_network_ref, metavar="NETWORK", help="SID, MCC-MNC or 'Operator CC'"
    )
    _changes(create)
    rename = naps.add_parser("rename", parents=[common], help="give a NAP a new unique name")
    rename.add_argument("nap", type=_ref("NAP"), help="NAP SID or unique name")
    rename.add_argument("name", type=_unique_name, help="the new unique name")
    _changes(rename)
    clone = naps.add_parser("clone", parents=[common], help="create a NAP with the same networks as another")
    clone.add_argument("nap", type=_ref("NAP"), help="the NAP to copy (SID or unique name)")
    clone.add_argument("name", type=_unique_name, help="the new NAP's unique name")
    _changes(clone)
    for action, verb in (("add-network", "allow"), ("remove-network", "stop allowing")):
        cmd = naps.add_parser(action, parents=[common], help=f"{verb} networks on a NAP (each reported)")
        cmd.add_argument("nap", type=_ref("NAP"), help="NAP SID or unique name")
        cmd.add_argument(
            "networks", nargs="+", type=_network_ref, metavar="NETWORK", help="SID, MCC-MNC (262-01) or 'Operator CC'"
        )
        _changes(cmd)


def add_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    status = commands.add_parser("status", parents=[common], help="account overview: fleets, SIM counts, NAPs")
    status.add_argument("--fleet", type=_ref("fleet"), help="only this fleet (SID or unique name)")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.add_argument("--concurrency", type=_concurrency, default=8, help="parallel requests (default 8)")

    # --- fleets / naps / networks
    fleets = commands.add_parser("fleets", help="fleets").add_subparsers(dest="action", metavar="ACTION", required=True)
    fleets_list = fleets.add_parser("list", parents=[common], help="list fleets")
    fleets_list.add_argument("--nap", type=_ref("NAP"), help="only fleets using this NAP")
    _list_output(fleets_list, "fleets")
    for action in ("create", "update"):
        _fleet_parser(fleets, action, common)
    naps = commands.add_parser("naps", help="network access profiles").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    _list_output(naps.add_parser("list", parents=[common], help="list NAPs"), "naps")
    nap_nets = naps.add_parser("networks", parents=[common], help="the networks a NAP allows")
    nap_nets.add_argument("nap", type=_ref("NAP"), help="NAP SID or unique name")
    _list_output(nap_nets, "networks")
    _nap_parsers(naps, common)
    networks = commands.add_parser("networks", help="the network catalog").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    net_list = networks.add_parser("list", parents=[common], help="list networks")
    net_list.add_argument(
        "--country",
        type=_matching("a two-letter ISO country code", "[A-Za-z]{2}", "DE"),
        help="ISO country code, e.g. DE",
    )
    net_list.add_argument("--mcc", type=_matching("a 3-digit MCC", "[0-9]{3}", "262"))
    net_list.add_argument("--mnc", type=_matching("a 2- or 3-digit MNC", "[0-9]{2,3}", "01"))
    _list_output(net_list, "networks")
