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


# What people type for a country that is not its ISO alpha-2 or alpha-3 code (nor a word of its name).
ALIASES = {
    "uk": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "america": "US",
    "holland": "NL",
    "uae": "AE",
    "emirates": "AE",
    "czechia": "CZ",
    "korea": "KR",
}


@cache
def _alpha3() -> dict[str, str]:
    import pycountry

    return {country.alpha_3: country.alpha_2 for country in pycountry.countries}


def country_code(token: str) -> str | None:
    """The ISO alpha-2 code ``token`` names exactly: an alpha-2 code (``de``), an alpha-3 code (``usa``), or a
    common alias (``uk``); None otherwise."""
    word = token.strip().lower()
    if word in ALIASES:
        return ALIASES[word]
    if word.isascii() and word.isalpha():
        if len(word) == 2 and word.upper() in _names():
            return word.upper()
        if len(word) == 3:
            return _alpha3().get(word.upper())
    return None
