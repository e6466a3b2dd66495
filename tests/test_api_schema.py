"""Schemathesis against /api/schema/: every operation, fed generated input, answers no 5xx and as documented.

The schema is read from the app itself (drf-spectacular's /api/schema/ through WSGI) and each operation is
called through WSGI as protocol staff of the demo visit's host, with a token. Examples are bounded and
derandomized so CI is reproducible and quick (about a minute on two cores).
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import translation
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.api_errors import error_body
from visits import roles

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def keep_connection():
    """Calls through WSGI must not close the test's database connection after each request (Django's own
    test client disconnects the same handlers)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(visit, make_user, keep_connection) -> str:
    """A token of protocol staff working for the demo visit's host (the demo visit is imported)."""
    user = make_user("protokol-api", roles.PROTOCOL, is_staff=True)
    _row, plaintext = AuthToken.objects.create(user=user)
    return plaintext


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


# The one error format (config.api_errors), case by case.


@pytest.fixture
def english(api_client):
    api_client.cookies["django_language"] = "en"
    return api_client


def test_unknown_api_url_answers_json_404(english):
    response = english.get("/api/v1/visits/abc/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_file_endpoint_error_is_json(visit, english):
    response = english.get(f"/api/v1/visits/{visit.pk + 1000}/report.pdf", HTTP_ACCEPT="application/pdf")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_invalid_field_answers_detail_and_errors(visit, english):
    response = english.post(f"/api/v1/visits/{visit.pk}/reschedule/", {"start": "besok"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Some fields are invalid: start.",
        "errors": {
            "start": [
                "Datetime has wrong format. Use one of these formats instead: "
                "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
            ]
        },
    }


def test_missing_credentials_answer_detail(visit):
    response = APIClient().get("/api/v1/visits/", HTTP_COOKIE="django_language=en")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize(
    ("data", "body"),
    [
        ({"detail": "Already one."}, {"detail": "Already one."}),
        (["First.", "Second."], {"detail": "First. Second."}),
        ({"non_field_errors": ["End before start."]}, {"detail": "End before start."}),
        (
            {"non_field_errors": ["End before start."], "items": [{}, {"end": ["Required."]}]},
            {
                "detail": "End before start. Some fields are invalid: items.",
                "errors": {"non_field_errors": ["End before start."], "items": [{}, {"end": ["Required."]}]},
            },
        ),
        ({"detail": ["Isi nama."]}, {"detail": "Isi nama."}),
        ([], {"detail": "Invalid input."}),
    ],
)
def test_error_body_shapes(data, body):
    with translation.override("en"):
        assert error_body(data) == body


def test_schema_documents_the_error_shape_on_every_operation():
    document = schema.raw_schema
    operations = [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if path.startswith("/api/v1/")
    ]

    assert document["components"]["schemas"]["Error"]["required"] == ["detail"]
    assert [
        (path, method)
        for path, method, operation in operations
        if any(
            operation["responses"].get(code, {}).get("content", {}).get("application/json", {}).get("schema")
            != {"$ref": "#/components/schemas/Error"}
            for code in ("401", "403", "404")
        )
    ] == []
    assert '"format": "time"' not in json.dumps(document)
