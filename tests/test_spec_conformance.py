"""Every simulator response the product relies on matches the OpenAPI description
(tests/data/twilio_supersim_v1.json): status code, field names (no extra, none
missing), types, enums and nullability."""

from __future__ import annotations

import json
from typing import Any

import httpx
import jsonschema
import pytest

from supersim_tui.simulator import Simulator, asgi_transport
from supersim_tui.simulator.seed import registrable_examples

from .conftest import DATA

SPEC: dict[str, Any] = json.loads((DATA / "twilio_supersim_v1.json").read_text())
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]

# The paths and methods the product uses (issue: foundation); each must be exercised below.
USED = {
    ("/v1/Fleets", "get"),
    ("/v1/Fleets", "post"),
    ("/v1/Fleets/{Sid}", "get"),
    ("/v1/Fleets/{Sid}", "post"),
    ("/v1/NetworkAccessProfiles", "get"),
    ("/v1/NetworkAccessProfiles", "post"),
    ("/v1/NetworkAccessProfiles/{Sid}", "get"),
    ("/v1/NetworkAccessProfiles/{Sid}", "post"),
    ("/v1/NetworkAccessProfiles/{NetworkAccessProfileSid}/Networks", "get"),
    ("/v1/NetworkAccessProfiles/{NetworkAccessProfileSid}/Networks", "post"),
    ("/v1/NetworkAccessProfiles/{NetworkAccessProfileSid}/Networks/{Sid}", "get"),
    ("/v1/NetworkAccessProfiles/{NetworkAccessProfileSid}/Networks/{Sid}", "delete"),
    ("/v1/Networks", "get"),
    ("/v1/Networks/{Sid}", "get"),
    ("/v1/Sims", "get"),
    ("/v1/Sims", "post"),
    ("/v1/Sims/{Sid}", "get"),
    ("/v1/Sims/{Sid}", "post"),
    ("/v1/Sims/{SimSid}/BillingPeriods", "get"),
    ("/v1/Sims/{SimSid}/IpAddresses", "get"),
    ("/v1/UsageRecords", "get"),
}


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema: inline $refs, nullable -> null allowed, closed objects."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return to_json_schema(SCHEMAS[node["$ref"].rsplit("/", 1)[1]])
    result = {
        k: to_json_schema(v)
        for k, v in node.items()
        if k not in ("nullable", "x-twilio", "description", "example", "format", "title")
    }
    if node.get("nullable"):
        if "type" in result:
            result["type"] = [result["type"], "null"]
        if "enum" in result:
            result["enum"] = [*result["enum"], None]
        if "type" not in result and "enum" not in result:
            return {}
    if result.get("type") == "object" and "properties" in result or "properties" in result:
        result["additionalProperties"] = False
        result["required"] = sorted(result["properties"])
    return result


def response_schema(template: str, method: str, status: int) -> Any:
    responses = SPEC["paths"][template][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {template} may not answer {status}"
    content = responses[str(status)].get("content")
    return to_json_schema(content["application/json"]["schema"]) if content else None


class Checker:
    def __init__(self, http: httpx.AsyncClient):
        self.http = http
        self.covered: set[tuple[str, str]] = set()

    async def call(self, method: str, template: str, url: str, **kwargs: Any) -> Any:
        response = await self.http.request(method.upper(), url, **kwargs)
        schema = response_schema(template, method, response.status_code)
        if schema is None:
            assert response.content == b""
            body = None
        else:
            assert response.headers["content-type"].startswith("application/json")
            body = response.json()
            jsonschema.validate(body, schema)
        self.covered.add((template, method))
        return body


@pytest.fixture
async def checker(simulator: Simulator) -> Any:
    async with httpx.AsyncClient(
        transport=asgi_transport(simulator),
        base_url="http://127.0.0.1:9000",
        auth=(simulator.config.account_sid, simulator.config.auth_token),
    ) as http:
        yield Checker(http)


async def test_every_used_endpoint_matches_the_spec(checker: Checker, simulator: Simulator) -> None:
    """Walks every path the product uses and validates each response against the spec's schema."""
    c = checker
    networks = await c.call("get", "/v1/Networks", "/v1/Networks", params={"IsoCountry": "FR"})
    network = networks["networks"][0]
    await c.call("get", "/v1/Networks/{Sid}", f"/v1/Networks/{network['sid']}")

    nap = await c.call(
        "post",
        "/v1/NetworkAccessProfiles",
        "/v1/NetworkAccessProfiles",
        data={"UniqueName": "fr", "Networks": [n["sid"] for n in networks["networks"][:2]]},
    )
    await c.call("get", "/v1/NetworkAccessProfiles", "/v1/NetworkAccessProfiles")
    await c.call("get", "/v1/NetworkAccessProfiles/{Sid}", f"/v1/NetworkAccessProfiles/{nap['sid']}")
    await c.call(
        "post",
        "/v1/NetworkAccessProfiles/{Sid}",
        f"/v1/NetworkAccessProfiles/{nap['sid']}",
        data={"UniqueName": "france"},
    )
    sub = "/v1/NetworkAccessProfiles/{NetworkAccessProfileSid}/Networks"
    await c.call("get", sub, f"/v1/NetworkAccessProfiles/{nap['sid']}/Networks")
    third = networks["networks"][2]["sid"]
    await c.call("post", sub, f"/v1/NetworkAccessProfiles/{nap['sid']}/Networks", data={"Network": third})
    await c.call("get", sub + "/{Sid}", f"/v1/NetworkAccessProfiles/{nap['sid']}/Networks/{third}")
    await c.call("delete", sub + "/{Sid}", f"/v1/NetworkAccessProfiles/{nap['sid']}/Networks/{third}")

    fleet = await c.call(
        "post", "/v1/Fleets", "/v1/Fleets", data={"NetworkAccessProfile": nap["sid"], "UniqueName": "fr-fleet"}
    )
    await c.call("get", "/v1/Fleets", "/v1/Fleets", params={"NetworkAccessProfile": nap["sid"]})
    await c.call("get", "/v1/Fleets/{Sid}", "/v1/Fleets/fr-fleet")
    await c.call("post", "/v1/Fleets/{Sid}", f"/v1/Fleets/{fleet['sid']}", data={"DataLimit": "100"})

    iccid, code = registrable_examples(simulator.state, 1)[0]
    sim = await c.call("post", "/v1/Sims", "/v1/Sims", data={"Iccid": iccid, "RegistrationCode": code})
    await c.call("get", "/v1/Sims", "/v1/Sims", params={"Status": "active", "PageSize": 5})
    await c.call("get", "/v1/Sims", "/v1/Sims", params={"Iccid": iccid})
    await c.call("post", "/v1/Sims/{Sid}", f"/v1/Sims/{sim['sid']}", data={"UniqueName": "fr-1"})  # 200
    await c.call("post", "/v1/Sims/{Sid}", f"/v1/Sims/{sim['sid']}", data={"Status": "active", "Fleet": "fr-fleet"})
    await c.call("get", "/v1/Sims/{Sid}", "/v1/Sims/fr-1")

    active = next(s for s in simulator.state.sims.values() if s.status == "active")
    periods = await c.call("get", "/v1/Sims/{SimSid}/BillingPeriods", f"/v1/Sims/{active.sid}/BillingPeriods")
    assert periods["billing_periods"], "an active SIM has billing periods"
    ips = await c.call("get", "/v1/Sims/{SimSid}/IpAddresses", f"/v1/Sims/{active.sid}/IpAddresses")
    assert ips["ip_addresses"]
    for params in (
        {},
        {"Group": "fleet"},
        {
            "Group": "isoCountry",
            "Granularity": "day",
            "StartTime": "2026-11-01T00:00:00Z",
            "EndTime": "2026-11-03T00:00:00Z",
        },
        {
            "Sim": active.sid,
            "Granularity": "day",
            "StartTime": "2026-11-01T00:00:00Z",
            "EndTime": "2026-11-02T00:00:00Z",
        },
    ):
        await c.call("get", "/v1/UsageRecords", "/v1/UsageRecords", params=params)

    assert c.covered == USED


def test_used_paths_exist_in_the_spec() -> None:
    """The list above names only real spec operations (catches typos in this test itself)."""
    for template, method in USED:
        assert method in SPEC["paths"][template]


def test_catalog_records_validate(simulator: Simulator) -> None:
    """Every catalog network renders to the spec's Network schema."""
    schema = to_json_schema({"$ref": "#/components/schemas/supersim.v1.network"})
    for network in simulator.state.networks.values():
        jsonschema.validate(simulator.network_json("http://127.0.0.1", network), schema)


def _request_schema(template: str) -> dict[str, Any]:
    body = SPEC["paths"][template]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    return {name: to_json_schema(prop) for name, prop in body["properties"].items()}


def _template(path: str) -> str:
    """The spec path a request path belongs to (SIDs and names in place of the {placeholders})."""
    parts = path.strip("/").split("/")
    for template in SPEC["paths"]:
        pattern = template.strip("/").split("/")
        if len(pattern) == len(parts) and all(p.startswith("{") or p == q for p, q in zip(pattern, parts, strict=True)):
            return str(template)
    raise AssertionError(f"no spec path for {path}")


def test_change_commands_send_only_spec_fields(run: Any, simulator: Simulator) -> None:
    """Every form the new change commands send (fleets create|update, naps create|rename|clone|add-network,
    sims update) names only fields the spec's request body declares, each value valid for its schema (enums
    such as the commands' GET/POST, types)."""
    new = next(s for s in simulator.state.sims.values() if s.status == "new")
    inactive = next(s for s in simulator.state.sims.values() if s.status == "inactive" and s.fleet_sid)
    for argv in (
        ("fleets", "create", "--nap", "us-only", "--name", "spec-lab", "--no-data-enabled", "--no-sms-commands",
         "--data-limit", "9", "--sms-commands-url", "https://e.example/s", "--sms-commands-method", "GET",
         "--ip-commands-url", "https://e.example/i", "--ip-commands-method", "POST"),
        ("fleets", "update", "spec-lab", "--name", "spec-lab2", "--nap", "uk-ie", "--data-limit", "10",
         "--sms-commands-url", "https://e.example/s2", "--ip-commands-method", "GET"),
        ("naps", "create", "spec-nap", "262-01", "Vodafone ES"),
        ("naps", "rename", "spec-nap", "spec-nap2"),
        ("naps", "clone", "spec-nap2", "spec-nap3"),
        ("naps", "add-network", "spec-nap3", "208-01"),
        ("sims", "update", inactive.sid, "--status", "active", "--callback-url", "https://e.example/cb",
         "--callback-method", "GET", "--unique-name", "spec-sim"),
        ("sims", "update", new.sid, "--account-sid", simulator.state.subaccount_sids[0]),
    ):  # fmt: skip
        code, _, err = run(*argv, "--yes")
        assert code == 0, (argv, err)
    posts = [r for r in simulator.request_log if r.method == "POST"]
    assert len(posts) == 8
    for request in posts:
        schema = _request_schema(_template(request.path))
        for name, value in request.form:
            assert name in schema, f"{request.path}: {name} is not in the spec's request body"
            prop = schema[name]
            item = prop.get("items", prop) if prop.get("type") == "array" else prop
            if item.get("type") == "boolean":
                assert value in ("true", "false"), (name, value)
            elif item.get("type") == "integer":
                assert value.isdigit(), (name, value)
            else:
                jsonschema.validate(value, item)
