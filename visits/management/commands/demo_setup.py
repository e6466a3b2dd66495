"""``manage.py demo_setup``: load the demo visit, the role groups and the demo users (idempotent)."""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from visits import roles

DEMO_FILE = Path(settings.BASE_DIR) / "demo" / "studi-komparasi-buleleng-malang.yaml"
DEMO_USERNAME = "protokol"
DEMO_LEADER_USERNAME = "pimpinan"
DEFAULT_DEMO_PASSWORD = "sambang-demo"  # noqa: S105 - documented demo credential, override with SAMBANG_DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Load the demo visit and create the demo users 'protokol' (protocol staff) and 'pimpinan' "
        "(leadership), password SAMBANG_DEMO_PASSWORD; create the role groups."
    )

    def handle(self, *args, **options):
        call_command("import_visit", str(DEMO_FILE), stdout=self.stdout, stderr=self.stderr)
        password = os.environ.get("SAMBANG_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.GROUPS}
        for username, first, last, group, superuser in (
            (DEMO_USERNAME, "Staf", "Protokol", roles.PROTOCOL, True),
            (DEMO_LEADER_USERNAME, "Pimpinan", "Daerah", roles.LEADERSHIP, False),
        ):
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            user.is_staff = True
            user.is_superuser = superuser
            user.set_password(password)
            user.save()
            user.groups.add(groups[group])
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo user {'created' if created else 'updated'}: {username} / {password} ({group})"
                )
            )
        self.stdout.write("Log in at http://127.0.0.1:8000/login/")
