"""Staff users in no role group counted as protocol staff until now; from now on a user in no group has no
role (visits.roles). The staff users who relied on that rule keep their access: they join ``protocol``."""

from django.conf import settings
from django.db import migrations

ROLE_GROUPS = ("protocol", "leadership", "public_relations", "delegation_contact")


def staff_without_role_to_protocol(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    without_role = User.objects.filter(is_staff=True, is_superuser=False).exclude(groups__name__in=ROLE_GROUPS)
    users = list(without_role)
    if users:
        protocol, _created = Group.objects.get_or_create(name="protocol")
        protocol.user_set.add(*users)


class Migration(migrations.Migration):
    dependencies = [
        ("visits", "0007_host_memberships"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(staff_without_role_to_protocol, migrations.RunPython.noop)]
