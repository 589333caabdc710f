"""The catalog's rows and how the filter and the sort keys see them (plain logic, no widgets): a word that names a
country by ISO code or alias matches that country exactly; numbers match MCC, MNC or MCC-MNC; ``!`` inverts and
``~`` is fuzzy."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..api import Network
from ..countries import country_code, country_name
from ..ops.table_query import Query, matching_mask


@dataclass(frozen=True)
class CatalogRow:
    network: Network
    country: str
    text: str  # lower-case operator, country name and ISO code, for word tokens
    codes: tuple[tuple[str, str], ...]  # (MCC, MNC) pairs, for number tokens

    def matches(self, token: str) -> bool:
        """Number tokens match an MCC or MNC exactly, MCC-MNC, or the start of MCC+MNC
        (so 262, 01, 262-01 and 26201 all find Telekom DE); other tokens match the text."""
        digits = token.replace("-", "")
        if digits.isdigit():
            for mcc, mnc in self.codes:
                if (
                    token in (mcc, mnc)
                    or f"{mcc}-{mnc}".startswith(token)
                    and len(token) > 3
                    or len(digits) > 3
                    and f"{mcc}{mnc}".startswith(digits)
                ):
                    return True
            return False
        return token in self.text


def catalog_rows(networks: Iterable[Network]) -> list[CatalogRow]:
    rows = []
    for network in networks:
        country = country_name(network.iso_country)
        text = f"{network.friendly_name} {country} {network.iso_country}".lower()
        rows.append(CatalogRow(network, country, text, tuple((i.mcc, i.mnc) for i in network.identifiers)))
    rows.sort(key=lambda r: (r.country, r.network.friendly_name or ""))
    return rows


def filter_rows(rows: list[CatalogRow], query: str) -> list[CatalogRow]:
    """Rows matching every word of ``query`` (country name or code, MCC, MNC, MCC-MNC, operator).

    A word that is exactly a country's ISO code (``de``, ``usa``) or a common alias (``uk``) of a country in the
    catalog matches that country only (and an operator of exactly that name, such as EE): ``de`` is Germany,
    not Bangladesh or "2degrees"; ``usa`` is the United States, not Greenland's "Tusass".

    ``!`` in front keeps the rows that do not match; ``~`` in front matches the letters in order (fuzzy) over
    operator, country and ISO code, as the SIMs filter does."""
    parsed = Query.parse(query)
    if parsed.fuzzy:
        mask = matching_mask(parsed, [row.text for row in rows])
        return [row for row, keep in zip(rows, mask, strict=True) if keep]
    tokens = parsed.needle.split()
    if not tokens:
        return rows
    tests = [token_test(token, rows) for token in tokens]
    return [row for row in rows if all(test(row) for test in tests) != parsed.invert]


def token_test(token: str, rows: list[CatalogRow]) -> Callable[[CatalogRow], bool]:
    """How one filter word matches a row: exactly a country (by ISO code or alias) when it names one present in
    ``rows``, else :meth:`CatalogRow.matches`."""
    code = country_code(token)
    if code is None or not any((row.network.iso_country or "").upper() == code for row in rows):
        return lambda row: row.matches(token)

    def test(row: CatalogRow) -> bool:
        network = row.network
        return (network.iso_country or "").upper() == code or (network.friendly_name or "").lower() == token

    return test


SORT_KEYS: dict[str, Callable[[CatalogRow], Any]] = {
    "operator": lambda row: (row.network.friendly_name or "").lower(),
    "country": lambda row: row.country,
    "iso": lambda row: row.network.iso_country or "",
    "plmn": lambda row: row.codes,
}
