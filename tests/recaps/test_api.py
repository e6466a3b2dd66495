"""``GET /api/v1/recaps/<period>/``: the recap as JSON, or as a file; readers only, their own hosts only."""

import io

import openpyxl
import pytest
import time_machine
from rest_framework.test import APIClient

from tests.recaps.conftest import NOW
from visits import roles


@pytest.fixture
def api(make_user, recap_data):
    client = APIClient()
    client.force_authenticate(make_user("pimpinan-api", roles.LEADERSHIP, hosts=[recap_data.host]))
    client.cookies["django_language"] = "en"
    return client


def get(client, path, **params):
    with time_machine.travel(NOW, tick=False):
        return client.get(path, params)


def test_recap_api_json(api, recap_data):
    response = get(api, "/api/v1/recaps/2025-Q2/")

    body = response.json()
    assert response.status_code == 200
    assert (body["period"], body["kind"], body["first_day"], body["last_day"]) == (
        "2025-Q2",
        "quarter",
        "2025-04-01",
        "2025-06-30",
    )
    assert body["hosts"] == [{"id": recap_data.host.pk, "name": "Pemerintah Kota Uji"}]
    assert (body["received"], body["people"], body["made"], body["made_people"]) == (3, 22, 1, 6)
    assert body["follow_ups"] == {"open": 2, "done": 1, "overdue": 1}
    assert body["by_province"] == [
        {"province": "Bali", "visits": 2, "people": 15},
        {"province": "Jawa Timur", "visits": 1, "people": 7},
    ]
    assert body["by_kind"][0] == {
        "kind": "studi_komparasi",
        "label": "Comparative study (studi komparasi)",
        "visits": 2,
        "people": 17,
    }
    # Times in the visit's own zone, as the visits API writes them.
    assert (body["visits"][0]["title"], body["visits"][0]["start"]) == (
        "Studi Komparasi Buleleng",
        "2025-04-25T10:00:00+08:00",
    )
    assert [row["title"] for row in body["coming"]] == ["Datang Denpasar"]


def test_recap_api_bad_period(api):
    response = get(api, "/api/v1/recaps/2025-Q5/")

    assert (response.status_code, response.json()) == (400, {"detail": "A quarter is Q1, Q2, Q3 or Q4."})


def test_recap_api_xlsx(api):
    response = get(api, "/api/v1/recaps/2025-Q2/", format="xlsx")

    assert response.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[2].max_row == 4


def test_recap_api_pdf(api):
    response = get(api, "/api/v1/recaps/2025-04/", format="pdf")

    assert (response.status_code, response["Content-Type"], response.content[:5]) == (
        200,
        "application/pdf",
        b"%PDF-",
    )


def test_recap_api_another_hosts_id_is_404(api, recap_data):
    assert get(api, "/api/v1/recaps/2025/", host=recap_data.other_host.pk).status_code == 404


def test_recap_api_needs_credentials(recap_data):
    assert APIClient().get("/api/v1/recaps/2025/").status_code == 401


def test_recap_api_refuses_a_user_in_no_role(make_user, recap_data):
    client = APIClient()
    client.force_authenticate(make_user("tamu-api", hosts=[recap_data.host]))

    assert client.get("/api/v1/recaps/2025/").status_code == 403
