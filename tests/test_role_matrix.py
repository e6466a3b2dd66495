"""Every URL pattern × every role: who is let in and who is refused, for GET and for the main writes.

The table ``MATRIX`` has one entry per URL name of ``config.urls`` (the resolver is walked, so a new
endpoint without an entry fails ``test_every_url_pattern_is_in_the_matrix`` with its name). Each entry
says how to fill the URL's arguments from the objects of host A, what each role gets on GET, and, for the
writes, on POST with the given data. Outcomes are:

- ``OK``: 2xx or a redirect that is not to a login page (the page, the file, "done, back to the visit");
- ``LOGIN``: 401, or a redirect to ``/login/`` or ``/admin/login/``;
- a status code for everything else: 403 (refused: the role may not), 404 (another host's object reads
  as unknown), 405 (wrong method), 409 (the role may, the visit's state does not allow it).

Roles: anonymous, protocol / leadership / public relations of host A, a delegation contact of host A's
delegation, protocol staff of host B, and the administrator (superuser). Each role's request runs in a
transaction that is rolled back, so one role's write does not change what the next one sees.

To add an endpoint: add ``"name": Entry(...)`` below, usually with one of the profiles (``READ``,
``READ_LIST``, ``PROTOCOL``, ``PROTOCOL_PAGE``, ...), or spell the seven outcomes out with ``roles(...)``.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from delegations.services import delegation_page_token
from news.models import NewsDraft
from reports.models import Attendance, Document, FollowUp, Photo, Quote, ReportRender
from tests.factories import InstitutionFactory
from visits import roles as role_names
from visits.models import Disposition, HostMembership, Message, ReplyLetter
from visits.services import calendar_feed_create

OK, LOGIN = "ok", "login"
ROLES = (
    "anonymous",
    "protocol_a",
    "leadership_a",
    "public_relations_a",
    "delegation_contact",
    "protocol_b",
    "superuser",
)
# Before the demo visit (Friday 25 April 2025): the delegation page is open, the visit can still move.
DURING = dt.datetime(2025, 4, 20, 3, 0, tzinfo=dt.UTC)


def roles(anonymous, protocol_a, leadership_a, public_relations_a, delegation_contact, protocol_b, superuser):
    """The outcome of each role, in the order of ``ROLES``."""
    return dict(
        zip(
            ROLES,
            (
                anonymous,
                protocol_a,
                leadership_a,
                public_relations_a,
                delegation_contact,
                protocol_b,
                superuser,
            ),
            strict=True,
        )
    )


# Profiles. Pages send anonymous users to the login page; the API answers them 401 (both are LOGIN).
READ = roles(LOGIN, OK, OK, OK, 403, 404, OK)  # one of host A's objects, for every reader
READ_LIST = roles(LOGIN, OK, OK, OK, 403, OK, OK)  # a list or page without an object: host B sees its own
PROTOCOL = roles(LOGIN, OK, 403, 403, 403, 404, OK)  # host A's object, protocol staff only
PROTOCOL_PAGE = roles(LOGIN, OK, 403, 403, 403, OK, OK)  # no object, protocol staff only
PUBLIC = roles(OK, OK, OK, OK, OK, OK, OK)  # reached by its secret token or public by nature
ADMIN = roles(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, OK)  # the Django admin is the administrator's
POST_ONLY_PROTOCOL = roles(LOGIN, 405, 403, 403, 403, 405, 405)  # GET on a page that only takes POST
POST_ONLY_READER = roles(LOGIN, 405, 405, 405, 403, 405, 405)
API_POST_ONLY_PROTOCOL = roles(LOGIN, 405, 405, 405, 403, 405, 405)  # DRF: readers pass, then 405
# Host A's news draft, the news office only; the role is checked before the object, so host B's protocol
# staff get 403 (the news tests check that another host's news office gets 404).
NEWS_OFFICE = roles(LOGIN, 403, 403, OK, 403, 403, OK)
NEWS_POST_ONLY = roles(LOGIN, 403, 403, 405, 403, 403, 405)


@dataclass
class Entry:
    """How to request one URL name: its arguments from host A's objects, and what each role gets."""

    kwargs: Callable[[dict], dict] = lambda o: {}
    get: dict | None = None
    query: Callable[[dict], dict] = lambda o: {}
    post: dict | None = None
    data: Callable[[dict], dict] = lambda o: {}
    json: bool = False
    # Why the expectations are what they are, when it is not plain.
    note: str = ""
    extra: dict = field(default_factory=dict)


def visit_pk(o):
    return {"pk": o["visit"].pk}


def api_visit(o):
    return {"pk": o["visit"].pk}


MATRIX: dict[str, Entry] = {
    # Staff pages of visits
    "visits:list": Entry(
        get=roles(LOGIN, OK, OK, OK, OK, OK, OK), note="the delegation contact is sent on to their page"
    ),
    "visits:calendar": Entry(get=READ_LIST),
    "visits:register": Entry(
        get=PROTOCOL_PAGE,
        post=roles(LOGIN, OK, 403, 403, 403, 403, OK),
        data=lambda o: {"text": o["register_yaml"]},
        note="host B's staff may not register a visit of host A (403 with the reason)",
    ),
    "visits:detail": Entry(kwargs=visit_pk, get=READ),
    "visits:send-invitations": Entry(kwargs=visit_pk, get=POST_ONLY_PROTOCOL, post=PROTOCOL),
    "visits:send-drafts": Entry(kwargs=visit_pk, get=POST_ONLY_PROTOCOL, post=PROTOCOL),
    "visits:delegation-link": Entry(kwargs=visit_pk, get=POST_ONLY_PROTOCOL, post=PROTOCOL),
    "visits:book": Entry(kwargs=visit_pk, get=PROTOCOL, post=PROTOCOL, data=lambda o: {"action": "check"}),
    "visits:dispose": Entry(
        kwargs=visit_pk,
        get=POST_ONLY_READER,
        post=roles(LOGIN, OK, OK, OK, 403, 404, OK),
        data=lambda o: {"decision": "accept"},
        note="readers reach it; the service refuses anyone but the leadership (shown on the visit page)",
    ),
    "visits:transition": Entry(
        kwargs=visit_pk, get=POST_ONLY_PROTOCOL, post=PROTOCOL, data=lambda o: {"action": "start"}
    ),
    "visits:reply-letter": Entry(
        kwargs=visit_pk,
        get=roles(LOGIN, 405, 403, 403, 403, 405, 405),
        post=PROTOCOL,
        data=lambda o: {
            "number": "1/2025",
            "date": "2025-04-19",
            "signed_by_name": "A",
            "signed_by_position": "B",
        },
    ),
    "visits:reply-letter-pdf": Entry(
        kwargs=lambda o: {"pk": o["visit"].pk, "letter_pk": o["letter"].pk}, get=READ
    ),
    "visits:cancel": Entry(
        kwargs=visit_pk, get=POST_ONLY_PROTOCOL, post=PROTOCOL, data=lambda o: {"reason": "Ditunda."}
    ),
    "visits:reschedule": Entry(
        kwargs=visit_pk,
        get=POST_ONLY_PROTOCOL,
        post=PROTOCOL,
        data=lambda o: {"date": "2025-05-07", "time": "09:00"},
    ),
    "visits:invitation-ics": Entry(kwargs=visit_pk, get=READ),
    "visits:report-pdf": Entry(kwargs=visit_pk, get=READ),
    "visits:audit": Entry(kwargs=visit_pk, get=READ),
    # The delegation page: its signed link is the key (no login); a delegation contact opens their own.
    "delegation-page": Entry(
        kwargs=lambda o: {"token": o["delegation_token"]},
        get=PUBLIC,
        post=roles(OK, OK, OK, OK, OK, OK, OK),
        data=lambda o: {"action": "confirm", "name": "Narahubung"},
    ),
    "delegation-page-ics": Entry(kwargs=lambda o: {"token": o["delegation_token"]}, get=PUBLIC),
    # Reports
    "reports:news": Entry(kwargs=visit_pk, get=READ),
    "reports:news-txt": Entry(kwargs=visit_pk, get=READ),
    "reports:news-html": Entry(kwargs=visit_pk, get=READ),
    "reports:outcome": Entry(
        kwargs=visit_pk,
        get=PROTOCOL,
        post=PROTOCOL,
        data=lambda o: {"section": "key_points", "key_points": "Satu"},
        note="before the visit the page answers the save with its reason (400) for those let in",
        extra={"post_ok_codes": (400,)},
    ),
    # Calendar feeds
    "feeds": Entry(
        get=PROTOCOL_PAGE,
        post=roles(LOGIN, OK, 403, 403, 403, 404, OK),
        data=lambda o: {"host": o["visit"].host_id, "kind": "host"},
    ),
    "feed-revoke": Entry(kwargs=lambda o: {"pk": o["feed"].pk}, get=POST_ONLY_PROTOCOL, post=PROTOCOL),
    "feed-ics": Entry(kwargs=lambda o: {"token": o["feed_token"]}, get=PUBLIC),
    # Login, logout, language
    "login": Entry(get=PUBLIC),
    "logout": Entry(
        get=roles(405, 405, 405, 405, 405, 405, 405),
        post=roles(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
        note="logging out leads to the login page",
    ),
    "set_language": Entry(get=PUBLIC, post=PUBLIC, data=lambda o: {"language": "en"}),
    # The Django admin (every admin URL is checked through its index and one change list)
    "admin": Entry(get=ADMIN),
    # API
    "api-root": Entry(get=READ_LIST),
    "api-schema": Entry(get=PUBLIC),
    "api-docs": Entry(get=PUBLIC),
    "visit-list": Entry(get=READ_LIST),
    "visit-detail": Entry(kwargs=api_visit, get=READ),
    "visit-register": Entry(
        get=API_POST_ONLY_PROTOCOL,
        post=roles(LOGIN, OK, 403, 403, 403, 403, OK),
        data=lambda o: o["register_data"],
        json=True,
    ),
    "visit-history": Entry(kwargs=api_visit, get=READ),
    "visit-audit": Entry(kwargs=api_visit, get=READ),
    "visit-invitation-ics": Entry(kwargs=api_visit, get=READ),
    "visit-report-pdf": Entry(kwargs=api_visit, get=READ),
    "visit-reply-letter-pdf": Entry(kwargs=api_visit, get=READ),
    "visit-send-invitations": Entry(kwargs=api_visit, get=API_POST_ONLY_PROTOCOL, post=PROTOCOL),
    "visit-cancel": Entry(
        kwargs=api_visit, get=API_POST_ONLY_PROTOCOL, post=PROTOCOL, data=lambda o: {"reason": "Ditunda."}
    ),
    "visit-reschedule": Entry(
        kwargs=api_visit,
        get=API_POST_ONLY_PROTOCOL,
        post=PROTOCOL,
        data=lambda o: {"start": "2025-05-07T09:00:00+07:00"},
    ),
    "visit-schedule": Entry(
        kwargs=api_visit,
        get=API_POST_ONLY_PROTOCOL,
        post=PROTOCOL,
        data=lambda o: {"start": "2025-05-07T09:00:00+07:00", "end": "2025-05-07T11:30:00+07:00"},
        json=True,
    ),
    "visit-start": Entry(
        kwargs=api_visit,
        get=API_POST_ONLY_PROTOCOL,
        post=roles(LOGIN, 409, 403, 403, 403, 404, 409),
        note="a visit starts only on its day (25 April); DURING is 20 April",
    ),
    "visit-complete": Entry(
        kwargs=api_visit,
        get=API_POST_ONLY_PROTOCOL,
        post=roles(LOGIN, 409, 403, 403, 403, 404, 409),
        note="a scheduled visit must start before it completes",
    ),
    "visit-mark-reported": Entry(
        kwargs=api_visit, get=API_POST_ONLY_PROTOCOL, post=roles(LOGIN, 409, 403, 403, 403, 404, 409)
    ),
    "visit-dispose": Entry(
        kwargs=api_visit,
        get=API_POST_ONLY_PROTOCOL,
        post=roles(LOGIN, 409, 409, 409, 403, 404, 409),
        data=lambda o: {"decision": "accept"},
        note="the demo visit is scheduled, so even the leadership gets 409; readers pass the permission",
    ),
    "visit-reply-letters": Entry(
        kwargs=api_visit,
        get=API_POST_ONLY_PROTOCOL,
        post=PROTOCOL,
        data=lambda o: {
            "number": "2/2025",
            "date": "2025-04-19",
            "signed_by_name": "A",
            "signed_by_position": "B",
        },
    ),
    "conflict-check": Entry(
        get=API_POST_ONLY_PROTOCOL,
        post=PROTOCOL,
        data=lambda o: {
            "host": o["visit"].host_id,
            "start": "2025-05-07T09:00:00+07:00",
            "end": "2025-05-07T11:00:00+07:00",
        },
        json=True,
    ),
    "free-slots": Entry(
        get=READ,
        query=lambda o: {
            "host": o["visit"].host_id,
            "first_day": "2025-05-05",
            "last_day": "2025-05-09",
            "duration": 60,
        },
    ),
    # What came out of a visit (API): lists are filtered to the user's hosts, rows of host A are 404 to B.
    "attendance-list": Entry(
        get=READ_LIST,
        post=PROTOCOL,
        data=lambda o: {"visit": o["visit"].pk, "kind": "walk_in", "name": "Tamu"},
        note="host B's staff send host A's visit id: 400 (no such visit); the visit has not started: 409",
        extra={"post_codes": {"protocol_a": 409, "superuser": 409, "protocol_b": 400}},
    ),
    "attendance-detail": Entry(kwargs=lambda o: {"pk": o["attendance"].pk}, get=READ),
    "quote-list": Entry(get=READ_LIST),
    "quote-detail": Entry(kwargs=lambda o: {"pk": o["quote"].pk}, get=READ),
    "follow-up-list": Entry(get=READ_LIST),
    "follow-up-detail": Entry(kwargs=lambda o: {"pk": o["follow_up"].pk}, get=READ),
    "photo-list": Entry(get=READ_LIST),
    "photo-detail": Entry(kwargs=lambda o: {"pk": o["photo"].pk}, get=READ),
    "document-list": Entry(get=READ_LIST),
    "document-detail": Entry(kwargs=lambda o: {"pk": o["document"].pk}, get=READ),
    # Resources (API): regions are shared reference data; the rest belongs to a host.
    "region-list": Entry(get=READ_LIST),
    "region-detail": Entry(kwargs=lambda o: {"pk": o["visit"].host.region_id}, get=READ_LIST),
    "institution-list": Entry(get=READ_LIST),
    "official-list": Entry(get=READ_LIST),
    "official-detail": Entry(kwargs=lambda o: {"pk": o["visit"].host.officials.first().pk}, get=READ),
    "venue-list": Entry(get=READ_LIST),
    "venue-detail": Entry(kwargs=lambda o: {"pk": o["visit"].venue_id}, get=READ),
    "agenda-item-list": Entry(get=READ_LIST),
    "agenda-item-detail": Entry(kwargs=lambda o: {"pk": o["visit"].agenda_items.first().pk}, get=READ),
    "disposition-list": Entry(get=READ_LIST),
    "message-list": Entry(get=READ_LIST),
    # Readers may list feeds through the API (no token is ever shown again); only protocol staff write.
    "calendar-feed-list": Entry(get=READ_LIST),
    "calendar-feed-detail": Entry(kwargs=lambda o: {"pk": o["feed"].pk}, get=READ),
    "calendar-feed-revoke": Entry(
        kwargs=lambda o: {"pk": o["feed"].pk}, get=API_POST_ONLY_PROTOCOL, post=PROTOCOL
    ),
    "delegation-list": Entry(get=READ_LIST),
    "delegation-detail": Entry(kwargs=lambda o: {"pk": o["visit"].delegation_id}, get=READ),
    "delegation-members": Entry(kwargs=lambda o: {"pk": o["visit"].delegation_id}, get=READ),
    "delegation-remove-member": Entry(
        kwargs=lambda o: {
            "pk": o["visit"].delegation_id,
            "member_pk": o["visit"].delegation.members.first().pk,
        },
        get=API_POST_ONLY_PROTOCOL,
        note="DELETE only",
    ),
    "institution-detail": Entry(kwargs=lambda o: {"pk": o["visit"].host_id}, get=READ),
    "disposition-detail": Entry(kwargs=lambda o: {"pk": o["disposition"].pk}, get=READ),
    "message-detail": Entry(kwargs=lambda o: {"pk": o["message"].pk}, get=READ),
    "report-render-detail": Entry(kwargs=lambda o: {"pk": o["render"].pk}, get=READ),
    "report-render-retry": Entry(
        kwargs=lambda o: {"pk": o["render"].pk},
        get=API_POST_ONLY_PROTOCOL,
        post=PROTOCOL,
        note="a failed render is started again (here it fails again: the visit has no outcome yet)",
    ),
    # News drafts: the public-relations office writes, every reader of the host reads.
    "news:list": Entry(get=READ_LIST),
    "news:detail": Entry(kwargs=lambda o: {"pk": o["news_draft"].pk}, get=READ),
    "news:edit": Entry(
        kwargs=lambda o: {"pk": o["news_draft"].pk},
        get=NEWS_POST_ONLY,
        post=NEWS_OFFICE,
        data=lambda o: {"version": o["news_draft"].version, "headline": "Judul baru", "lead": "Teras."},
    ),
    "news:transition": Entry(
        kwargs=lambda o: {"pk": o["news_draft"].pk},
        get=NEWS_POST_ONLY,
        post=NEWS_OFFICE,
        data=lambda o: {"to": "in_review"},
    ),
    "news:download-txt": Entry(kwargs=lambda o: {"pk": o["news_draft"].pk}, get=READ),
    "news:download-html": Entry(kwargs=lambda o: {"pk": o["news_draft"].pk}, get=READ),
    "news:download-docx": Entry(kwargs=lambda o: {"pk": o["news_draft"].pk}, get=READ),
    "news:start": Entry(
        kwargs=visit_pk,
        get=NEWS_POST_ONLY,
        post=NEWS_OFFICE,
        data=lambda o: {"language": "en"},
        note="before the visit the office is told why no draft can start yet (400)",
        extra={"post_ok_codes": (400,)},
    ),
    "news-draft-list": Entry(get=READ_LIST),
    "news-draft-detail": Entry(kwargs=lambda o: {"pk": o["news_draft"].pk}, get=READ),
    "news-draft-transition": Entry(
        kwargs=lambda o: {"pk": o["news_draft"].pk},
        get=API_POST_ONLY_PROTOCOL,
        post=NEWS_OFFICE,
        data=lambda o: {"to": "in_review"},
        json=True,
    ),
    # The leadership's dashboard and recaps: every reader, each of their own hosts.
    "recaps:dashboard": Entry(get=READ_LIST),
    "recaps:download": Entry(kwargs=lambda o: {"period": "2025-04", "kind": "xlsx"}, get=READ_LIST),
    "recap": Entry(
        kwargs=lambda o: {"period": "2025-04"},
        get=roles(LOGIN, OK, OK, OK, 403, OK, 400),
        note="without ?host= the administrator, who sees every host, must choose one (the 400 lists them)",
    ),
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else None), prefix + str(pattern.pattern)


def matrix_key(name: str | None, route: str) -> str:
    """The entry a URL pattern is checked under: its name; every admin URL under ``"admin"``; static and
    media files served in DEBUG under ``"static"`` (not served in tests)."""
    if route.startswith("admin/") or (name or "").startswith("admin:"):
        return "admin"
    return name or route


def test_every_url_pattern_is_in_the_matrix():
    keys = {matrix_key(name, route) for name, route in _walk(get_resolver().url_patterns)}

    missing = sorted(keys - set(MATRIX))
    assert not missing, "URL patterns without an entry in tests/test_role_matrix.py MATRIX: " + ", ".join(
        missing
    )


# Host A's objects and the seven users


@pytest.fixture
def objects(visit, demo_data):
    import copy

    import yaml

    with time_machine.travel(DURING, tick=False):
        feed, feed_token = calendar_feed_create(host=visit.host, kind="host")
        token = delegation_page_token(delegation=visit.delegation)
    letter = ReplyLetter.objects.create(
        visit=visit,
        host=visit.host,
        number="000/1/2025",
        date=dt.date(2025, 4, 15),
        accepted=True,
        signed_by_name="Sekretaris Daerah",
        signed_by_position="Sekretaris Daerah Kota Malang",
    )
    disposition = Disposition.objects.create(visit=visit, decision="accept", decided_by=None, note="Terima.")
    message = Message.objects.create(
        visit=visit,
        kind="invite",
        sequence=visit.sequence,
        recipient_name="Narahubung",
        recipient_email="narahubung@example.org",
        status="sent",
    )
    render = ReportRender.objects.create(
        visit=visit, kind="report", language="id", fingerprint="0" * 64, status="failed", error="Gagal."
    )
    news_draft = NewsDraft.objects.create(visit=visit, language="id", headline="Judul", lead="Teras berita.")
    register = copy.deepcopy(demo_data)
    register["request"]["letter_number"] = "000/2/2025"
    register["delegation"]["institution"] = "Pemerintah Kabupaten Jembrana"
    register["visit"]["status"] = "requested"
    return {
        "visit": visit,
        "message": message,
        "render": render,
        "news_draft": news_draft,
        "letter": letter,
        "disposition": disposition,
        "feed": feed,
        "feed_token": feed_token,
        "delegation_token": token,
        "register_data": register,
        "register_yaml": yaml.safe_dump(register, allow_unicode=True),
        "attendance": Attendance.objects.create(visit=visit, kind="walk_in", name="Tamu"),
        "quote": Quote.objects.create(visit=visit, speaker_name="Budi", words="Selamat datang."),
        "follow_up": FollowUp.objects.filter(visit=visit).first()
        or FollowUp.objects.create(visit=visit, position=1, text="Tindak lanjut"),
        "photo": Photo.objects.create(
            visit=visit,
            image="photos/a.jpg",
            thumbnail="photos/thumbs/a.jpg",
            width=4,
            height=3,
            size_bytes=10,
        ),
        "document": Document.objects.create(
            visit=visit,
            file="documents/a.pdf",
            title="Paparan",
            content_type="application/pdf",
            size_bytes=10,
        ),
    }


@pytest.fixture
def users(visit, make_user, django_user_model):
    host_b = InstitutionFactory(name="Pemerintah Kota Batu")
    contact = make_user("narahubung", role_names.DELEGATION_CONTACT, hosts=[])
    type(visit.delegation).objects.filter(pk=visit.delegation_id).update(contact_user=contact)
    users = {
        "anonymous": None,
        "protocol_a": make_user("protokol_a", role_names.PROTOCOL, is_staff=True),
        "leadership_a": make_user("pimpinan_a", role_names.LEADERSHIP, is_staff=True),
        "public_relations_a": make_user("humas_a", role_names.PUBLIC_RELATIONS, is_staff=True),
        "delegation_contact": contact,
        "protocol_b": make_user("protokol_b", role_names.PROTOCOL, is_staff=True, hosts=[host_b]),
        "superuser": django_user_model.objects.create_superuser("admin", "admin@example.org", "x-12345-y"),
    }
    assert HostMembership.objects.filter(user=users["protocol_b"], host=host_b).exists()
    return users


def outcome(response) -> str | int:
    code = response.status_code
    if code == 401:
        return LOGIN
    if code in (301, 302) and urlparse(response["Location"]).path in ("/login/", "/admin/login/"):
        return LOGIN
    if 200 <= code < 400:
        return OK
    return code


def request_as(user, method: str, url: str, data=None, json: bool = False):
    client = Client()
    if user is not None:
        client.force_login(user)
    with transaction.atomic(), time_machine.travel(DURING, tick=False):
        if method == "get":
            response = client.get(url, data or {})
        elif json:
            response = client.post(url, data or {}, content_type="application/json")
        else:
            response = client.post(url, data or {})
        transaction.set_rollback(True)
    return response


def url_of(key: str, entry: Entry, objects: dict) -> str:
    if key == "admin":
        return reverse("admin:index")
    return reverse(key, kwargs=entry.kwargs(objects))


@pytest.mark.parametrize("key", sorted(k for k, e in MATRIX.items() if e.get))
def test_get(key, objects, users):
    entry = MATRIX[key]
    url = url_of(key, entry, objects)

    seen = {role: outcome(request_as(users[role], "get", url, entry.query(objects))) for role in ROLES}

    assert seen == entry.get, f"GET {url}: {entry.note}"


@pytest.mark.parametrize("key", sorted(k for k, e in MATRIX.items() if e.post))
def test_post(key, objects, users):
    entry = MATRIX[key]
    url = url_of(key, entry, objects)
    expected = dict(entry.post)
    expected.update(entry.extra.get("post_codes", {}))
    ok_codes = entry.extra.get("post_ok_codes", ())

    seen = {}
    for role in ROLES:
        response = request_as(users[role], "post", url, entry.data(objects), entry.json)
        seen[role] = OK if response.status_code in ok_codes else outcome(response)

    assert seen == expected, f"POST {url}: {entry.note}"


def test_admin_change_list_is_the_administrators_only(objects, users):
    url = reverse("admin:visits_visit_changelist")

    seen = {role: outcome(request_as(users[role], "get", url)) for role in ROLES}

    assert seen == ADMIN
