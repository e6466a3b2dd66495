"""API tokens: stored as a digest, shown once, expiring, revocable; made by ``manage.py api_token``."""

import datetime as dt
import hashlib
import io
import re

import pytest
import time_machine
from django.core.management import CommandError, call_command
from knox.models import AuthToken
from rest_framework.test import APIClient

NOW = dt.datetime(2025, 4, 1, 8, 0, tzinfo=dt.UTC)


def run(*args) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def created_token(output: str) -> str:
    """The plaintext token: the one line of 64 hex digits that ``create`` prints."""
    (token,) = re.findall(r"^[0-9a-f]{64}$", output, flags=re.MULTILINE)
    return token


def english_client(token: str) -> APIClient:
    client = APIClient()
    client.cookies["django_language"] = "en"
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@time_machine.travel(NOW, tick=False)
def test_create_stores_only_the_digest(db, staff_user):
    output = run("create", "staf", "--expires-days", "30")

    token = created_token(output)
    row = AuthToken.objects.get()
    assert row.digest == hashlib.sha512(token.encode()).hexdigest()
    assert token not in {row.digest, row.token_key}
    assert row.token_key == token[:15]
    assert row.expiry == NOW + dt.timedelta(days=30)
    assert output.splitlines()[0] == f"Token for staf (id {token[:15]}, expires 2025-05-01T08:00:00+00:00):"


def test_token_authenticates_the_api(visit, staff_user):
    token = created_token(run("create", "staf"))

    response = english_client(token).get("/api/v1/visits/")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_default_lifetime_is_ninety_days(db, staff_user):
    with time_machine.travel(NOW, tick=False):
        run("create", "staf")

    assert AuthToken.objects.get().expiry == NOW + dt.timedelta(days=90)


def test_expired_token_refused_with_reason(visit, staff_user):
    with time_machine.travel(NOW, tick=False):
        token = created_token(run("create", "staf", "--expires-days", "1"))

    with time_machine.travel(NOW + dt.timedelta(days=1, seconds=1), tick=False):
        response = english_client(token).get("/api/v1/visits/")

    assert response.status_code == 401
    assert response.json() == {"detail": "This token has expired; ask for a new one."}
    assert response["WWW-Authenticate"] == "Token"


def test_revoked_token_refused(visit, staff_user):
    token = created_token(run("create", "staf"))

    output = run("revoke", token[:15])
    response = english_client(token).get("/api/v1/visits/")

    assert output == f"Revoked {token[:15]}.\n"
    assert AuthToken.objects.count() == 0
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token: it does not exist or has been revoked."}


def test_wrong_token_with_a_known_id_refused(visit, staff_user):
    token = created_token(run("create", "staf"))
    forged = token[:15] + "0" * 49 if token[15:] != "0" * 49 else token[:15] + "1" * 49

    response = english_client(forged).get("/api/v1/visits/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token: it does not exist or has been revoked."}


def test_token_of_inactive_user_refused(visit, staff_user):
    token = created_token(run("create", "staf"))
    staff_user.is_active = False
    staff_user.save()

    response = english_client(token).get("/api/v1/visits/")

    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


def test_list_shows_ids_and_expiry(db, staff_user, make_user):
    make_user("integrasi", is_staff=True)
    with time_machine.travel(NOW, tick=False):
        first = created_token(run("create", "staf", "--expires-days", "1"))
        second = created_token(run("create", "integrasi", "--no-expiry"))

    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        output = run("list")

    assert output.splitlines() == [
        f"{second[:15]}  integrasi  made 2025-04-01T08:00:00+00:00  no expiry",
        f"{first[:15]}  staf  made 2025-04-01T08:00:00+00:00  EXPIRED 2025-04-02T08:00:00+00:00",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "nobody"), "No user named 'nobody'."),
        (("create", "staf", "--expires-days", "0"), "--expires-days must be between 1 and 3660."),
        (("revoke", "0123456789abcde"), "No token with id '0123456789abcde'."),
    ],
)
def test_command_refuses_bad_input(db, staff_user, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)

    assert str(error.value) == message
    assert AuthToken.objects.count() == 0


def test_admin_shows_the_new_token_once(visit, client, django_user_model, staff_user):
    admin = django_user_model.objects.create_superuser(username="admin", password="x-12345-y")
    client.force_login(admin)

    response = client.post(
        "/admin/knox/authtoken/add/", {"user": staff_user.pk, "expiry_0": "", "expiry_1": ""}, follow=True
    )

    (token,) = [
        str(m).removeprefix("TOKEN ") for m in response.context["messages"] if str(m).startswith("TOKEN ")
    ]
    assert AuthToken.objects.get().digest == hashlib.sha512(token.encode()).hexdigest()
    assert english_client(token).get("/api/v1/visits/").status_code == 200


def test_token_authentication_reads_roles_and_hosts_right(db, django_user_model, django_assert_num_queries):
    """The token's user arrives with their role groups and hosts; on PostgreSQL they come in the token's
    own query (``access_annotations``), so asking for them costs nothing more; elsewhere one query each."""
    from django.contrib.auth.models import Group
    from django.db import connection

    from config.api_tokens import TokenAuthentication
    from tests.factories import InstitutionFactory
    from visits.models import HostMembership
    from visits.roles import LEADERSHIP, PUBLIC_RELATIONS, role_groups
    from visits.scoping import host_ids

    user = django_user_model.objects.create_user(username="pimpinan", password="rahasia-123")
    user.groups.add(Group.objects.create(name=LEADERSHIP), Group.objects.create(name="rekanan"))
    hosts = [InstitutionFactory(), InstitutionFactory(), InstitutionFactory()]
    for host in hosts[:2]:
        HostMembership.objects.create(user=user, host=host)
    other = django_user_model.objects.create_user(username="humas", password="rahasia-123")
    other.groups.add(Group.objects.create(name=PUBLIC_RELATIONS))
    HostMembership.objects.create(user=other, host=hosts[2])
    _row, token = AuthToken.objects.create(user=user)

    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        authenticated, auth = TokenAuthentication().authenticate_credentials(token.encode())
        groups, ids = role_groups(authenticated), host_ids(authenticated)

    assert groups == {LEADERSHIP}
    assert ids == {hosts[0].pk, hosts[1].pk}
    stored_user, stored_token = django_user_model.objects.get(pk=user.pk), AuthToken.objects.get()
    for field in django_user_model._meta.concrete_fields:
        assert getattr(authenticated, field.attname) == getattr(stored_user, field.attname), field.name
    for field in AuthToken._meta.concrete_fields:
        assert getattr(auth, field.attname) == getattr(stored_token, field.attname), field.name
    assert auth.user is authenticated


def test_revoke_without_a_shared_cache_says_a_server_with_one_may_still_accept_the_token(
    db, staff_user, settings
):
    token = created_token(run("create", "staf"))
    errors = io.StringIO()

    settings.CACHE_URL = ""
    call_command("api_token", "revoke", token[:15], stdout=io.StringIO(), stderr=errors)
    settings.CACHE_URL = "redis://127.0.0.1:6379/1"
    call_command(
        "api_token",
        "revoke",
        created_token(run("create", "staf"))[:15],
        stdout=io.StringIO(),
        stderr=(quiet := io.StringIO()),
    )

    assert "ran without CACHE_URL" in errors.getvalue()
    assert 'make prod-manage ARGS="api_token revoke …"' in errors.getvalue()
    assert quiet.getvalue() == ""
