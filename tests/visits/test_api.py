"""The REST API under /api/v1/visits/ and its OpenAPI schema, as a client sees them."""

import datetime as dt
import io
import json
import zoneinfo
from email.utils import getaddresses

import icalendar
import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.demo import DEMO_AGENDA_TITLES, DEMO_TITLE
from tests.factories import full_visit
from visits.enums import VisitStatus
from visits.models import Visit

# Host officials by precedence, then the delegation's leader, contact person and members.
DEMO_RECIPIENTS = [
    "sekda@malang.example.org",
    "diskominfo@malang.example.org",
    "perekonomian@malang.example.org",
    "wabup@buleleng.example.org",
    "prokopim@buleleng.example.org",
    "kominfo@buleleng.example.org",
    "ikp@buleleng.example.org",
    "dokpim@buleleng.example.org",
    "humas@buleleng.example.org",
]


def test_visit_list_shows_demo_visit(visit, api_client):
    response = api_client.get("/api/v1/visits/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": visit.pk,
            "uid": visit.uid,
            "sequence": 0,
            "title": DEMO_TITLE,
            "kind": "studi_komparasi",
            "status": "scheduled",
            # TIME_ZONE is Asia/Jakarta, so DRF writes the WIB offset.
            "start": "2025-04-25T09:00:00+07:00",
            "end": "2025-04-25T11:30:00+07:00",
            "timezone": "Asia/Jakarta",
            "host": "Pemerintah Kota Malang",
            "delegation": "Pemerintah Kabupaten Buleleng",
            "delegation_region_code": "51.08",
            "venue": "Ruang Sidang Balai Kota Malang",
        }
    ]


def test_visit_detail_has_agenda_people_and_outcome(visit, api_client):
    response = api_client.get(f"/api/v1/visits/{visit.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert [item["title"] for item in body["agenda"]] == DEMO_AGENDA_TITLES
    assert [(o["name"], o["role"]) for o in body["officials"]] == [
        ("Budi Santoso Contoh", "receiving_official"),
        ("Dewi Contoh", "presenter"),
        ("Agus Contoh", "resource_person"),
    ]
    assert [m["name"] for m in body["delegation"]["members"]] == [
        "I Made Contoh",
        "Gusti Ayu Contoh",
        "Ketut Contoh",
        "Wayan Contoh",
    ]
    assert len(body["key_points"]) == 9
    assert [p["position"] for p in body["key_points"]] == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert body["follow_ups"] == [
        {
            "position": 1,
            "text": "Tukar-menukar SOP publikasi Command Center",
            "owner_unit": "Diskominfo Kota Malang dan Kabupaten Buleleng",
            "due_date": None,
            "status": "open",
        }
    ]


def test_visit_invitation_ics_without_trailing_slash_is_served(visit, api_client):
    # api_urls.py promises "/visits/1/invitation.ics works as written".
    response = api_client.get(f"/api/v1/visits/{visit.pk}/invitation.ics")

    assert response.status_code == 200


def test_visit_invitation_ics_is_a_request_calendar(visit, api_client):
    response = api_client.get(reverse("visit-invitation-ics", kwargs={"pk": visit.pk}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == [visit.uid]


def test_visit_report_pdf_without_trailing_slash_is_served(visit, api_client):
    response = api_client.get(f"/api/v1/visits/{visit.pk}/report.pdf")

    assert response.status_code == 200


def test_visit_report_pdf_is_a_pdf(visit, api_client):
    response = api_client.get(reverse("visit-report-pdf", kwargs={"pk": visit.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_send_invitations_queues_one_mail_per_recipient(
    visit, api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/api/v1/visits/{visit.pk}/send-invitations/")

    assert response.status_code == 202
    assert response.json() == {"queued": 9, "already_invited": [], "cancelled": [], "sequence": 0}
    assert len(mail.outbox) == 9
    addresses = [address for _name, address in getaddresses([to for m in mail.outbox for to in m.to])]
    assert sorted(addresses) == sorted(DEMO_RECIPIENTS)


def test_send_invitations_twice_sends_nothing_new(visit, api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(f"/api/v1/visits/{visit.pk}/send-invitations/")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/api/v1/visits/{visit.pk}/send-invitations/")

    assert response.status_code == 202
    assert response.json() == {
        "queued": 0,
        "already_invited": DEMO_RECIPIENTS,
        "cancelled": [],
        "sequence": 0,
    }
    assert len(mail.outbox) == 9


def test_send_invitations_requested_visit_conflicts(host, api_client, django_capture_on_commit_callbacks):
    requested = full_visit(host=host, status=VisitStatus.REQUESTED)
    api_client.cookies["django_language"] = "en"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api_client.post(f"/api/v1/visits/{requested.pk}/send-invitations/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Invitations can only be sent for a scheduled visit; this visit is “Requested”."
    }
    assert callbacks == []
    assert mail.outbox == []


def test_visit_list_anonymous_unauthorized(visit):
    # TokenAuthentication comes first, so an anonymous call is challenged (401), not refused (403).
    response = APIClient().get("/api/v1/visits/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_visit_list_non_staff_forbidden(visit, django_user_model):
    user = django_user_model.objects.create_user(username="tamu", password="rahasia-123")
    client = APIClient()
    client.force_authenticate(user)

    response = client.get("/api/v1/visits/")

    assert response.status_code == 403


def test_visit_list_token_authentication(visit, staff_user):
    _row, token = AuthToken.objects.create(user=staff_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = client.get("/api/v1/visits/")

    assert response.status_code == 200
    assert [v["uid"] for v in response.json()["results"]] == [visit.uid]


def test_visit_list_filter_status_completed_excludes_scheduled(visit, api_client):
    response = api_client.get("/api/v1/visits/", {"status": "completed"})

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_visit_list_filter_region_of_delegation(visit, api_client):
    response = api_client.get("/api/v1/visits/", {"region": "51.08"})

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_schema_documents_visit_paths(db, api_client):
    response = api_client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.load(io.BytesIO(response.content))
    # Every visit path is documented (other apps add their own paths beside these).
    assert sorted(
        path
        for path in schema["paths"]
        if path.startswith(("/api/v1/visits/", "/api/v1/conflicts/", "/api/v1/free-slots/"))
    ) == [
        "/api/v1/conflicts/check/",
        "/api/v1/free-slots/",
        "/api/v1/visits/",
        "/api/v1/visits/register/",
        "/api/v1/visits/{id}/",
        "/api/v1/visits/{id}/audit/",
        "/api/v1/visits/{id}/cancel/",
        "/api/v1/visits/{id}/complete/",
        "/api/v1/visits/{id}/dispose/",
        "/api/v1/visits/{id}/history/",
        "/api/v1/visits/{id}/invitation.ics/",
        "/api/v1/visits/{id}/mark-reported/",
        "/api/v1/visits/{id}/reply-letter.pdf/",
        "/api/v1/visits/{id}/reply-letters/",
        "/api/v1/visits/{id}/report.pdf/",
        "/api/v1/visits/{id}/reschedule/",
        "/api/v1/visits/{id}/schedule/",
        "/api/v1/visits/{id}/send-invitations/",
        "/api/v1/visits/{id}/start/",
    ]


@pytest.mark.parametrize("rows", [1, 3])
def test_visit_list_query_count_constant(host, api_client, django_assert_num_queries, rows):
    for _ in range(rows):
        full_visit(host=host)

    # role groups, the user's hosts, the page count, the page with host, delegation and venue joined
    with django_assert_num_queries(4):
        response = api_client.get("/api/v1/visits/")

    assert response.json()["count"] == rows


def test_send_invitations_of_cancelled_visit_sends_the_cancellations(
    visit, api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(f"/api/v1/visits/{visit.pk}/send-invitations/")
    Visit.objects.filter(pk=visit.pk).update(
        status=VisitStatus.CANCELLED, sequence=1
    )  # e.g. set in the admin
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = api_client.post(f"/api/v1/visits/{visit.pk}/send-invitations/")
        second = api_client.post(f"/api/v1/visits/{visit.pk}/send-invitations/")

    assert (first.status_code, len(first.json()["cancelled"]), len(second.json()["cancelled"])) == (202, 9, 0)
    assert len(mail.outbox) == 9
    assert {m.subject.split(":")[0] for m in mail.outbox} == {"Dibatalkan"}


def test_cancel_and_reschedule_through_the_api(visit, api_client, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2025, 4, 15, 2, 0, tzinfo=dt.UTC), tick=False):
        naive = api_client.post(f"/api/v1/visits/{visit.pk}/reschedule/", {"start": "2025-05-02T09:00:00"})
        moved = api_client.post(
            f"/api/v1/visits/{visit.pk}/reschedule/", {"start": "2025-05-02T09:00:00+07:00"}
        )
        empty = api_client.post(f"/api/v1/visits/{visit.pk}/cancel/", {"reason": ""})
        cancelled = api_client.post(f"/api/v1/visits/{visit.pk}/cancel/", {"reason": "Ditunda."})
        again = api_client.post(f"/api/v1/visits/{visit.pk}/cancel/", {"reason": "Ditunda."})

    assert (naive.status_code, moved.status_code, empty.status_code) == (400, 200, 400)
    assert list(naive.json()["errors"]) == ["start"]
    assert moved.json()["start"] == "2025-05-02T09:00:00+07:00"
    assert (cancelled.status_code, cancelled.json()["status"], again.status_code) == (200, "cancelled", 409)


def test_visit_times_are_written_in_the_visit_zone(host, api_client):
    wit = zoneinfo.ZoneInfo("Asia/Jayapura")
    visit = full_visit(
        host=host,
        timezone="Asia/Jayapura",
        start=dt.datetime(2026, 12, 10, 9, 0, tzinfo=wit),
        end=dt.datetime(2026, 12, 10, 15, 30, tzinfo=wit),
    )

    listed = api_client.get("/api/v1/visits/").json()["results"][0]
    detail = api_client.get(f"/api/v1/visits/{visit.pk}/").json()

    assert (listed["start"], listed["end"]) == ("2026-12-10T09:00:00+09:00", "2026-12-10T15:30:00+09:00")
    assert detail["agenda"][0]["start"] == "2026-12-10T09:00:00+09:00"
