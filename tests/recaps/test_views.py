"""The leadership dashboard and the recap downloads: roles, host scoping, periods, query counts."""

import datetime as dt
import io
import zoneinfo

import openpyxl
import pytest
import time_machine
from pypdf import PdfReader

from tests.factories import DelegationFactory, InstitutionFactory, RegionFactory, VisitFactory
from tests.recaps.conftest import NOW, WIB
from visits import roles
from visits.enums import DispositionDecision, VisitStatus
from visits.models import Disposition


@pytest.fixture
def leader(make_user, recap_data):
    return make_user("pimpinan", roles.LEADERSHIP, hosts=[recap_data.host])


@pytest.fixture
def this_week(recap_data):
    """A visit on Tuesday 8 July 2025 (the week of NOW), one requested with a disposition already."""
    delegation = DelegationFactory(institution=recap_data.v2.delegation.institution)
    week = VisitFactory(
        host=recap_data.host,
        delegation=delegation,
        title="Kunjungan Pekan Ini",
        start=dt.datetime(2025, 7, 8, 9, 0, tzinfo=WIB),
        end=dt.datetime(2025, 7, 8, 11, 0, tzinfo=WIB),
        venue=None,
    )
    decided = VisitFactory(
        host=recap_data.host,
        delegation=DelegationFactory(),
        title="Sudah Didisposisi",
        status=VisitStatus.REQUESTED,
        venue=None,
    )
    Disposition.objects.create(visit=decided, decision=DispositionDecision.ACCEPT)
    return week


def dashboard(client, user, **params):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.get("/dashboard/", params)


def test_dashboard_for_leadership(client, leader, recap_data, this_week):
    response = dashboard(client, leader)

    assert response.status_code == 200
    assert [v.title for v in response.context["dashboard"].this_week] == ["Kunjungan Pekan Ini"]
    assert [v.title for v in response.context["dashboard"].waiting] == ["Permohonan Buleleng"]
    assert [v.title for v in response.context["dashboard"].latest_reports] == [
        "Studi Banding Denpasar",
        "Studi Komparasi Buleleng",
        "Maret Surabaya",
    ]
    page = response.content.decode()
    assert f'href="/recaps/2025-07.pdf?host={recap_data.host.pk}"' in page
    assert f'href="/recaps/2025-Q3.xlsx?host={recap_data.host.pk}"' in page
    assert f'href="/recaps/2025.pdf?host={recap_data.host.pk}"' in page
    # Read-only: the only form is the period picker (GET), no button that writes.
    assert 'method="post"' not in page.split("<main>")[1]


def test_dashboard_anonymous_goes_to_login(client):
    response = client.get("/dashboard/")

    assert (response.status_code, response["Location"]) == (302, "/login/?next=/dashboard/")


def test_dashboard_refuses_a_user_in_no_role(client, make_user, recap_data):
    user = make_user("tamu", hosts=[recap_data.host])

    assert dashboard(client, user).status_code == 403


def test_dashboard_of_another_host_shows_none_of_the_first(client, make_user, recap_data, this_week):
    other = make_user("pimpinan-lain", roles.LEADERSHIP, hosts=[recap_data.other_host])

    response = dashboard(client, other)

    page = response.content.decode()
    assert response.context["host"] == recap_data.other_host
    assert [v.title for v in response.context["dashboard"].latest_reports] == [
        "Kota Uji ke Kota Lain",
        "Buleleng di kota lain",
    ]
    for title in (
        "Kunjungan Pekan Ini",
        "Permohonan Buleleng",
        "Studi Komparasi Buleleng",
        "Studi Banding Denpasar",
    ):
        assert title not in page
    assert dashboard(client, other, host=recap_data.host.pk).status_code == 404
    assert client.get(f"/recaps/2025.pdf?host={recap_data.host.pk}").status_code == 404


def test_dashboard_week_is_the_host_week(client, make_user):
    """Monday 00:30 WIT is still Sunday in WIB: the week is the host's (Asia/Jayapura)."""
    wit = zoneinfo.ZoneInfo("Asia/Jayapura")
    host = InstitutionFactory(region=RegionFactory(code="91.71", timezone="Asia/Jayapura"))
    VisitFactory(
        host=host,
        title="Senin Jayapura",
        start=dt.datetime(2025, 7, 14, 9, 0, tzinfo=wit),
        end=dt.datetime(2025, 7, 14, 11, 0, tzinfo=wit),
        timezone="Asia/Jayapura",
    )
    user = make_user("pimpinan-papua", roles.LEADERSHIP, hosts=[host])
    client.force_login(user)

    with time_machine.travel(dt.datetime(2025, 7, 14, 0, 30, tzinfo=wit), tick=False):
        response = client.get("/dashboard/")

    assert [v.title for v in response.context["dashboard"].this_week] == ["Senin Jayapura"]
    assert response.context["dashboard"].week_start == dt.date(2025, 7, 14)


def _host_with(count):
    host = InstitutionFactory()
    for n in range(count):
        day = dt.datetime(2025, 7, 7 + n, 9, 0, tzinfo=WIB)
        VisitFactory(host=host, start=day, end=day + dt.timedelta(hours=2))
        VisitFactory(host=host, status=VisitStatus.REQUESTED, start=day, end=day + dt.timedelta(hours=2))
        VisitFactory(host=host, status=VisitStatus.REPORTED, start=day, end=day + dt.timedelta(hours=2))
    return host


@pytest.mark.parametrize("count", [1, 3])
def test_dashboard_query_count(client, make_user, django_assert_num_queries, count):
    host = _host_with(count)
    user = make_user(f"pimpinan-{count}", roles.LEADERSHIP, hosts=[host])
    client.force_login(user)

    with time_machine.travel(NOW, tick=False), django_assert_num_queries(8):
        response = client.get("/dashboard/")

    assert len(response.context["dashboard"].this_week) == 3 * count  # scheduled, requested, reported
    assert len(response.context["dashboard"].waiting) == count
    assert len(response.context["dashboard"].latest_reports) == count


def test_dashboard_period_form_redirects_to_the_download(client, leader, recap_data):
    response = dashboard(client, leader, period="2025-q2", format="xlsx", host=recap_data.host.pk)

    assert (response.status_code, response["Location"]) == (
        302,
        f"/recaps/2025-Q2.xlsx?host={recap_data.host.pk}",
    )


def test_dashboard_period_form_says_what_is_wrong(client, leader):
    client.cookies["django_language"] = "en"
    response = dashboard(client, leader, period="2025-13", format="pdf")

    assert response.status_code == 400
    assert response.context["form"].errors["period"] == ["A month is 01 to 12."]
    assert '<p class="error">A month is 01 to 12.</p>' in response.content.decode()


def test_recap_pdf_download(client, leader, recap_data):
    client.force_login(leader)

    response = client.get(f"/recaps/2025-Q2.pdf?host={recap_data.host.pk}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="rekap-kunjungan-2025-Q2-{recap_data.host.pk}.pdf"'
    )
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 1


def test_recap_xlsx_download_counts_the_hosts_visits(client, leader, recap_data):
    client.force_login(leader)

    response = client.get("/recaps/2025-Q2.xlsx")

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert book.worksheets[1].max_row == 4  # the header and the three visits received


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2025-13", "A month is 01 to 12."),
        ("2025-Q9", "A quarter is Q1, Q2, Q3 or Q4."),
        ("0999", "The year must be between 1900 and 2200."),
    ],
)
def test_recap_download_bad_period_is_400_with_the_reason(client, leader, period, message):
    client.force_login(leader)
    client.cookies["django_language"] = "en"

    response = client.get(f"/recaps/{period}.pdf")

    assert (response.status_code, response.content.decode()) == (400, message)


def test_recap_download_unknown_format_is_404(client, leader):
    client.force_login(leader)

    assert client.get("/recaps/2025.docx").status_code == 404


def test_leadership_lands_on_the_dashboard(client, make_user, recap_data):
    make_user("pimpinan-login", roles.LEADERSHIP, hosts=[recap_data.host])
    make_user("protokol-login", roles.PROTOCOL, hosts=[recap_data.host])

    leader_login = client.post("/login/", {"username": "pimpinan-login", "password": "x-12345-y"})
    client.logout()
    protocol_login = client.post("/login/", {"username": "protokol-login", "password": "x-12345-y"})

    assert (leader_login.status_code, leader_login["Location"]) == (302, "/dashboard/")
    assert (protocol_login.status_code, protocol_login["Location"]) == (302, "/")


def test_dashboard_superuser_picks_among_the_hosts(client, django_user_model, recap_data):
    admin = django_user_model.objects.create_superuser(username="admin", password="x-12345-y")

    response = dashboard(client, admin, host=recap_data.other_host.pk)

    assert response.context["host"] == recap_data.other_host
    # Only institutions that host visits (or have staff) are offered, not every guest institution.
    assert [host.name for host in response.context["hosts"]] == [
        "Pemerintah Kota Lain",
        "Pemerintah Kota Uji",
    ]


def test_dashboard_of_a_user_in_no_host(client, make_user, recap_data):
    user = make_user("pimpinan-baru", roles.LEADERSHIP, hosts=[])
    client.cookies["django_language"] = "en"

    response = dashboard(client, user)

    assert (response.status_code, response.context["host"], response.context["dashboard"]) == (
        200,
        None,
        None,
    )
    assert "You do not work for any host yet." in response.content.decode()
    assert client.get("/recaps/2025.pdf").status_code == 404
