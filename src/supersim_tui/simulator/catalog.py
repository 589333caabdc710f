"""The simulator's network catalog: real mobile operators by country.

Each entry is ``(ISO 3166-1 alpha-2, country name, [(operator, ["MCC-MNC", ...])])``.
Operator names are the ones people know the networks by; MCC/MNC pairs are the
public PLMN identifiers. An operator may carry several identifiers (as Twilio's
Network resources do, e.g. AT&T's legacy PLMNs). Network SIDs are derived
from the first identifier so they are stable across seeds and restarts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

Operator = tuple[str, list[str]]

CATALOG: list[tuple[str, str, list[Operator]]] = [
    # North America
    (
        "US",
        "United States",
        [
            ("AT&T", ["310-410", "310-170", "310-150"]),
            ("T-Mobile", ["310-260", "310-160"]),
            ("Verizon Wireless", ["311-480", "310-004"]),
            ("UScellular", ["311-580"]),
            ("FirstNet", ["313-100"]),
        ],
    ),
    (
        "CA",
        "Canada",
        [
            ("Rogers", ["302-720"]),
            ("Bell", ["302-610"]),
            ("TELUS", ["302-220"]),
            ("Vidéotron", ["302-500"]),
            ("SaskTel", ["302-780"]),
            ("Freedom Mobile", ["302-490"]),
        ],
    ),
    (
        "MX",
        "Mexico",
        [
            ("Telcel", ["334-020"]),
            ("Movistar", ["334-030"]),
            ("AT&T", ["334-050", "334-090"]),
        ],
    ),
    ("PR", "Puerto Rico", [("Claro", ["330-110"])]),
    # Central America and the Caribbean
    ("GT", "Guatemala", [("Claro", ["704-01"]), ("Tigo", ["704-02"]), ("Movistar", ["704-03"])]),
    ("SV", "El Salvador", [("Claro", ["706-01"]), ("Digicel", ["706-02"]), ("Tigo", ["706-03"])]),
    ("HN", "Honduras", [("Claro", ["708-01"]), ("Tigo", ["708-02"])]),
    ("NI", "Nicaragua", [("Claro", ["710-21"]), ("Tigo", ["710-30"])]),
    ("CR", "Costa Rica", [("Kölbi ICE", ["712-01"]), ("Claro", ["712-03"]), ("Liberty", ["712-04"])]),
    (
        "PA",
        "Panama",
        [
            ("+Móvil", ["714-01"]),
            ("Tigo", ["714-02"]),
            ("Claro", ["714-03"]),
            ("Digicel", ["714-04"]),
        ],
    ),
    ("DO", "Dominican Republic", [("Altice", ["370-01"]), ("Claro", ["370-02"])]),
    ("JM", "Jamaica", [("Digicel", ["338-050"]), ("FLOW", ["338-180"])]),
    ("TT", "Trinidad and Tobago", [("bmobile", ["374-12"]), ("Digicel", ["374-130"])]),
    ("BB", "Barbados", [("FLOW", ["342-600"]), ("Digicel", ["342-750"])]),
    ("BS", "Bahamas", [("BTC", ["364-390"])]),
    ("HT", "Haiti", [("Digicel", ["372-01"])]),
    # South America
    (
        "BR",
        "Brazil",
        [
            ("TIM", ["724-02", "724-03", "724-04"]),
            ("Claro", ["724-05"]),
            ("Vivo", ["724-06", "724-10", "724-11"]),
        ],
    ),
    ("AR", "Argentina", [("Movistar", ["722-07"]), ("Claro", ["722-310"]), ("Personal", ["722-34"])]),
    (
        "CL",
        "Chile",
        [
            ("Entel", ["730-01"]),
            ("Movistar", ["730-02"]),
            ("Claro", ["730-03"]),
            ("WOM", ["730-09"]),
        ],
    ),
    ("CO", "Colombia", [("Claro", ["732-101"]), ("Tigo", ["732-103"]), ("Movistar", ["732-123"])]),
    (
        "PE",
        "Peru",
        [
            ("Movistar", ["716-06"]),
            ("Claro", ["716-10"]),
            ("Bitel", ["716-15"]),
            ("Entel", ["716-17"]),
        ],
    ),
    ("EC", "Ecuador", [("Movistar", ["740-00"]), ("Claro", ["740-01"]), ("CNT", ["740-02"])]),
    ("UY", "Uruguay", [("Antel", ["748-01"]), ("Movistar", ["748-07"]), ("Claro", ["748-10"])]),
    ("PY", "Paraguay", [("Claro", ["744-02"]), ("Tigo", ["744-04"]), ("Personal", ["744-05"])]),
    ("BO", "Bolivia", [("Viva", ["736-01"]), ("Entel", ["736-02"]), ("Tigo", ["736-03"])]),
    ("VE", "Venezuela", [("Digitel", ["734-02"]), ("Movistar", ["734-04"]), ("Movilnet", ["734-06"])]),
    ("GY", "Guyana", [("Digicel", ["738-01"])]),
    # Western Europe
    (
        "GB",
        "United Kingdom",
        [
            ("O2", ["234-10"]),
            ("Vodafone", ["234-15"]),
            ("Three", ["234-20"]),
            ("EE", ["234-30"]),
        ],
    ),
    ("IM", "Isle of Man", [("Manx Telecom", ["234-58"])]),
    ("JE", "Jersey", [("JT", ["234-50"])]),
    ("GG", "Guernsey", [("Sure", ["234-55"])]),
    ("IE", "Ireland", [("Vodafone", ["272-01"]), ("eir", ["272-03"]), ("Three", ["272-05"])]),
    ("DE", "Germany", [("Telekom", ["262-01"]), ("Vodafone", ["262-02"]), ("O2", ["262-03"])]),
    (
        "FR",
        "France",
        [
            ("Orange", ["208-01"]),
            ("SFR", ["208-10"]),
            ("Free Mobile", ["208-15"]),
            ("Bouygues Telecom", ["208-20"]),
        ],
    ),
    (
        "ES",
        "Spain",
        [
            ("Vodafone", ["214-01"]),
            ("Orange", ["214-03"]),
            ("Yoigo", ["214-04"]),
            ("Movistar", ["214-07"]),
        ],
    ),
    ("PT", "Portugal", [("Vodafone", ["268-01"]), ("NOS", ["268-03"]), ("MEO", ["268-06"])]),
    (
        "IT",
        "Italy",
        [
            ("TIM", ["222-01"]),
            ("Vodafone", ["222-10"]),
            ("Iliad", ["222-50"]),
            ("WindTre", ["222-88"]),
        ],
    ),
    ("NL", "Netherlands", [("Vodafone", ["204-04"]), ("KPN", ["204-08"]), ("Odido", ["204-16"])]),
    ("BE", "Belgium", [("Proximus", ["206-01"]), ("Orange", ["206-10"]), ("BASE", ["206-20"])]),
    ("LU", "Luxembourg", [("POST", ["270-01"]), ("Tango", ["270-77"]), ("Orange", ["270-99"])]),
    ("CH", "Switzerland", [("Swisscom", ["228-01"]), ("Sunrise", ["228-02"]), ("Salt", ["228-03"])]),
    ("LI", "Liechtenstein", [("Swisscom FL", ["295-01"]), ("FL1", ["295-05"])]),
    ("AT", "Austria", [("A1", ["232-01"]), ("Magenta", ["232-03"]), ("Drei", ["232-10"])]),
    ("MC", "Monaco", [("Monaco Telecom", ["212-01"])]),
    ("AD", "Andorra", [("Andorra Telecom", ["213-03"])]),
    ("SM", "San Marino", [("Prima", ["292-01"])]),
    ("MT", "Malta", [("Epic", ["278-01"]), ("GO", ["278-21"]), ("Melita", ["278-77"])]),
    ("GI", "Gibraltar", [("GibTel", ["266-01"])]),
    # Northern Europe
    ("DK", "Denmark", [("TDC", ["238-01"]), ("Telenor", ["238-02"]), ("3", ["238-06"]), ("Telia", ["238-20"])]),
    ("SE", "Sweden", [("Telia", ["240-01"]), ("3", ["240-02"]), ("Tele2", ["240-07"]), ("Telenor", ["240-08"])]),
    ("NO", "Norway", [("Telenor", ["242-01"]), ("Telia", ["242-02"]), ("Ice", ["242-14"])]),
    ("FI", "Finland", [("Elisa", ["244-05"]), ("DNA", ["244-12"]), ("Telia", ["244-91"])]),
    ("IS", "Iceland", [("Síminn", ["274-01"]), ("Vodafone", ["274-02"]), ("Nova", ["274-11"])]),
    ("FO", "Faroe Islands", [("Føroya Tele", ["288-01"]), ("Hey", ["288-02"])]),
    ("GL", "Greenland", [("Tusass", ["290-01"])]),
    ("EE", "Estonia", [("Telia", ["248-01"]), ("Elisa", ["248-02"]), ("Tele2", ["248-03"])]),
    ("LV", "Latvia", [("LMT", ["247-01"]), ("Tele2", ["247-02"]), ("Bite", ["247-05"])]),
    ("LT", "Lithuania", [("Telia", ["246-01"]), ("Bite", ["246-02"]), ("Tele2", ["246-03"])]),
    # Central and Eastern Europe
    ("PL", "Poland", [("Plus", ["260-01"]), ("T-Mobile", ["260-02"]), ("Orange", ["260-03"]), ("Play", ["260-06"])]),
    ("CZ", "Czechia", [("T-Mobile", ["230-01"]), ("O2", ["230-02"]), ("Vodafone", ["230-03"])]),
    ("SK", "Slovakia", [("Orange", ["231-01"]), ("Telekom", ["231-02"]), ("4ka", ["231-03"]), ("O2", ["231-06"])]),
    ("HU", "Hungary", [("Yettel", ["216-01"]), ("Telekom", ["216-30"]), ("One", ["216-70"])]),
    (
        "RO",
        "Romania",
        [("Vodafone", ["226-01"]), ("Telekom", ["226-03"]), ("Digi", ["226-05"]), ("Orange", ["226-10"])],
    ),
    ("BG", "Bulgaria", [("A1", ["284-01"]), ("Vivacom", ["284-03"]), ("Yettel", ["284-05"])]),
    ("GR", "Greece", [("Cosmote", ["202-01"]), ("Vodafone", ["202-05"]), ("Nova", ["202-10"])]),
    ("CY", "Cyprus", [("Cyta", ["280-01"]), ("Epic", ["280-10"])]),
    ("SI", "Slovenia", [("A1", ["293-40"]), ("Telekom Slovenije", ["293-41"]), ("Telemach", ["293-70"])]),
    ("HR", "Croatia", [("Hrvatski Telekom", ["219-01"]), ("Telemach", ["219-02"]), ("A1", ["219-10"])]),
    ("RS", "Serbia", [("Yettel", ["220-01"]), ("mts", ["220-03"]), ("A1", ["220-05"])]),
    ("BA", "Bosnia and Herzegovina", [("HT Eronet", ["218-03"]), ("m:tel", ["218-05"]), ("BH Telecom", ["218-90"])]),
    ("ME", "Montenegro", [("One", ["297-01"]), ("Crnogorski Telekom", ["297-02"]), ("m:tel", ["297-03"])]),
    ("MK", "North Macedonia", [("Makedonski Telekom", ["294-01"]), ("A1", ["294-03"])]),
    ("AL", "Albania", [("One", ["276-01"]), ("Vodafone", ["276-02"])]),
    ("UA", "Ukraine", [("Vodafone", ["255-01"]), ("Kyivstar", ["255-03"]), ("lifecell", ["255-06"])]),
    ("MD", "Moldova", [("Orange", ["259-01"]), ("Moldcell", ["259-02"])]),
    ("TR", "Türkiye", [("Turkcell", ["286-01"]), ("Vodafone", ["286-02"]), ("Türk Telekom", ["286-03"])]),
    # Caucasus and Central Asia
    ("GE", "Georgia", [("Silknet", ["282-01"]), ("Magti", ["282-02"]), ("Cellfie", ["282-04"])]),
    ("AM", "Armenia", [("Team", ["283-01"]), ("Viva", ["283-05"]), ("Ucom", ["283-10"])]),
    ("AZ", "Azerbaijan", [("Azercell", ["400-01"]), ("Bakcell", ["400-02"]), ("Nar", ["400-04"])]),
    ("KZ", "Kazakhstan", [("Beeline", ["401-01"]), ("Kcell", ["401-02"]), ("Tele2", ["401-77"])]),
    ("UZ", "Uzbekistan", [("Beeline", ["434-04"]), ("Ucell", ["434-05"]), ("Mobiuz", ["434-07"])]),
    ("KG", "Kyrgyzstan", [("Beeline", ["437-01"]), ("MegaCom", ["437-05"]), ("O!", ["437-09"])]),
    ("MN", "Mongolia", [("Unitel", ["428-88"]), ("Mobicom", ["428-99"])]),
    # Middle East
    ("IL", "Israel", [("Partner", ["425-01"]), ("Cellcom", ["425-02"]), ("Pelephone", ["425-03"])]),
    ("AE", "United Arab Emirates", [("e&", ["424-02"]), ("du", ["424-03"])]),
    ("SA", "Saudi Arabia", [("stc", ["420-01"]), ("Mobily", ["420-03"]), ("Zain", ["420-04"])]),
    ("QA", "Qatar", [("Ooredoo", ["427-01"]), ("Vodafone", ["427-02"])]),
    ("KW", "Kuwait", [("Zain", ["419-02"]), ("Ooredoo", ["419-03"]), ("stc", ["419-04"])]),
    ("BH", "Bahrain", [("Batelco", ["426-01"]), ("Zain", ["426-02"]), ("stc", ["426-04"])]),
    ("OM", "Oman", [("Omantel", ["422-02"]), ("Ooredoo", ["422-03"])]),
    ("JO", "Jordan", [("Zain", ["416-01"]), ("Umniah", ["416-03"]), ("Orange", ["416-77"])]),
    ("LB", "Lebanon", [("Alfa", ["415-01"]), ("touch", ["415-03"])]),
    ("IQ", "Iraq", [("Asiacell", ["418-05"]), ("Zain", ["418-20"]), ("Korek", ["418-40"])]),
    # Africa
    ("EG", "Egypt", [("Orange", ["602-01"]), ("Vodafone", ["602-02"]), ("e&", ["602-03"]), ("WE", ["602-04"])]),
    ("MA", "Morocco", [("Orange", ["604-00"]), ("Maroc Telecom", ["604-01"])]),
    ("DZ", "Algeria", [("Mobilis", ["603-01"]), ("Djezzy", ["603-02"]), ("Ooredoo", ["603-03"])]),
    ("TN", "Tunisia", [("Orange", ["605-01"]), ("Tunisie Telecom", ["605-02"]), ("Ooredoo", ["605-03"])]),
    (
        "ZA",
        "South Africa",
        [("Vodacom", ["655-01"]), ("Telkom", ["655-02"]), ("Cell C", ["655-07"]), ("MTN", ["655-10"])],
    ),
    ("NG", "Nigeria", [("Airtel", ["621-20"]), ("MTN", ["621-30"]), ("Glo", ["621-50"]), ("9mobile", ["621-60"])]),
    ("KE", "Kenya", [("Safaricom", ["639-02"]), ("Airtel", ["639-03"])]),
    ("TZ", "Tanzania", [("Tigo", ["640-02"]), ("Vodacom", ["640-04"]), ("Airtel", ["640-05"])]),
    ("UG", "Uganda", [("Airtel", ["641-01"]), ("MTN", ["641-10"])]),
    ("RW", "Rwanda", [("MTN", ["635-10"]), ("Airtel", ["635-13"])]),
    ("GH", "Ghana", [("MTN", ["620-01"]), ("Telecel", ["620-02"]), ("AirtelTigo", ["620-03"])]),
    ("SN", "Senegal", [("Orange", ["608-01"]), ("Free", ["608-02"]), ("Expresso", ["608-03"])]),
    ("CI", "Côte d'Ivoire", [("Moov", ["612-02"]), ("Orange", ["612-03"]), ("MTN", ["612-05"])]),
    ("CM", "Cameroon", [("MTN", ["624-01"]), ("Orange", ["624-02"])]),
    ("ZM", "Zambia", [("Airtel", ["645-01"]), ("MTN", ["645-02"]), ("Zamtel", ["645-03"])]),
    ("ZW", "Zimbabwe", [("NetOne", ["648-01"]), ("Econet", ["648-04"])]),
    ("MZ", "Mozambique", [("Tmcel", ["643-01"]), ("Movitel", ["643-03"]), ("Vodacom", ["643-04"])]),
    ("BW", "Botswana", [("Mascom", ["652-01"]), ("Orange", ["652-02"])]),
    ("NA", "Namibia", [("MTC", ["649-01"])]),
    ("MU", "Mauritius", [("my.t", ["617-01"]), ("Emtel", ["617-10"])]),
    ("ET", "Ethiopia", [("Ethio Telecom", ["636-01"])]),
    # Asia
    ("CN", "China", [("China Mobile", ["460-00"]), ("China Unicom", ["460-01"]), ("China Telecom", ["460-11"])]),
    (
        "HK",
        "Hong Kong",
        [("csl", ["454-00"]), ("3", ["454-03"]), ("SmarTone", ["454-06"]), ("China Mobile HK", ["454-12"])],
    ),
    ("MO", "Macao", [("SmarTone", ["455-00"]), ("CTM", ["455-01"]), ("3", ["455-03"])]),
    ("TW", "Taiwan", [("Far EasTone", ["466-01"]), ("Chunghwa Telecom", ["466-92"]), ("Taiwan Mobile", ["466-97"])]),
    (
        "JP",
        "Japan",
        [
            ("NTT docomo", ["440-10"]),
            ("Rakuten Mobile", ["440-11"]),
            ("SoftBank", ["440-20"]),
            ("au (KDDI)", ["440-50", "440-51"]),
        ],
    ),
    ("KR", "South Korea", [("SK Telecom", ["450-05"]), ("LG U+", ["450-06"]), ("KT", ["450-08"])]),
    ("SG", "Singapore", [("Singtel", ["525-01"]), ("M1", ["525-03"]), ("StarHub", ["525-05"])]),
    ("MY", "Malaysia", [("Maxis", ["502-12"]), ("Digi", ["502-16"]), ("U Mobile", ["502-18"]), ("Celcom", ["502-19"])]),
    ("TH", "Thailand", [("AIS", ["520-03"]), ("TrueMove H", ["520-04"]), ("dtac", ["520-05"])]),
    ("ID", "Indonesia", [("Indosat Ooredoo", ["510-01"]), ("Telkomsel", ["510-10"]), ("XL Axiata", ["510-11"])]),
    ("PH", "Philippines", [("Globe", ["515-02"]), ("Smart", ["515-03"]), ("DITO", ["515-66"])]),
    ("VN", "Vietnam", [("MobiFone", ["452-01"]), ("VinaPhone", ["452-02"]), ("Viettel", ["452-04"])]),
    ("KH", "Cambodia", [("Cellcard", ["456-01"]), ("Smart", ["456-06"]), ("Metfone", ["456-08"])]),
    ("LA", "Laos", [("Lao Telecom", ["457-01"]), ("Unitel", ["457-03"])]),
    ("MM", "Myanmar", [("MPT", ["414-01"])]),
    ("BN", "Brunei", [("DST", ["528-11"])]),
    ("BD", "Bangladesh", [("Grameenphone", ["470-01"]), ("Robi", ["470-02"]), ("Banglalink", ["470-03"])]),
    ("LK", "Sri Lanka", [("SLT-Mobitel", ["413-01"]), ("Dialog", ["413-02"])]),
    ("PK", "Pakistan", [("Jazz", ["410-01"]), ("Ufone", ["410-03"]), ("Zong", ["410-04"]), ("Telenor", ["410-06"])]),
    ("IN", "India", [("Airtel", ["404-10"]), ("Vi", ["404-20"]), ("Jio", ["405-840"])]),
    ("NP", "Nepal", [("Nepal Telecom", ["429-01"]), ("Ncell", ["429-02"])]),
    ("MV", "Maldives", [("Dhiraagu", ["472-01"]), ("Ooredoo", ["472-02"])]),
    # Oceania
    ("AU", "Australia", [("Telstra", ["505-01"]), ("Optus", ["505-02"]), ("Vodafone", ["505-03"])]),
    ("NZ", "New Zealand", [("One NZ", ["530-01"]), ("Spark", ["530-05"]), ("2degrees", ["530-24"])]),
    ("FJ", "Fiji", [("Vodafone", ["542-01"]), ("Digicel", ["542-02"])]),
    ("PG", "Papua New Guinea", [("Digicel", ["537-03"])]),
]


@dataclass(frozen=True, slots=True)
class CatalogNetwork:
    sid: str
    friendly_name: str
    iso_country: str
    country_name: str
    identifiers: tuple[tuple[str, str], ...]


def network_sid(first_identifier: str) -> str:
    digest = hashlib.sha256(f"supersim-network:{first_identifier}".encode()).hexdigest()
    return "HW" + digest[:32]


def build_catalog() -> list[CatalogNetwork]:
    """Every network in the catalog, ordered by country then operator as listed."""
    networks: list[CatalogNetwork] = []
    for iso, country, operators in CATALOG:
        for name, plmns in operators:
            identifiers = tuple((plmn.split("-")[0], plmn.split("-")[1]) for plmn in plmns)
            networks.append(
                CatalogNetwork(
                    sid=network_sid(plmns[0]),
                    friendly_name=name,
                    iso_country=iso,
                    country_name=country,
                    identifiers=identifiers,
                )
            )
    return networks
