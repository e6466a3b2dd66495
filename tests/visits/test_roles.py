"""Roles: the leadership and the news office read; only protocol staff write; only the leadership decides."""

import pytest
from rest_framework.test import APIClient

from visits import roles
from visits.models import Message


@pytest.fixture
def leader(make_user):
    return make_user("pimpinan", roles.LEADERSHIP, is_staff=True)


@pytest.fixture
def news_office(make_user):
    return make_user("humas", roles.PUBLIC_RELATIONS, is_staff=True)


@pytest.mark.parametrize(
    "path", ["/", "/visits/{pk}/", "/calendar/", "/visits/{pk}/report.pdf", "/visits/{pk}/invitation.ics"]
)
def test_leadership_reads_the_pages(visit, client, leader, path):
    client.force_login(leader)

    assert client.get(path.format(pk=visit.pk)).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/visits/register/"),
        ("get", "/visits/{pk}/book/"),
        ("post", "/visits/{pk}/send-invitations/"),
        ("post", "/visits/{pk}/cancel/"),
        ("get", "/visits/{pk}/outcome/"),
        ("get", "/feeds/"),
    ],
)
def test_leadership_cannot_do_protocol_work(visit, client, leader, method, path):
    client.force_login(leader)

    response = getattr(client, method)(path.format(pk=visit.pk))

    assert response.status_code == 403
    assert Message.objects.count() == 0


def test_leadership_api_reads_but_does_not_write(visit, leader):
    api = APIClient()
    api.force_authenticate(leader)

    assert api.get("/api/v1/visits/").status_code == 200
    assert api.post(f"/api/v1/visits/{visit.pk}/send-invitations/").status_code == 403
    assert (
        api.post(f"/api/v1/visits/{visit.pk}/dispose/", {"decision": "accept"}).status_code == 409
    )  # not requested


def test_news_office_reads_the_news_draft_but_not_the_booking_form(visit, client, news_office):
    client.force_login(news_office)

    assert client.get(f"/visits/{visit.pk}/news/").status_code == 200
    assert client.get(f"/visits/{visit.pk}/book/").status_code == 403


def test_a_user_in_no_group_and_not_staff_reads_nothing(visit, client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="tamu", password="x-12345-y"))

    assert client.get("/").status_code == 403
