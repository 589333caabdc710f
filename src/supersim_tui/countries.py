"""Country names for ISO 3166 alpha-2 codes (the API gives codes only), from pycountry, loaded once."""

from __future__ import annotations

from functools import cache


@cache
def _names() -> dict[str, str]:
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        names[country.alpha_2] = getattr(country, "common_name", None) or country.name
    names["XK"] = "Kosovo"  # user-assigned code, not in ISO 3166
    return names


def country_name(iso: str | None) -> str:
    if not iso:
        return "—"
    return _names().get(iso.upper(), iso.upper())
