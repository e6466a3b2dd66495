"""``manage.py demo_setup``: load the demo visit and create the demo protocol-staff user (idempotent)."""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

DEMO_FILE = Path(settings.BASE_DIR) / "demo" / "studi-komparasi-buleleng-malang.yaml"
DEMO_USERNAME = "protokol"
DEFAULT_DEMO_PASSWORD = "sambang-demo"  # noqa: S105 - documented demo credential, override with SAMBANG_DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load the demo visit and create the demo staff user 'protokol' (password: SAMBANG_DEMO_PASSWORD)."

    def handle(self, *args, **options):
        call_command("import_visit", str(DEMO_FILE), stdout=self.stdout, stderr=self.stderr)
        password = os.environ.get("SAMBANG_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"first_name": "Staf", "last_name": "Protokol"}
        )
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo staff user {'created' if created else 'updated'}: {DEMO_USERNAME} / {password} "
                "(log in at http://127.0.0.1:8000/login/)"
            )
        )
