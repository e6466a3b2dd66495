"""``GET /api/v1/recaps/<period>/`` without ``?host=``: the user's one host, or a 400 naming the hosts to
choose from (never the first by name, silently)."""

import pytest
import time_machine
from rest_framework.test import APIClient

from tests.recaps.conftest import NOW
from visits import roles


def get(user, path, language="en", **params):
    client = APIClient()
    client.force_authenticate(user)
    client.cookies["django_language"] = language
    with time_machine.travel(NOW, tick=False):
        return client.get(path, params)


def test_recap_api_of_a_user_of_one_host_needs_no_host(make_user, recap_data):
    user = make_user("pimpinan-satu", roles.LEADERSHIP, hosts=[recap_data.host])

    response = get(user, "/api/v1/recaps/2025-Q2/", format="json")

    assert response.status_code == 200
    assert response.json()["hosts"] == [{"id": recap_data.host.pk, "name": "Pemerintah Kota Uji"}]


@pytest.mark.parametrize("kind", ["json", "pdf"])
def test_recap_api_of_a_user_of_several_hosts_without_host_is_400_naming_them(make_user, recap_data, kind):
    user = make_user("pimpinan-dua", roles.LEADERSHIP, hosts=[recap_data.host, recap_data.other_host])
    lain, uji = recap_data.other_host, recap_data.host

    response = get(user, "/api/v1/recaps/2025-04/", format=kind)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": (
            "You work for several hosts; choose one with ?host=<id>: "
            f"{lain.pk} (Pemerintah Kota Lain), {uji.pk} (Pemerintah Kota Uji)."
        ),
        "hosts": [
            {"id": lain.pk, "name": "Pemerintah Kota Lain"},
            {"id": uji.pk, "name": "Pemerintah Kota Uji"},
        ],
    }


def test_recap_api_of_the_superuser_without_host_is_400(django_user_model, recap_data):
    admin = django_user_model.objects.create_superuser("admin-f3", "admin@example.org", "x-12345-y")

    response = get(admin, "/api/v1/recaps/2025-04/", format="json")

    assert response.status_code == 400
    assert {"id": recap_data.host.pk, "name": "Pemerintah Kota Uji"} in response.json()["hosts"]


def test_recap_api_of_several_hosts_with_host_gives_that_one(make_user, recap_data):
    user = make_user("pimpinan-tiga", roles.LEADERSHIP, hosts=[recap_data.host, recap_data.other_host])

    response = get(user, "/api/v1/recaps/2025-Q2/", host=recap_data.host.pk)

    assert response.status_code == 200
    assert response.json()["received"] == 3


def test_recap_api_of_no_host_is_404(make_user, recap_data):
    user = make_user("pimpinan-nol", roles.LEADERSHIP, hosts=[])

    assert get(user, "/api/v1/recaps/2025-Q2/").status_code == 404
