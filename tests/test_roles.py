"""A user in no role group has no role, staff or not (visits.roles); migration 0008 kept the access of the
staff users who had relied on counting as protocol staff."""

import importlib

from django.apps import apps
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from visits import roles
from visits.models import HostMembership

migration = importlib.import_module("visits.migrations.0008_staff_without_role_to_protocol")


def test_a_staff_user_in_no_group_may_neither_read_nor_write(visit, django_user_model, client):
    user = django_user_model.objects.create_user(
        username="bekas-pimpinan", password="x-12345-y", is_staff=True
    )
    HostMembership.objects.create(user=user, host=visit.host)
    api = APIClient()
    api.force_authenticate(user)
    client.force_login(user)

    assert not roles.is_protocol(user)
    assert not roles.is_reader(user)
    assert api.get("/api/v1/visits/").status_code == 403
    assert api.post(f"/api/v1/visits/{visit.pk}/send-invitations/").status_code == 403
    assert client.get(f"/visits/{visit.pk}/").status_code == 403


def test_taking_the_leadership_role_away_leaves_no_role(visit, make_user):
    user = make_user("pimpinan-lama", roles.LEADERSHIP, is_staff=True)
    user.groups.clear()
    user = type(user).objects.get(pk=user.pk)  # a fresh object: the role groups are read once per object

    assert (roles.is_protocol(user), roles.is_reader(user)) == (False, False)


def test_the_migration_puts_staff_users_without_a_role_into_protocol(db, django_user_model):
    staff = django_user_model.objects.create_user(username="staf-lama", is_staff=True)
    leader = django_user_model.objects.create_user(username="pimpinan", is_staff=True)
    leader.groups.add(Group.objects.create(name=roles.LEADERSHIP))
    plain = django_user_model.objects.create_user(username="biasa")
    admin = django_user_model.objects.create_superuser(username="admin", password="x-12345-y")

    migration.staff_without_role_to_protocol(apps, None)

    members = set(Group.objects.get(name=roles.PROTOCOL).user_set.values_list("username", flat=True))
    assert members == {staff.username}
    assert {leader.username, plain.username, admin.username}.isdisjoint(members)
