"""What each role sees on the staff pages: only the actions it may take, refusals in the user's language."""

import datetime as dt

import time_machine
from django.urls import reverse

from visits import roles
from visits.services import visit_reschedule

BEFORE = dt.datetime(2025, 4, 15, 2, 0, tzinfo=dt.UTC)


def _page(client, user, url):
    client.force_login(user)
    return client.get(url).content.decode()


def test_visit_page_shows_write_actions_to_protocol_staff_only(visit, client, make_user):
    protocol = make_user("protokol_a", roles.PROTOCOL, is_staff=True)
    leader = make_user("pimpinan_a", roles.LEADERSHIP, is_staff=True)
    url = reverse("visits:detail", args=[visit.pk])
    writes = [
        reverse("visits:send-invitations", args=[visit.pk]),
        reverse("visits:cancel", args=[visit.pk]),
        reverse("visits:reschedule", args=[visit.pk]),
        reverse("visits:delegation-link", args=[visit.pk]),
        reverse("visits:book", args=[visit.pk]),
    ]

    with time_machine.travel(BEFORE, tick=False):
        as_protocol = _page(client, protocol, url)
        as_leader = _page(client, leader, url)

    assert [w in as_protocol for w in writes] == [True] * 5
    assert [w in as_leader for w in writes] == [False] * 5
    assert reverse("visits:report-pdf", args=[visit.pk]) in as_leader


def test_nav_links_follow_the_role(visit, client, make_user):
    leader = make_user("pimpinan_a", roles.LEADERSHIP, is_staff=True)
    protocol = make_user("protokol_a", roles.PROTOCOL, is_staff=True)
    url = reverse("visits:list")

    as_leader = _page(client, leader, url)
    as_protocol = _page(client, protocol, url)

    assert reverse("feeds") not in as_leader
    assert reverse("feeds") in as_protocol
    assert reverse("visits:register") not in as_leader
    assert reverse("visits:register") in as_protocol
    # The admin is the administrator's (superusers) only, whatever is_staff says.
    assert reverse("admin:index") not in as_leader + as_protocol


def test_refusal_page_is_in_indonesian_with_the_layout(visit, client, make_user):
    news_office = make_user("humas_a", roles.PUBLIC_RELATIONS, is_staff=True)
    client.force_login(news_office)

    response = client.get(reverse("reports:outcome", args=[visit.pk]))

    assert response.status_code == 403
    body = response.content.decode()
    assert "<h1>Tidak diizinkan</h1>" in body
    assert 'class="topbar"' in body


def test_unknown_page_says_not_found_in_indonesian(visit, staff_client):
    response = staff_client.get(reverse("visits:detail", args=[visit.pk + 999]))

    assert response.status_code == 404
    assert "<h1>Tidak ditemukan</h1>" in response.content.decode()


def test_audit_page_shows_host_times_and_own_columns_only(visit, staff_client, staff_user):
    with time_machine.travel(BEFORE, tick=False):
        visit_reschedule(visit=visit, start=visit.start + dt.timedelta(days=7), by=staff_user)

    body = staff_client.get(reverse("visits:audit", args=[visit.pk])).content.decode()

    # The demo visit starts Friday 25 April 2025 at 09:00 WIB; moved a week on.
    assert "2025-04-25 09:00 WIB" in body
    assert "2025-05-02 09:00 WIB" in body
    assert "2025-04-25 02:00:00" not in body
    assert ".None" not in body
    assert "<td>diubah</td>" in body
