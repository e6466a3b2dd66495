"""The staff pages: visit list, visit page and its actions, login, language."""

from html.parser import HTMLParser

import pytest
from django.core import mail

from tests.demo import DEMO_AGENDA_TITLES, DEMO_TITLE
from tests.factories import full_visit


class _Page(HTMLParser):
    """What a browser would see of a page: each element's tag and attributes, and the text inside it."""

    def __init__(self):
        super().__init__()
        self.elements: list[dict] = []
        self._open: list[dict] = []

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in {"input", "meta", "link", "br", "img"}:
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data


def parse(response) -> list[dict]:
    page = _Page()
    page.feed(response.content.decode())
    return page.elements


def texts(elements, tag, **attrs) -> list[str]:
    """The whitespace-normalised text of every ``tag`` element whose attributes include ``attrs``."""
    return [
        " ".join(e["text"].split())
        for e in elements
        if e["tag"] == tag and all(e["attrs"].get(k) == v for k, v in attrs.items())
    ]


def test_visit_list_anonymous_redirects_to_login(db, client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_visit_list_non_staff_forbidden(db, client, django_user_model):
    user = django_user_model.objects.create_user(username="tamu", password="rahasia-123")
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 403


def test_visit_list_shows_demo_visit(visit, staff_client):
    response = staff_client.get("/")

    assert response.status_code == 200
    assert texts(parse(response), "a", href=f"/visits/{visit.pk}/") == [DEMO_TITLE]


def test_visit_detail_shows_agenda_in_order(visit, staff_client):
    response = staff_client.get(f"/visits/{visit.pk}/")

    assert response.status_code == 200
    cells = texts(parse(response), "td")
    # A title cell also shows the item's kind underneath, hence startswith.
    shown = [title for cell in cells for title in DEMO_AGENDA_TITLES if cell.startswith(title)]
    assert shown == DEMO_AGENDA_TITLES


def test_visit_detail_has_the_three_actions(visit, staff_client):
    response = staff_client.get(f"/visits/{visit.pk}/")

    elements = parse(response)
    actions = [(e["attrs"].get("method"), e["attrs"].get("action")) for e in elements if e["tag"] == "form"]
    hrefs = [e["attrs"]["href"] for e in elements if e["tag"] == "a" and "href" in e["attrs"]]
    assert ("post", f"/visits/{visit.pk}/send-invitations/") in actions
    assert f"/visits/{visit.pk}/invitation.ics" in hrefs
    assert f"/visits/{visit.pk}/report.pdf" in hrefs


def test_send_invitations_page_redirects_and_mails(visit, staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"/visits/{visit.pk}/send-invitations/")

    assert response.status_code == 302
    assert response["Location"] == f"/visits/{visit.pk}/"
    assert len(mail.outbox) == 9


def test_visit_detail_lists_sent_outbox_rows(visit, staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/visits/{visit.pk}/send-invitations/")

    response = staff_client.get(f"/visits/{visit.pk}/")

    # The interface is Indonesian by default: MessageStatus.SENT reads "Terkirim".
    assert texts(parse(response), "span", **{"class": "status status-sent"}) == ["Terkirim"] * 9


def test_login_page_signs_in_and_goes_to_list(db, client, staff_user):
    response = client.post("/login/", {"username": "staf", "password": "rahasia-123"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("rows", [1, 3])
def test_visit_list_query_count_constant(host, staff_client, django_assert_num_queries, rows):
    for _ in range(rows):
        full_visit(host=host)

    # session, user, role groups, host memberships, page count, page of visits with joins
    with django_assert_num_queries(6):
        response = staff_client.get("/")

    assert response.status_code == 200
    assert len(response.context["visits"]) == rows


def test_visit_detail_query_count(host, staff_client, django_assert_num_queries):
    visit = full_visit(host=host)

    # session, user, the user's hosts, the visit with its joins, five prefetches (agenda, officials,
    # members, key points, follow-ups), the outbox, the history, the dispositions, the reply letters, the
    # user's groups
    with django_assert_num_queries(14):
        response = staff_client.get(f"/visits/{visit.pk}/")

    assert response.status_code == 200


def test_visit_list_heading_indonesian_by_default(visit, staff_client):
    response = staff_client.get("/")

    assert texts(parse(response), "h1") == ["Kunjungan"]


def test_visit_list_heading_english_with_language_cookie(visit, staff_client):
    staff_client.cookies["django_language"] = "en"

    response = staff_client.get("/")

    assert texts(parse(response), "h1") == ["Visits"]
