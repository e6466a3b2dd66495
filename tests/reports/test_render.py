"""Stored report PDFs: rendered once per version of the data, in a task with its progress shown when large,
within a time limit, failing loudly and retried on request; the download page and the API around them."""

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from reports.models import RenderStatus, ReportRender
from reports.services import key_points_set, photo_add, report_render_request
from reports.tasks import render_report
from visits.models import HostMembership, Institution
from visits.roles import PROTOCOL

from .files import AFTER_THE_VISIT, RENDER_STOPPED, phone_jpeg, upload
from .test_pdf import read_pdf

HIEROGLYPH = "\U00013000"


def stored_text(render) -> str:
    """The text of the stored PDF of ``render``."""
    with render.file.open("rb") as stored:
        return read_pdf(stored.read())[0]


@pytest.fixture
def member(django_user_model, visit):
    user = django_user_model.objects.create_user(username="rina", password="rahasia-123", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=PROTOCOL)[0])
    HostMembership.objects.create(user=user, host=visit.host)
    return user


@pytest.fixture
def page(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_authenticate(member)
    return client


@pytest.fixture
def large_visit(visit):
    """The demo visit with three photos: more than a request renders by itself."""
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        for number in range(3):
            photo_add(
                visit=visit, upload=upload(phone_jpeg(size=(640, 480))), caption=f"Rombongan {number + 1}"
            )
    return visit


def test_second_request_serves_the_stored_pdf_without_rendering(visit, member):
    first = report_render_request(visit=visit, by=member, language="id")
    second = report_render_request(visit=visit, by=member, language="id")

    assert (first.status, second.status) == (RenderStatus.DONE, RenderStatus.DONE)
    assert second.file.name == first.file.name
    assert second.finished_at == first.finished_at
    assert ReportRender.objects.count() == 1


def test_changed_key_point_renders_again(visit, member):
    first = report_render_request(visit=visit, by=member, language="id")
    with time_machine.travel(AFTER_THE_VISIT, tick=False):
        key_points_set(visit=visit, texts=["Malang berbagi pengalaman kota cerdas."])

    second = report_render_request(visit=visit, by=member, language="id")

    assert second.file.name != first.file.name
    assert second.fingerprint != first.fingerprint
    assert "Malang berbagi pengalaman kota cerdas." in stored_text(second)


def test_each_language_is_stored_apart(visit, member):
    report_render_request(visit=visit, by=member, language="id")
    english = report_render_request(visit=visit, by=member, language="en")

    assert sorted(ReportRender.objects.values_list("language", flat=True)) == ["en", "id"]
    assert "Friday, 25 April 2025" in stored_text(english)


def test_large_report_renders_in_a_task_on_commit(large_visit, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        render = report_render_request(visit=large_visit, by=member, language="id")
    assert (render.status, render.progress, len(callbacks)) == (RenderStatus.QUEUED, 0, 1)

    callbacks[0]()  # the eager task runs here

    render.refresh_from_db()
    assert (render.status, render.progress, render.stage) == (RenderStatus.DONE, 100, "done")
    text = stored_text(render)
    assert [n for n in (1, 2, 3) if f"Foto {n}. Rombongan {n}" not in text] == []


def test_two_requests_while_queued_start_one_render(large_visit, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = report_render_request(visit=large_visit, by=member, language="id")
        second = report_render_request(visit=large_visit, by=member, language="id")

    assert len(callbacks) == 1
    assert second.pk == first.pk
    assert second.status == RenderStatus.QUEUED


@RENDER_STOPPED
def test_render_over_the_time_limit_fails_and_is_retried(visit, member, settings, no_gc_callbacks):
    settings.SAMBANG_PDF_TIME_LIMIT = 0.001
    failed = report_render_request(visit=visit, by=member, language="en")
    again = report_render_request(visit=visit, by=member, language="en")

    assert failed.status == RenderStatus.FAILED
    assert failed.error == "Rendering the report took longer than 0.001 seconds and was stopped."
    assert (again.status, again.finished_at) == (
        RenderStatus.FAILED,
        failed.finished_at,
    )  # not rendered again

    settings.SAMBANG_PDF_TIME_LIMIT = 60
    retried = report_render_request(visit=visit, by=member, language="en", retry=True)

    assert (retried.status, retried.error) == (RenderStatus.DONE, "")


def test_download_page_serves_the_pdf(visit, page):
    response = page.get(f"/visits/{visit.pk}/report.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="laporan-kunjungan-{visit.pk}.pdf"'
    assert "Jumat, 25 April 2025" in read_pdf(response.content)[0]


def test_download_page_shows_progress_and_reloads(large_visit, page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = page.get(f"/visits/{large_visit.pk}/report.pdf")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b'<meta http-equiv="refresh" content="2">' in response.content
    assert b'<progress max="100" value="0">' in response.content


@RENDER_STOPPED
def test_download_page_shows_failure_and_retries(visit, page, settings, no_gc_callbacks):
    settings.SAMBANG_PDF_TIME_LIMIT = 0.001
    failed = page.get(f"/visits/{visit.pk}/report.pdf", HTTP_ACCEPT_LANGUAGE="en")
    settings.SAMBANG_PDF_TIME_LIMIT = 60
    retry = page.post(f"/visits/{visit.pk}/report.pdf")
    served = page.get(f"/visits/{visit.pk}/report.pdf")

    assert failed.status_code == 200
    assert b"refresh" not in failed.content
    assert ReportRender.objects.get().status == RenderStatus.DONE
    assert retry.status_code == 302
    assert served["Content-Type"] == "application/pdf"


def test_download_page_missing_glyph_is_422_with_the_character(demo_data, import_data, member, client):
    demo_data["delegation"]["members"][0]["name"] = f"Budi {HIEROGLYPH}"
    visit = import_data(demo_data).visit
    client.force_login(member)

    response = client.get(f"/visits/{visit.pk}/report.pdf")

    assert response.status_code == 422
    assert "U+13000 EGYPTIAN HIEROGLYPH A001" in response.content.decode()
    assert ReportRender.objects.count() == 0


def test_api_serves_pdf_when_fresh(visit, api):
    response = api.get(reverse("visit-report-pdf", kwargs={"pk": visit.pk}))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_api_answers_202_with_status_url_then_progress(large_visit, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.get(reverse("visit-report-pdf", kwargs={"pk": large_visit.pk}))
    render = ReportRender.objects.get()

    assert response.status_code == 202
    assert response.json()["status_url"] == f"http://testserver/api/v1/report-renders/{render.pk}"
    assert api.get(response.json()["status_url"]).json()["status"] == "queued"
    callbacks[0]()
    status = api.get(response.json()["status_url"]).json()
    assert (status["status"], status["progress"], status["stage"], status["error"]) == (
        "done",
        100,
        "done",
        "",
    )
    served = api.get(reverse("visit-report-pdf", kwargs={"pk": large_visit.pk}))
    assert served.status_code == 200


def test_api_missing_glyph_is_422(demo_data, import_data, api):
    demo_data["delegation"]["members"][0]["name"] = f"Budi {HIEROGLYPH}"
    visit = import_data(demo_data).visit

    response = api.get(reverse("visit-report-pdf", kwargs={"pk": visit.pk}))

    assert response.status_code == 422
    assert "U+13000" in response.json()["detail"]


def test_status_of_another_hosts_render_is_404(visit, member, django_user_model):
    render = report_render_request(visit=visit, by=member, language="id")
    other = django_user_model.objects.create_user(username="lain", password="rahasia-123", is_staff=True)
    other.groups.add(Group.objects.get_or_create(name=PROTOCOL)[0])
    HostMembership.objects.create(user=other, host=Institution.objects.exclude(pk=visit.host_id).first())
    client = APIClient()
    client.force_authenticate(other)

    response = client.get(f"/api/v1/report-renders/{render.pk}/")

    assert response.status_code == 404


def test_task_is_queued_with_celery_time_limits_from_the_setting(
    large_visit, member, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # Celery enforces these only in a prefork worker (not in the tests' eager mode): check what is sent.
    settings.SAMBANG_PDF_TIME_LIMIT = 20
    sent = []
    monkeypatch.setattr(render_report, "apply_async", lambda **options: sent.append(options))

    with django_capture_on_commit_callbacks(execute=True):
        render = report_render_request(visit=large_visit, by=member, language="id")

    expected_kwargs = {"render_id": render.pk, "fingerprint": render.fingerprint}
    assert sent == [{"kwargs": expected_kwargs, "soft_time_limit": 25, "time_limit": 50}]


@RENDER_STOPPED
def test_progress_is_never_cut_by_the_time_limit(visit, no_gc_callbacks):
    """The progress callback writes to the database; cut in the middle, the connection would be left
    unusable (seen on PostgreSQL). The limit passes during it and is raised once it has finished."""
    import time

    from reports.pdf import RenderTimeLimit, render_pdf, report_source

    finished = []

    def progress(percent, stage):
        until = time.perf_counter() + 0.05
        while time.perf_counter() < until:  # Python bytecode: where an asynchronous exception lands
            pass
        finished.append(stage)

    with pytest.raises(RenderTimeLimit):
        render_pdf(report_source(visit=visit, language="id"), progress=progress, time_limit=0.01)

    assert finished == ["layout"]
