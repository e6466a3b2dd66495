"""The news-draft pages: list, draft page (edit form, workflow buttons, history, downloads), starting a
draft from the visit's news page; roles and host scoping; query counts."""

import io
import re
from html import unescape

import docx
import pytest
from django.urls import reverse

from news.models import NewsDraft, NewsDraftEvent, NewsStatus
from news.services import news_draft_create, news_draft_transition, news_draft_update
from reports.services import key_points_set
from tests.factories import full_visit

HEADLINE_ID = "Pemkot Malang Terima Kunjungan Studi Komparasi Pemkab Buleleng"


def form(draft, **changes) -> dict:
    """The edit form as the page sends it: every text field, the version, and ``changes``."""
    return {**draft.text_snapshot(), "version": str(draft.version), **changes}


def text_of(response) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


# The list


def test_list_shows_the_hosts_drafts(draft, login, leader):
    response = login(leader).get(reverse("news:list"))

    assert response.status_code == 200
    assert [d.pk for d in response.context["drafts"]] == [draft.pk]
    assert HEADLINE_ID in text_of(response)


def test_list_filter_by_status(draft, visit, news_office, login):
    english = news_draft_create(visit=visit, language="en", by=news_office)
    news_draft_transition(draft=english, to="in_review", by=news_office)
    client = login(news_office)

    in_review = client.get(reverse("news:list"), {"status": "in_review"})
    drafts = client.get(reverse("news:list"), {"status": "draft"})
    unknown = client.get(reverse("news:list"), {"status": "nonsense"})

    assert [d.pk for d in in_review.context["drafts"]] == [english.pk]
    assert [d.pk for d in drafts.context["drafts"]] == [draft.pk]
    assert {d.pk for d in unknown.context["drafts"]} == {draft.pk, english.pk}


def test_list_hides_other_hosts_drafts(draft, login, outsider):
    response = login(outsider).get(reverse("news:list"))

    assert list(response.context["drafts"]) == []


def make_drafts(count: int, editor) -> None:
    """``count`` drafts of visits of the demo host, each with key points recorded."""
    for _ in range(count):
        visit = full_visit(host=editor.host_memberships.get().host)
        key_points_set(visit=visit, texts=["Paparan kota cerdas."])
        news_draft_create(visit=visit, language="id", by=editor)


@pytest.mark.parametrize("rows", [1, 3])
def test_list_page_query_count(db, news_office, login, django_assert_num_queries, rows):
    make_drafts(rows, news_office)
    client = login(news_office)

    # session, user, role groups, host memberships, the count for the pager, the drafts with their joins
    with django_assert_num_queries(6):
        response = client.get(reverse("news:list"))

    assert len(response.context["drafts"]) == rows


def test_list_forbidden_for_a_user_in_no_role(draft, client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="warga", password="x-12345-y"))

    assert client.get(reverse("news:list")).status_code == 403


def test_list_anonymous_goes_to_login(db, client):
    response = client.get(reverse("news:list"))

    assert (response.status_code, response.url.split("?")[0]) == (302, reverse("login"))


def test_nav_links_to_news_for_readers_only(visit, login, leader, django_user_model, client):
    assert f'href="{reverse("news:list")}"' in login(leader).get(reverse("visits:list")).content.decode()
    client.logout()
    client.force_login(django_user_model.objects.create_user(username="warga", password="x-12345-y"))
    assert f'href="{reverse("news:list")}"' not in client.get(reverse("login")).content.decode()


# The draft's page


def test_page_shows_text_form_buttons_history_and_downloads(draft, login, news_office):
    response = login(news_office).get(reverse("news:detail", args=[draft.pk]))
    html = response.content.decode()

    assert response.status_code == 200
    assert f'action="{reverse("news:edit", args=[draft.pk])}"' in html
    assert 'name="version" value="1"' in html
    assert [t["to"] for t in response.context["transitions"]] == ["in_review"]
    assert 'name="to" value="in_review"' in html
    for extension in ("txt", "html", "docx"):
        assert reverse(f"news:download-{extension}", args=[draft.pk]) in html
    assert "Started from the visit's report" in text_of(response)


def test_page_read_only_for_leadership(draft, login, leader):
    response = login(leader).get(reverse("news:detail", args=[draft.pk]))
    html = response.content.decode()

    assert response.status_code == 200
    assert reverse("news:edit", args=[draft.pk]) not in html
    assert reverse("news:transition", args=[draft.pk]) not in html
    assert "Only the public-relations office edits, approves and publishes news drafts." in text_of(response)


def test_page_of_another_host_not_found(draft, login, outsider):
    client = login(outsider)

    assert client.get(reverse("news:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("news:download-docx", args=[draft.pk])).status_code == 404
    assert client.post(reverse("news:edit", args=[draft.pk]), form(draft, headline="X")).status_code == 404
    assert client.post(reverse("news:transition", args=[draft.pk]), {"to": "in_review"}).status_code == 404
    assert NewsDraft.objects.get(pk=draft.pk).headline == HEADLINE_ID


def test_page_escapes_user_text(draft, login, news_office):
    news_draft_update(
        draft=draft,
        data={"headline": "<script>alert(1)</script>", "body": "<img src=x>"},
        version=1,
        by=news_office,
    )

    html = login(news_office).get(reverse("news:detail", args=[draft.pk])).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x>" not in html


# Editing on the page


def test_edit_form_saves(draft, login, news_office):
    response = login(news_office).post(
        reverse("news:edit", args=[draft.pk]), form(draft, headline="Buleleng Belajar dari Malang")
    )

    assert (response.status_code, response.url) == (302, reverse("news:detail", args=[draft.pk]))
    stored = NewsDraft.objects.get(pk=draft.pk)
    assert (stored.headline, stored.version) == ("Buleleng Belajar dari Malang", 2)


def test_edit_form_stale_version_keeps_both_texts(draft, login, news_office, second_editor):
    news_draft_update(draft=draft, data={"headline": "Judul Rekan"}, version=1, by=second_editor)

    response = login(news_office).post(
        reverse("news:edit", args=[draft.pk]), form(draft, headline="Judul Saya", lead="Teras saya.")
    )
    html = response.content.decode()

    assert response.status_code == 409
    assert "Someone else saved this draft while you were editing it" in text_of(response)
    assert 'value="Judul Saya"' in html  # what was typed is still in the form
    assert "Teras saya.</textarea>" in html
    assert "Judul Rekan" in html  # the text saved meanwhile, shown beside it
    assert 'name="version" value="2"' in html  # saving again now overwrites knowingly
    assert NewsDraft.objects.get(pk=draft.pk).headline == "Judul Rekan"


def test_edit_form_bad_input_400_keeps_text(draft, login, news_office):
    response = login(news_office).post(
        reverse("news:edit", args=[draft.pk]), form(draft, headline="", body="Badan baru.")
    )

    assert response.status_code == 400
    assert "Fill in the headline." in text_of(response)
    assert "Badan baru.</textarea>" in response.content.decode()
    assert NewsDraft.objects.get(pk=draft.pk).version == 1


def test_edit_form_after_approval_refused_text_shown(draft, login, news_office):
    for to in ["in_review", "approved"]:
        news_draft_transition(draft=draft, to=to, by=news_office)

    response = login(news_office).post(
        reverse("news:edit", args=[draft.pk]), form(draft, headline="Judul Terlambat")
    )

    assert response.status_code == 409
    assert "cannot be edited; return it to draft first" in text_of(response)
    assert "Judul Terlambat</textarea>" in response.content.decode()
    assert NewsDraft.objects.get(pk=draft.pk).headline == HEADLINE_ID


def test_edit_form_without_version_400(draft, login, news_office):
    data = form(draft, headline="X")
    del data["version"]

    assert login(news_office).post(reverse("news:edit", args=[draft.pk]), data).status_code == 400
    assert NewsDraft.objects.get(pk=draft.pk).headline == HEADLINE_ID


@pytest.mark.parametrize("role", ["leadership", "protocol"])
def test_edit_and_transition_forbidden_for_other_roles(draft, login, make_user, role):
    client = login(make_user("someone", role))

    assert client.post(reverse("news:edit", args=[draft.pk]), form(draft, headline="X")).status_code == 403
    assert client.post(reverse("news:transition", args=[draft.pk]), {"to": "in_review"}).status_code == 403
    stored = NewsDraft.objects.get(pk=draft.pk)
    assert (stored.headline, stored.status) == (HEADLINE_ID, NewsStatus.DRAFT)


# The workflow on the page


def test_buttons_move_the_draft_to_published(draft, login, news_office):
    client = login(news_office)
    for to in ["in_review", "approved", "published"]:
        response = client.post(reverse("news:transition", args=[draft.pk]), {"to": to, "comment": ""})
        assert response.status_code == 302

    page = client.get(reverse("news:detail", args=[draft.pk]))

    assert NewsDraft.objects.get(pk=draft.pk).status == NewsStatus.PUBLISHED
    assert page.context["transitions"] == []
    assert "This draft is published; its text can no longer be changed." in text_of(page)
    assert [(e.from_status, e.to_status) for e in page.context["events"]] == [
        ("", "draft"),
        ("draft", "in_review"),
        ("in_review", "approved"),
        ("approved", "published"),
    ]


def test_return_without_comment_400_with_reason(draft, login, news_office):
    news_draft_transition(draft=draft, to="in_review", by=news_office)

    response = login(news_office).post(reverse("news:transition", args=[draft.pk]), {"to": "draft"})

    assert response.status_code == 400
    assert "a draft returned from review needs a comment" in text_of(response)
    assert NewsDraft.objects.get(pk=draft.pk).status == NewsStatus.IN_REVIEW


def test_refused_transition_409(draft, login, news_office):
    response = login(news_office).post(reverse("news:transition", args=[draft.pk]), {"to": "published"})

    assert response.status_code == 409
    assert NewsDraft.objects.get(pk=draft.pk).status == NewsStatus.DRAFT
    assert NewsDraftEvent.objects.filter(draft=draft).count() == 1


def test_history_shows_the_return_comment(draft, login, news_office):
    news_draft_transition(draft=draft, to="in_review", by=news_office)
    news_draft_transition(draft=draft, to="draft", by=news_office, comment="Lengkapi <nama> Sekda.")

    html = login(news_office).get(reverse("news:detail", args=[draft.pk])).content.decode()

    assert "Lengkapi &lt;nama&gt; Sekda." in html


# Downloads


def test_downloads(draft, login, leader):
    client = login(leader)

    text = client.get(reverse("news:download-txt", args=[draft.pk]))
    html = client.get(reverse("news:download-html", args=[draft.pk]))
    word = client.get(reverse("news:download-docx", args=[draft.pk]))

    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert (
        text["Content-Disposition"] == f'attachment; filename="berita-kunjungan-{draft.visit_id}-id-v1.txt"'
    )
    assert text.content.decode().startswith(f"{HEADLINE_ID}\n\nKlojen (malangkota.example.org) – ")
    assert html["Content-Type"] == "text/html; charset=utf-8"
    assert word["Content-Type"] == ("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert docx.Document(io.BytesIO(word.content)).paragraphs[0].text == HEADLINE_ID


# Starting a draft from the visit's news page


def test_news_page_has_the_start_button_for_the_news_office(visit, login, news_office):
    html = (
        login(news_office).get(reverse("reports:news", args=[visit.pk]), {"language": "en"}).content.decode()
    )

    assert f'action="{reverse("news:start", args=[visit.pk])}"' in html
    assert 'name="language" value="en"' in html


def test_news_page_has_no_start_button_for_leadership(visit, login, leader):
    html = login(leader).get(reverse("reports:news", args=[visit.pk])).content.decode()

    assert reverse("news:start", args=[visit.pk]) not in html


def test_news_page_links_to_the_existing_draft(draft, visit, login, news_office):
    html = login(news_office).get(reverse("reports:news", args=[visit.pk])).content.decode()

    assert reverse("news:detail", args=[draft.pk]) in html
    assert f'action="{reverse("news:start", args=[visit.pk])}"' not in html


def test_start_button_creates_and_opens_the_draft(visit, login, news_office):
    response = login(news_office).post(reverse("news:start", args=[visit.pk]), {"language": "en"})

    draft = NewsDraft.objects.get()
    assert (response.status_code, response.url) == (302, reverse("news:detail", args=[draft.pk]))
    assert (draft.language, draft.visit_id, draft.created_by) == ("en", visit.pk, news_office)


def test_start_twice_opens_the_existing_draft(draft, visit, login, news_office):
    response = login(news_office).post(reverse("news:start", args=[visit.pk]), {"language": "id"})

    assert (response.status_code, response.url) == (302, reverse("news:detail", args=[draft.pk]))
    assert NewsDraft.objects.count() == 1


def test_start_refused_for_a_visit_without_report_400(db, login, news_office):
    visit = full_visit(host=news_office.host_memberships.get().host)

    response = login(news_office).post(reverse("news:start", args=[visit.pk]), {"language": "id"})

    assert response.status_code == 400
    assert "record the visit's key points or quotes first" in text_of(response)
    assert NewsDraft.objects.count() == 0


def test_start_for_another_host_not_found(visit, login, outsider):
    response = login(outsider).post(reverse("news:start", args=[visit.pk]), {"language": "id"})

    assert response.status_code == 404
    assert NewsDraft.objects.count() == 0


def test_start_forbidden_for_protocol(visit, login, protocol):
    assert login(protocol).post(reverse("news:start", args=[visit.pk]), {"language": "id"}).status_code == 403
