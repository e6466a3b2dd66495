"""The outcome API under /api/v1/ (attendance, quotes, follow-ups, photos, documents), as a client sees it."""

import io
import json

import pytest
import time_machine
from PIL import Image

from reports.models import Attendance, Document, FollowUp, Photo, Quote
from reports.services import document_add, follow_up_add, photo_add, quote_add
from tests.factories import VisitFactory

from .files import AFTER_THE_VISIT, BEFORE_THE_VISIT, MINIMAL_PDF, office_package, phone_jpeg, upload

OUTCOME_ROUTES = ["attendance", "quotes", "follow-ups", "photos", "documents"]


@pytest.fixture(autouse=True)
def after_the_visit(request):
    if "before_the_visit" in request.fixturenames:
        yield
        return
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        yield


@pytest.fixture
def before_the_visit():
    with time_machine.travel(BEFORE_THE_VISIT, tick=False):
        yield


# Quotes


def test_api_quote_create_and_list(visit, api_client):
    response = api_client.post(
        "/api/v1/quotes/",
        {
            "visit": visit.pk,
            "speaker_name": "Budi Santoso Contoh",
            "speaker_position": "Sekda",
            "words": "Halo.",
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json() == {
        "id": response.json()["id"],
        "visit": visit.pk,
        "speaker_name": "Budi Santoso Contoh",
        "speaker_position": "Sekda",
        "words": "Halo.",
        "order": 1,
    }
    listed = api_client.get("/api/v1/quotes/", {"visit": visit.pk}).json()
    assert [q["words"] for q in listed["results"]] == ["Halo."]


def test_api_quote_without_speaker_refused(visit, api_client):
    response = api_client.post("/api/v1/quotes/", {"visit": visit.pk, "words": "Tanpa nama."}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["speaker_name"]
    assert Quote.objects.count() == 0


def test_api_outcome_rows_refuse_unknown_fields(visit, api_client):
    quote = api_client.post(
        "/api/v1/quotes/",
        {"visit": visit.pk, "speaker_name": "Budi", "words": "Halo.", "speeker": "typo"},
        format="json",
    )
    follow_up = api_client.post(
        "/api/v1/follow-ups/", {"visit": visit.pk, "text": "Kajian", "owner": "Bappeda"}, format="json"
    )

    assert quote.status_code == follow_up.status_code == 400
    assert list(quote.json()["errors"]) == ["speeker"]
    assert list(follow_up.json()["errors"]) == ["owner"]
    assert Quote.objects.count() == 0


def test_api_quote_blank_speaker_refused(visit, api_client):
    response = api_client.post(
        "/api/v1/quotes/", {"visit": visit.pk, "speaker_name": " ", "words": "Tanpa nama."}, format="json"
    )

    assert response.status_code == 400
    assert Quote.objects.count() == 0


def test_api_quote_on_a_future_visit_is_409(visit, api_client, before_the_visit):
    response = api_client.post(
        "/api/v1/quotes/", {"visit": visit.pk, "speaker_name": "Budi", "words": "Halo."}, format="json"
    )

    assert response.status_code == 409
    assert "belum dimulai" in response.json()["detail"]


def test_api_quote_update_and_delete(visit, api_client):
    quote = quote_add(visit=visit, speaker_name="Budi", words="Halo.")

    changed = api_client.patch(f"/api/v1/quotes/{quote.pk}/", {"words": "Selamat datang."}, format="json")
    deleted = api_client.delete(f"/api/v1/quotes/{quote.pk}/")

    assert changed.status_code == 200
    assert changed.json()["words"] == "Selamat datang."
    assert changed.json()["speaker_name"] == "Budi"
    assert deleted.status_code == 204
    assert Quote.objects.count() == 0


def test_api_quote_list_filtered_by_visit(visit, api_client):
    other = VisitFactory(start=visit.start, end=visit.end)
    quote_add(visit=visit, speaker_name="Budi", words="Halo.")
    quote_add(visit=other, speaker_name="Lain", words="Lain.")

    body = api_client.get("/api/v1/quotes/", {"visit": visit.pk}).json()

    assert [q["speaker_name"] for q in body["results"]] == ["Budi"]


# Follow-ups


def test_api_follow_up_create_and_mark_done(visit, api_client):
    created = api_client.post(
        "/api/v1/follow-ups/",
        {"visit": visit.pk, "text": "Kirim paparan", "owner_unit": "Diskominfo", "due_date": "2025-05-02"},
        format="json",
    )
    done = api_client.patch(f"/api/v1/follow-ups/{created.json()['id']}/", {"status": "done"}, format="json")

    assert created.status_code == 201
    assert created.json()["position"] == 2  # after the demo's own follow-up
    assert done.status_code == 200
    assert FollowUp.objects.get(pk=created.json()["id"]).status == "done"


def test_api_follow_up_unknown_status_refused(visit, api_client):
    response = api_client.post(
        "/api/v1/follow-ups/", {"visit": visit.pk, "text": "X", "status": "maybe"}, format="json"
    )

    assert response.status_code == 400


# Attendance


def test_api_attendance_member_twice_updates_one_row(visit, api_client):
    member = visit.delegation.members.first()

    first = api_client.post(
        "/api/v1/attendance/", {"visit": visit.pk, "kind": "member", "member": member.pk}, format="json"
    )
    second = api_client.post(
        "/api/v1/attendance/",
        {"visit": visit.pk, "kind": "member", "member": member.pk, "present": False},
        format="json",
    )

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["present"] is False
    assert Attendance.objects.filter(visit=visit).count() == 1


def test_api_attendance_walk_in_and_leader(visit, api_client):
    walk_in = api_client.post(
        "/api/v1/attendance/",
        {"visit": visit.pk, "kind": "walk_in", "name": "Putu Contoh", "institution": "Diskominfo Buleleng"},
        format="json",
    )
    leader = api_client.post("/api/v1/attendance/", {"visit": visit.pk, "kind": "leader"}, format="json")

    assert walk_in.status_code == 201
    assert leader.json()["name"] == "I Komang Contoh"
    rows = api_client.get("/api/v1/attendance/", {"visit": visit.pk}).json()["results"]
    assert sorted(r["kind"] for r in rows) == ["leader", "walk_in"]


def test_api_attendance_walk_in_without_name_refused(visit, api_client):
    response = api_client.post("/api/v1/attendance/", {"visit": visit.pk, "kind": "walk_in"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Isi nama."}


# Photos and documents


def test_api_photo_upload_multipart(visit, api_client):
    response = api_client.post(
        "/api/v1/photos/",
        {"visit": visit.pk, "caption": "Foto bersama", "image": upload(phone_jpeg())},
        format="multipart",
    )

    body = response.json()
    assert response.status_code == 201
    assert (body["caption"], body["width"], body["height"], body["order"]) == ("Foto bersama", 300, 400, 1)
    assert body["image"].startswith("http://testserver/media/photos/")
    assert body["thumbnail"].startswith("http://testserver/media/photos/thumbs/")
    with Photo.objects.get().image.open("rb") as handle:
        assert dict(Image.open(io.BytesIO(handle.read())).getexif()) == {}


def test_api_photo_not_an_image_refused(visit, api_client):
    response = api_client.post(
        "/api/v1/photos/",
        {"visit": visit.pk, "image": upload(b"ini teks", name="foto.jpg")},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("Berkas ini bukan gambar JPEG, PNG, atau WebP.")


def test_api_photo_caption_changed(visit, api_client):
    photo = photo_add(visit=visit, upload=upload(phone_jpeg()))

    response = api_client.patch(f"/api/v1/photos/{photo.pk}/", {"caption": "Baru"}, format="json")

    assert response.status_code == 200
    assert Photo.objects.get().caption == "Baru"


def test_api_document_upload_and_delete(visit, api_client):
    created = api_client.post(
        "/api/v1/documents/",
        {"visit": visit.pk, "file": upload(office_package("pptx"), name="Paparan.pptx")},
        format="multipart",
    )
    deleted = api_client.delete(f"/api/v1/documents/{created.json()['id']}/")

    assert created.status_code == 201
    assert created.json()["title"] == "Paparan"
    assert created.json()["content_type"] == (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    )
    assert deleted.status_code == 204
    assert Document.objects.count() == 0


def test_api_outcome_needs_staff(visit, client, django_user_model):
    assert client.get("/api/v1/quotes/").status_code == 401
    client.force_login(django_user_model.objects.create_user(username="tamu", password="rahasia-123"))
    assert client.get("/api/v1/photos/").status_code == 403


# Query counts: 1 and 3 rows, the same literal count


def make_rows(visit, kind: str, rows: int) -> None:
    for index in range(rows):
        if kind == "quotes":
            quote_add(visit=visit, speaker_name=f"P{index}", words="Kata.")
        elif kind == "follow-ups":
            follow_up_add(visit=visit, text=f"Tindak lanjut {index}")
        elif kind == "photos":
            photo_add(visit=visit, upload=upload(phone_jpeg()))
        elif kind == "documents":
            document_add(visit=visit, upload=upload(MINIMAL_PDF, name=f"d{index}.pdf"))
        elif kind == "attendance":
            Attendance.objects.create(visit=visit, kind="walk_in", name=f"Tamu {index}")


@pytest.mark.parametrize("kind", ["attendance", "quotes", "follow-ups", "photos", "documents"])
@pytest.mark.parametrize("rows", [1, 3])
def test_api_outcome_list_query_count_constant(visit, api_client, django_assert_num_queries, kind, rows):
    FollowUp.objects.filter(visit=visit).delete()
    make_rows(visit, kind, rows)

    # the user's role groups and hosts, the page count, the page of rows
    with django_assert_num_queries(4):
        response = api_client.get(f"/api/v1/{kind}/", {"visit": visit.pk})

    assert response.json()["count"] == rows


def test_schema_documents_outcome_paths(db, api_client):
    response = api_client.get("/api/schema/", {"format": "json"})

    paths = json.load(io.BytesIO(response.content))["paths"]
    assert sorted(path for path in paths if path.split("/")[3] in OUTCOME_ROUTES) == [
        "/api/v1/attendance/",
        "/api/v1/attendance/{id}/",
        "/api/v1/documents/",
        "/api/v1/documents/{id}/",
        "/api/v1/follow-ups/",
        "/api/v1/follow-ups/{id}/",
        "/api/v1/photos/",
        "/api/v1/photos/{id}/",
        "/api/v1/quotes/",
        "/api/v1/quotes/{id}/",
    ]
    assert sorted(paths["/api/v1/photos/{id}/"]) == ["delete", "get", "parameters", "patch"] or sorted(
        paths["/api/v1/photos/{id}/"]
    ) == ["delete", "get", "patch"]
    assert "multipart/form-data" in paths["/api/v1/photos/"]["post"]["requestBody"]["content"]


@pytest.mark.parametrize("model", ["attendance", "agendanote", "quote", "photo", "document", "outcome"])
def test_admin_lists_outcome_rows(visit, admin_client, model):
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        quote_add(visit=visit, speaker_name="Budi", words="Halo.")
        photo_add(visit=visit, upload=upload(phone_jpeg()))

    response = admin_client.get(f"/admin/reports/{model}/")

    assert response.status_code == 200
