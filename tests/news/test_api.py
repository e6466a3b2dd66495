"""/api/v1/news-drafts/: list, read, start, edit with a version, move through the workflow; roles, host
scoping and query counts."""

import pytest

from news.models import NewsDraft, NewsStatus
from news.services import news_draft_create, news_draft_transition, news_draft_update
from reports.services import key_points_set
from tests.factories import full_visit

URL = "/api/v1/news-drafts/"
HEADLINE_ID = "Pemkot Malang Terima Kunjungan Studi Komparasi Pemkab Buleleng"


def detail(draft) -> str:
    return f"{URL}{draft.pk}/"


def test_list_filters_by_status_and_visit(draft, visit, news_office, api_as):
    english = news_draft_create(visit=visit, language="en", by=news_office)
    news_draft_transition(draft=english, to="in_review", by=news_office)
    api = api_as(news_office)

    in_review = api.get(URL, {"status": "in_review"}).json()
    of_visit = api.get(URL, {"visit": visit.pk}).json()
    other_visit = api.get(URL, {"visit": visit.pk + 1000}).json()

    assert [row["id"] for row in in_review["results"]] == [english.pk]
    assert in_review["results"][0]["status"] == "in_review"
    assert {row["id"] for row in of_visit["results"]} == {draft.pk, english.pk}
    assert other_visit["results"] == []


def test_list_bad_status_400(draft, news_office, api_as):
    response = api_as(news_office).get(URL, {"status": "nonsense"})

    assert response.status_code == 400


def test_retrieve_with_history(draft, leader, api_as):
    body = api_as(leader).get(detail(draft)).json()

    assert body["headline"] == HEADLINE_ID
    assert (body["status"], body["version"], body["language"], body["byline"]) == (
        "draft",
        1,
        "id",
        "(yul/yn)",
    )
    assert body["created_by"] == "humas"
    assert [(e["kind"], e["from_status"], e["to_status"], e["by"]) for e in body["events"]] == [
        ("created", "", "draft", "humas")
    ]
    assert body["events"][0]["snapshot"]["headline"] == HEADLINE_ID


def test_create_starts_the_draft(visit, news_office, api_as):
    response = api_as(news_office).post(URL, {"visit": visit.pk, "language": "en"}, format="json")

    assert response.status_code == 201
    assert response.json()["headline"] == (
        "Malang City Government receives comparative study visit from Buleleng Regency Government"
    )
    assert NewsDraft.objects.get().language == "en"


def test_create_existing_409_names_it(draft, visit, news_office, api_as):
    response = api_as(news_office).post(URL, {"visit": visit.pk, "language": "id"}, format="json")

    assert response.status_code == 409
    assert response.json()["current"]["id"] == draft.pk


def test_create_without_report_400(db, news_office, api_as):
    visit = full_visit(host=news_office.host_memberships.get().host)

    response = api_as(news_office).post(URL, {"visit": visit.pk}, format="json")

    assert response.status_code == 400
    assert "record the visit's key points or quotes first" in response.json()["detail"]
    assert NewsDraft.objects.count() == 0


def test_create_for_another_hosts_visit_refused(visit, outsider, api_as):
    response = api_as(outsider).post(URL, {"visit": visit.pk}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["visit"]
    assert NewsDraft.objects.count() == 0


def test_patch_edits_with_version(draft, news_office, api_as):
    response = api_as(news_office).patch(
        detail(draft), {"version": 1, "headline": "Buleleng Belajar dari Malang"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["headline"], response.json()["version"]) == ("Buleleng Belajar dari Malang", 2)
    assert [e["kind"] for e in response.json()["events"]] == ["created", "edited"]


def test_patch_stale_version_409_with_the_saved_draft(draft, news_office, second_editor, api_as):
    news_draft_update(draft=draft, data={"headline": "Judul Rekan"}, version=1, by=second_editor)

    response = api_as(news_office).patch(
        detail(draft), {"version": 1, "headline": "Judul Saya"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["current"]["headline"] == "Judul Rekan"
    assert response.json()["current"]["version"] == 2
    assert NewsDraft.objects.get(pk=draft.pk).headline == "Judul Rekan"


def test_patch_without_version_400(draft, news_office, api_as):
    response = api_as(news_office).patch(detail(draft), {"headline": "X"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["version"]


def test_patch_unknown_field_400(draft, news_office, api_as):
    response = api_as(news_office).patch(detail(draft), {"version": 1, "status": "published"}, format="json")

    assert response.status_code == 400
    assert NewsDraft.objects.get(pk=draft.pk).status == NewsStatus.DRAFT


def test_patch_read_only_after_approval_409(draft, news_office, api_as):
    for to in ["in_review", "approved"]:
        news_draft_transition(draft=draft, to=to, by=news_office)

    response = api_as(news_office).patch(detail(draft), {"version": 1, "headline": "X"}, format="json")

    assert response.status_code == 409
    assert NewsDraft.objects.get(pk=draft.pk).headline == HEADLINE_ID


def test_put_not_allowed(draft, news_office, api_as):
    assert api_as(news_office).put(detail(draft), {"version": 1}, format="json").status_code == 405


def test_transition_through_the_workflow(draft, news_office, api_as):
    api = api_as(news_office)

    answers = [
        api.post(f"{detail(draft)}transition/", {"to": to}, format="json").status_code
        for to in ["in_review", "approved", "published"]
    ]

    assert answers == [200, 200, 200]
    assert NewsDraft.objects.get(pk=draft.pk).status == NewsStatus.PUBLISHED


def test_transition_return_needs_comment_400(draft, news_office, api_as):
    news_draft_transition(draft=draft, to="in_review", by=news_office)
    api = api_as(news_office)

    refused = api.post(f"{detail(draft)}transition/", {"to": "draft"}, format="json")
    returned = api.post(
        f"{detail(draft)}transition/", {"to": "draft", "comment": "Perbaiki teras."}, format="json"
    )

    assert refused.status_code == 400
    assert refused.json()["detail"] == "Say what should change: a draft returned from review needs a comment."
    assert returned.status_code == 200
    assert returned.json()["events"][-1]["comment"] == "Perbaiki teras."


def test_transition_refused_409(draft, news_office, api_as):
    response = api_as(news_office).post(f"{detail(draft)}transition/", {"to": "published"}, format="json")

    assert response.status_code == 409
    assert response.json()["detail"] == "This draft is “Draft”; it cannot be moved to “Published”."


@pytest.mark.parametrize("role", ["leadership", "protocol"])
def test_other_roles_read_but_do_not_write(draft, visit, make_user, api_as, role):
    api = api_as(make_user("someone", role))

    assert api.get(URL).status_code == 200
    assert api.get(detail(draft)).status_code == 200
    assert api.post(URL, {"visit": visit.pk, "language": "en"}, format="json").status_code == 403
    assert api.patch(detail(draft), {"version": 1, "headline": "X"}, format="json").status_code == 403
    assert api.post(f"{detail(draft)}transition/", {"to": "in_review"}, format="json").status_code == 403
    assert NewsDraft.objects.get(pk=draft.pk).headline == HEADLINE_ID


def test_another_host_gets_404(draft, outsider, api_as):
    api = api_as(outsider)

    assert api.get(URL).json()["results"] == []
    assert api.get(detail(draft)).status_code == 404
    assert api.patch(detail(draft), {"version": 1, "headline": "X"}, format="json").status_code == 404
    assert api.post(f"{detail(draft)}transition/", {"to": "in_review"}, format="json").status_code == 404


def test_anonymous_401(db):
    from rest_framework.test import APIClient

    assert APIClient().get(URL).status_code == 401


@pytest.mark.parametrize("rows", [1, 3])
def test_list_endpoint_query_count(db, news_office, api_as, django_assert_num_queries, rows):
    host = news_office.host_memberships.get().host
    for _ in range(rows):
        visit = full_visit(host=host)
        key_points_set(visit=visit, texts=["Paparan kota cerdas."])
        news_draft_create(visit=visit, language="id", by=news_office)
    # A fresh user object, as each request has: its roles and hosts are not read yet.
    api = api_as(type(news_office).objects.get(pk=news_office.pk))

    # role groups, host memberships, the page's count, the drafts with their joins
    with django_assert_num_queries(4):
        response = api.get(URL)

    assert len(response.json()["results"]) == rows
