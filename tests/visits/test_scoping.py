"""Per-host scoping: a user sees and writes only the hosts they work for; another host's rows are 404."""

import copy
import datetime as dt
import io

import pytest
import time_machine
import yaml
from rest_framework.test import APIClient

from delegations.services import delegation_page_token
from tests.factories import DelegationFactory, InstitutionFactory, OfficialFactory, VenueFactory, full_visit
from visits import roles
from visits.enums import VisitStatus
from visits.models import CalendarFeed, HostMembership, Visit
from visits.services import calendar_feed_create

DURING = dt.datetime(2025, 4, 20, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def other_host(db):
    return InstitutionFactory(name="Pemerintah Kota Batu")


@pytest.fixture
def other_visit(other_host):
    return full_visit(host=other_host, title="Kunjungan ke Batu")


@pytest.fixture
def api():
    return APIClient()


def test_visit_list_shows_only_the_users_hosts(visit, other_visit, staff_client):
    response = staff_client.get("/")

    assert [v.pk for v in response.context["visits"]] == [visit.pk]


def test_superuser_sees_every_host(visit, other_visit, admin_client):
    response = admin_client.get("/")

    assert sorted(v.pk for v in response.context["visits"]) == sorted([visit.pk, other_visit.pk])


def test_user_in_no_host_sees_nothing(visit, client, make_user):
    client.force_login(make_user("lepas", roles.PROTOCOL, hosts=[]))

    listed = client.get("/")
    detail = client.get(f"/visits/{visit.pk}/")

    assert (listed.status_code, len(listed.context["visits"]), detail.status_code) == (200, 0, 404)


@pytest.mark.parametrize(
    "path",
    [
        "/visits/{pk}/",
        "/visits/{pk}/book/",
        "/visits/{pk}/report.pdf",
        "/visits/{pk}/invitation.ics",
        "/visits/{pk}/outcome/",
        "/visits/{pk}/news/",
        "/visits/{pk}/news.txt",
    ],
)
def test_another_hosts_visit_page_is_not_found(other_visit, staff_client, path):
    assert staff_client.get(path.format(pk=other_visit.pk)).status_code == 404


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/visits/{pk}/send-invitations/", {}),
        ("/visits/{pk}/cancel/", {"reason": "Batal."}),
        ("/visits/{pk}/transition/", {"action": "start"}),
        ("/visits/{pk}/delegation-link/", {}),
        ("/visits/{pk}/reschedule/", {"date": "2025-05-07", "time": "09:00"}),
    ],
)
def test_another_hosts_visit_cannot_be_written(other_visit, staff_client, path, data):
    response = staff_client.post(path.format(pk=other_visit.pk), data)

    other_visit.refresh_from_db()
    assert (response.status_code, other_visit.status) == (404, VisitStatus.SCHEDULED)
    assert other_visit.delegation.page_nonce == ""


def test_api_lists_and_reads_only_the_users_hosts(visit, other_visit, api_client):
    listed = api_client.get("/api/v1/visits/").json()

    assert [row["id"] for row in listed["results"]] == [visit.pk]
    assert api_client.get(f"/api/v1/visits/{other_visit.pk}/").status_code == 404
    assert api_client.post(f"/api/v1/visits/{other_visit.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert Visit.objects.get(pk=other_visit.pk).status == VisitStatus.SCHEDULED


def test_register_for_another_host_is_refused(visit, other_host, api_client, demo_data):
    data = copy.deepcopy(demo_data)
    data["host"]["institution"] = other_host.name
    data["request"]["letter_number"] = "005/999/2025"
    api_client.cookies["django_language"] = "en"

    response = api_client.post("/api/v1/visits/register/", data, format="json")

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "You do not work for the host “Pemerintah Kota Batu”; only its staff or an administrator may do this."
    )
    assert Visit.objects.count() == 1


def test_register_page_for_a_new_host_is_refused(db, staff_client, demo_data):
    data = copy.deepcopy(demo_data)
    data["host"]["institution"] = "Pemerintah Kota Baru Sekali"
    staff_client.cookies["django_language"] = "en"

    response = staff_client.post("/visits/register/", {"text": yaml.safe_dump(data)})

    assert response.status_code == 403
    assert "Only an administrator may add a new host." in response.content.decode()
    assert Visit.objects.count() == 0


def test_conflict_check_and_free_slots_of_another_host_are_not_found(other_visit, api_client):
    check = api_client.post(
        "/api/v1/conflicts/check/",
        {
            "host": other_visit.host_id,
            "start": "2025-05-06T09:00:00+07:00",
            "end": "2025-05-06T10:00:00+07:00",
        },
        format="json",
    )
    slots = api_client.get(
        "/api/v1/free-slots/",
        {"host": other_visit.host_id, "first_day": "2025-05-06", "last_day": "2025-05-07", "duration": 60},
    )

    assert (check.status_code, slots.status_code) == (404, 404)


def test_free_slots_refuse_another_hosts_official(visit, api_client):
    stranger = OfficialFactory()
    api_client.cookies["django_language"] = "en"

    response = api_client.get(
        "/api/v1/free-slots/",
        {
            "host": visit.host_id,
            "first_day": "2025-05-06",
            "last_day": "2025-05-07",
            "duration": 60,
            "officials": str(stranger.pk),
        },
    )

    assert response.status_code == 400
    assert "Every official must be one of the host's." in str(response.json())


def test_conflict_check_refuses_another_hosts_delegation(visit, other_visit, api_client):
    response = api_client.post(
        "/api/v1/conflicts/check/",
        {
            "host": visit.host_id,
            "start": "2025-05-06T09:00:00+07:00",
            "end": "2025-05-06T10:00:00+07:00",
            "delegation": other_visit.delegation_id,
            "exclude_visit": other_visit.pk,
        },
        format="json",
    )

    assert response.status_code == 400
    assert sorted(k for k in ("delegation", "exclude_visit") if k in str(response.json())) == [
        "delegation",
        "exclude_visit",
    ]


def test_outcome_api_refuses_and_hides_another_hosts_visit(other_visit, api_client):
    with time_machine.travel(other_visit.end + dt.timedelta(hours=1), tick=False):
        Visit.objects.filter(pk=other_visit.pk).update(status=VisitStatus.COMPLETED)
        created = api_client.post(
            "/api/v1/quotes/", {"visit": other_visit.pk, "speaker_name": "Budi", "words": "Halo."}
        )
    listed = api_client.get("/api/v1/quotes/", {"visit": other_visit.pk})

    assert created.status_code == 400
    assert listed.json()["count"] == 0


def test_feeds_page_lists_and_revokes_only_the_users_hosts(visit, other_visit, staff_client):
    own, _token = calendar_feed_create(host=visit.host, kind="host")
    foreign, _token = calendar_feed_create(host=other_visit.host, kind="host")

    listed = staff_client.get("/feeds/")
    revoke_foreign = staff_client.post(f"/feeds/{foreign.pk}/revoke/")
    create_foreign = staff_client.post("/feeds/", {"host": other_visit.host_id, "kind": "host"})

    assert [f.pk for f in listed.context["feeds"]] == [own.pk]
    assert [h.pk for h in listed.context["hosts"]] == [visit.host_id]
    assert (revoke_foreign.status_code, create_foreign.status_code) == (404, 404)
    assert CalendarFeed.objects.get(pk=foreign.pk).revoked_at is None
    assert CalendarFeed.objects.count() == 2


def test_booking_refuses_another_hosts_room_and_official(visit, api_client):
    accepted = full_visit(host=visit.host, status=VisitStatus.ACCEPTED, venue=None)
    foreign_room, foreign_official = VenueFactory(), OfficialFactory()
    api_client.cookies["django_language"] = "en"

    with time_machine.travel(DURING, tick=False):
        room = api_client.post(
            f"/api/v1/visits/{accepted.pk}/schedule/",
            {
                "start": "2025-05-06T09:00:00+07:00",
                "end": "2025-05-06T11:00:00+07:00",
                "venue": foreign_room.pk,
            },
            format="json",
        )
        official = api_client.post(
            f"/api/v1/visits/{accepted.pk}/schedule/",
            {
                "start": "2025-05-06T09:00:00+07:00",
                "end": "2025-05-06T11:00:00+07:00",
                "items": [
                    {
                        "start": "2025-05-06T09:00:00+07:00",
                        "end": "2025-05-06T10:00:00+07:00",
                        "official": foreign_official.pk,
                    }
                ],
            },
            format="json",
        )

    assert room.status_code == 400
    assert official.status_code == 409
    assert [e["code"] for e in official.json()["errors"]] == ["foreign_official"]
    assert Visit.objects.get(pk=accepted.pk).status == VisitStatus.ACCEPTED


# The delegation contact


@pytest.fixture
def contact(visit, make_user):
    user = make_user("narahubung", roles.DELEGATION_CONTACT, hosts=[])
    visit.delegation.contact_user = user
    visit.delegation.save(update_fields=["contact_user"])
    return user


def test_delegation_contact_lands_on_their_delegation_page(visit, contact, client):
    with time_machine.travel(DURING, tick=False):
        login = client.post("/login/", {"username": "narahubung", "password": "x-12345-y"}, follow=True)

    visit.delegation.refresh_from_db()
    token = delegation_page_token(delegation=visit.delegation)
    assert login.redirect_chain[-1] == (f"/d/{token}/", 302)
    assert login.status_code == 200
    assert login.context["delegation"].pk == visit.delegation_id


@pytest.mark.parametrize(
    "path", ["/visits/{pk}/", "/calendar/", "/feeds/", "/visits/{pk}/news/", "/api/v1/visits/"]
)
def test_delegation_contact_is_refused_everywhere_else(visit, contact, client, path):
    client.force_login(contact)

    assert client.get(path.format(pk=visit.pk)).status_code == 403


def test_delegation_contact_cannot_open_another_delegations_page(visit, contact, client):
    other = full_visit(host=visit.host, delegation=DelegationFactory())
    client.force_login(contact)

    with time_machine.travel(DURING, tick=False):
        response = client.get(f"/d/{delegation_page_token(delegation=other.delegation)}/")

    assert response.status_code == 404


def test_membership_is_unique_per_user_and_host(staff_user, host):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        HostMembership.objects.create(user=staff_user, host=host)


def test_demo_setup_gives_the_demo_users_the_demo_host(db, client):
    from django.core.management import call_command

    call_command("demo_setup", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("demo_setup", stdout=io.StringIO(), stderr=io.StringIO())  # idempotent

    visit = Visit.objects.select_related("host", "delegation__contact_user").get()
    members = HostMembership.objects.filter(host=visit.host).values_list("user__username", flat=True)
    assert sorted(members) == ["humas", "pimpinan", "protokol"]
    assert visit.delegation.contact_user.username == "narahubung"
    assert visit.delegation.contact_user.is_staff is False
    assert sorted(visit.delegation.contact_user.groups.values_list("name", flat=True)) == [
        "delegation_contact"
    ]


def test_register_of_a_letter_another_host_registered_is_refused(visit, make_user, demo_data, other_host):
    # Host B's staff send the same request letter: its delegation's rows belong to host A's visit.
    api = APIClient()
    api.force_authenticate(make_user("protokol_b", roles.PROTOCOL, hosts=[other_host]))
    api.cookies["django_language"] = "en"
    data = copy.deepcopy(demo_data)
    data["host"]["institution"] = other_host.name

    response = api.post("/api/v1/visits/register/", data, format="json")

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Request letter 000.1.5/0417/Prokopim/2025 is already registered with another host; "
        "ask an administrator to register it."
    )
    assert Visit.objects.count() == 1


def test_delegation_page_stays_open_to_its_signed_in_contact_after_expiry(visit, contact, client):
    token = delegation_page_token(delegation=visit.delegation)
    long_after = visit.end + dt.timedelta(days=30)

    with time_machine.travel(long_after, tick=False):
        anonymous = client.get(f"/d/{token}/")
        client.force_login(contact)
        signed_in = client.get(f"/d/{token}/")

    assert (anonymous.status_code, signed_in.status_code) == (404, 200)


@pytest.mark.parametrize(
    ("debug", "variable", "expected"),
    [(True, "SAMBANG_PORT", "8157"), (False, "PORT", "8160"), (True, None, "8000")],
    ids=["make-run", "make-prod", "default"],
)
def test_demo_setup_names_the_port_the_app_runs_on(db, settings, monkeypatch, debug, variable, expected):
    from django.core.management import call_command

    settings.DEBUG = debug
    monkeypatch.delenv("SAMBANG_PORT", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    if variable:
        monkeypatch.setenv(variable, expected)
    out = io.StringIO()

    call_command("demo_setup", stdout=out, stderr=io.StringIO())

    assert out.getvalue().splitlines()[-1] == f"Log in at http://127.0.0.1:{expected}/login/"
