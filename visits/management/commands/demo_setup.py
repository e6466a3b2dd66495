"""``manage.py demo_setup``: load the demo visit, the role groups and the demo users (idempotent)."""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from delegations.models import Delegation
from visits import roles
from visits.importer import load_visit_file
from visits.models import HostMembership, Visit
from visits.services.importing import host_import

DEMO_FILE = Path(settings.BASE_DIR) / "demo" / "studi-komparasi-buleleng-malang.yaml"
DEMO_USERNAME = "protokol"
DEMO_LEADER_USERNAME = "pimpinan"
DEMO_NEWS_USERNAME = "humas"
DEMO_CONTACT_USERNAME = "narahubung"
DEFAULT_DEMO_PASSWORD = "sambang-demo"  # noqa: S105 - documented demo credential, override with SAMBANG_DEMO_PASSWORD

# username, first and last name, role group, superuser, staff, works for the demo host
DEMO_USERS = (
    (DEMO_USERNAME, "Staf", "Protokol", roles.PROTOCOL, True, True, True),
    (DEMO_LEADER_USERNAME, "Pimpinan", "Daerah", roles.LEADERSHIP, False, True, True),
    (DEMO_NEWS_USERNAME, "Staf", "Humas", roles.PUBLIC_RELATIONS, False, True, True),
    # The delegation's contact person: no staff page, only the delegation's own page.
    (DEMO_CONTACT_USERNAME, "Narahubung", "Buleleng", roles.DELEGATION_CONTACT, False, False, False),
)


class Command(BaseCommand):
    help = (
        "Load the demo visit and create the demo users 'protokol' (administrator and protocol staff), "
        "'pimpinan' (leadership), 'humas' (public relations), all working for the demo host, and "
        "'narahubung' (the demo delegation's contact), password SAMBANG_DEMO_PASSWORD; create the role groups."
    )

    def handle(self, *args, **options):
        call_command("import_visit", str(DEMO_FILE), stdout=self.stdout, stderr=self.stderr)
        data = load_visit_file(DEMO_FILE)
        host = host_import(data=data)
        delegation = (
            Visit.objects.filter(host=host, delegation__request_letter_number=data.letter_number)
            .select_related("delegation")
            .get()
            .delegation
        )
        password = os.environ.get("SAMBANG_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.GROUPS}
        for username, first, last, group, superuser, staff, member in DEMO_USERS:
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            user.is_staff = staff
            user.is_superuser = superuser
            user.set_password(password)
            user.save()
            user.groups.add(groups[group])
            if member:
                HostMembership.objects.get_or_create(user=user, host=host)
            if group == roles.DELEGATION_CONTACT:
                Delegation.objects.filter(pk=delegation.pk).update(contact_user=user)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo user {'created' if created else 'updated'}: {username} / {password} ({group})"
                )
            )
        # make run serves on SAMBANG_PORT (DEBUG settings), make prod on PORT; both default to 8000.
        port = os.environ.get("SAMBANG_PORT" if settings.DEBUG else "PORT") or "8000"
        self.stdout.write(f"Log in at http://127.0.0.1:{port}/login/")
