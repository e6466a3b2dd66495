"""/api/v1/news-drafts/: the workflow move and the start of a draft refuse fields they do not know, as the
rest of the API does, and change nothing then."""

from news.models import NewsDraft, NewsDraftEvent, NewsStatus

URL = "/api/v1/news-drafts/"


def test_transition_with_an_unknown_field_is_400_and_nothing_moves(draft, news_office, api_as):
    events = NewsDraftEvent.objects.count()

    response = api_as(news_office).post(
        f"{URL}{draft.pk}/transition/", {"to": "in_review", "extra": 1}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"extra": ["Unknown field."]}
    assert NewsDraft.objects.get(pk=draft.pk).status == NewsStatus.DRAFT
    assert NewsDraftEvent.objects.count() == events


def test_create_with_an_unknown_field_is_400_and_nothing_started(visit, news_office, api_as):
    response = api_as(news_office).post(
        URL, {"visit": visit.pk, "language": "en", "headline": "Judul"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"headline": ["Unknown field."]}
    assert not NewsDraft.objects.filter(visit=visit).exists()
