"""The audit log: every change to visits, delegations, messages and reports, with who, when and what."""

import datetime as dt

import pytest
import time_machine
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from config.audit import visit_audit_entries
from delegations.models import Member
from delegations.services import delegation_page_token
from reports.models import FollowUp, KeyPoint
from reports.services import follow_ups_set, key_points_set
from tests.factories import AgendaItemFactory, InstitutionFactory, full_visit
from visits import roles
from visits.enums import MessageKind, MessageStatus
from visits.models import AgendaItem, Message, Visit
from visits.services import message_fail, reminders_queue_due, visit_invitations_send
from visits.tasks import send_message

BEFORE = dt.datetime(2025, 4, 15, 2, 0, tzinfo=dt.UTC)


def entries_for(model, **filters):
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), **filters).order_by(
        "pk"
    )


def test_api_change_records_actor_and_fields(visit, api_client, staff_user):
    with time_machine.travel(BEFORE, tick=False):
        response = api_client.post(
            f"/api/v1/visits/{visit.pk}/reschedule/", {"start": "2025-05-02T09:00:00+07:00"}, format="json"
        )

    assert response.status_code == 200
    entry = entries_for(Visit, object_pk=str(visit.pk), action=LogEntry.Action.UPDATE).get()
    assert entry.actor == staff_user
    assert entry.timestamp == BEFORE
    # The demo visit runs 09:00–11:30 WIB on 25 April; moved one week on, both ends move (written in UTC).
    assert entry.changes_dict["start"] == ["2025-04-25 02:00:00", "2025-05-02 02:00:00"]
    assert entry.changes_dict["end"] == ["2025-04-25 04:30:00", "2025-05-02 04:30:00"]
    assert "updated_at" not in entry.changes_dict


def test_token_change_records_the_token_user(visit, staff_user):
    from knox.models import AuthToken

    _row, token = AuthToken.objects.create(user=staff_user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    with time_machine.travel(BEFORE, tick=False):
        response = client.post(f"/api/v1/visits/{visit.pk}/cancel/", {"reason": "Ditunda."}, format="json")

    assert response.status_code == 200
    entry = entries_for(Visit, object_pk=str(visit.pk), action=LogEntry.Action.UPDATE).get()
    assert entry.actor == staff_user
    assert entry.changes_dict["status"] == ["scheduled", "cancelled"]
    assert entry.changes_dict["cancellation_reason"] == ["", "Ditunda."]


def test_remote_address_is_the_connection_not_a_forwarded_header(visit, api_client):
    with time_machine.travel(BEFORE, tick=False):
        api_client.post(
            f"/api/v1/visits/{visit.pk}/cancel/",
            {"reason": "Ditunda."},
            format="json",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            REMOTE_ADDR="192.0.2.7",
        )

    entry = entries_for(Visit, object_pk=str(visit.pk), action=LogEntry.Action.UPDATE).get()
    assert entry.remote_addr == "192.0.2.7"


def test_message_sent_by_the_task_is_recorded_without_actor(
    visit, api_client, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/api/v1/visits/{visit.pk}/send-invitations/")

    assert response.status_code == 202
    created = entries_for(Message, action=LogEntry.Action.CREATE)
    sent = entries_for(Message, action=LogEntry.Action.UPDATE, changes__status__1=MessageStatus.SENT)
    assert created.count() == sent.count() == 9
    assert {e.actor_id for e in created} == {staff_user.pk}
    assert {e.actor_id for e in sent} == {None}
    assert {e.changes_dict["status"][0] for e in sent} == {MessageStatus.QUEUED}


def test_task_run_inside_a_request_context_has_no_actor(visit, staff_user):
    # An eager task (tests, CELERY_TASK_ALWAYS_EAGER) runs inside the caller's audit context: the
    # send is still the system's, and the caller's own changes after it are still the caller's.
    visit_invitations_send(visit=visit)  # queued; the sends wait for a commit that never comes here
    message = Message.objects.filter(status=MessageStatus.QUEUED).earliest("pk")
    with set_actor(staff_user):
        send_message.delay(message_id=message.pk)
        visit.title = "Judul baru"
        visit.save()

    changes = entries_for(Message, object_pk=str(message.pk), action=LogEntry.Action.UPDATE)
    sent = changes.get(changes__status__1=MessageStatus.SENT)
    assert sent.changes_dict["status"] == [MessageStatus.QUEUED, MessageStatus.SENT]
    assert {e.actor_id for e in changes} == {None}
    retitled = entries_for(Visit, object_pk=str(visit.pk), changes__title__1="Judul baru").get()
    assert retitled.actor == staff_user


def test_member_added_on_the_delegation_page_is_recorded(visit, client):
    token = delegation_page_token(delegation=visit.delegation)
    kept = [(m.name, m.email) for m in visit.delegation.members.all()]
    form = {
        "action": "members",
        "size": 12,
        "name": [n for n, _e in kept] + ["Putu Baru"],
        "position": ["" for _ in kept] + ["Staf"],
        "email": [e for _n, e in kept] + ["baru@buleleng.example.org"],
    }

    with time_machine.travel(dt.datetime(2025, 4, 20, 3, 0, tzinfo=dt.UTC), tick=False):
        response = client.post(f"/d/{token}/", form)

    assert response.status_code == 302
    added = Member.objects.get(name="Putu Baru")
    entry = entries_for(Member, object_pk=str(added.pk)).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor is None
    assert entry.remote_addr == "127.0.0.1"
    assert entry.changes_dict["name"] == ["None", "Putu Baru"]
    assert entry.changes_dict["email"] == ["None", "baru@buleleng.example.org"]
    assert entry in visit_audit_entries(visit)


def test_trail_keeps_deleted_rows_and_leaves_out_other_visits(visit, api_client):
    other = full_visit()
    item = visit.agenda_items.order_by("start").first()
    item.delete()
    other.title = "Lain"
    other.save()

    trail = list(visit_audit_entries(visit))

    deleted = [e for e in trail if e.action == LogEntry.Action.DELETE]
    assert [(e.content_type.model, e.object_repr) for e in deleted] == [("agendaitem", str(item))]
    assert not [e for e in trail if e.content_type.model == "visit" and e.object_pk == str(other.pk)]


def test_audit_endpoint_lists_the_change(visit, api_client):
    with time_machine.travel(BEFORE, tick=False):
        api_client.post(f"/api/v1/visits/{visit.pk}/cancel/", {"reason": "Ditunda."}, format="json")

    response = api_client.get(f"/api/v1/visits/{visit.pk}/audit/")

    assert response.status_code == 200
    (first,) = [
        e for e in response.json()["results"] if (e["object_type"], e["action"]) == ("visit", "update")
    ]
    assert first["actor"] == "staf"
    assert first["action"] == "update"
    assert first["object_type"] == "visit"
    assert first["object_id"] == str(visit.pk)
    assert first["timestamp"] == "2025-04-15T09:00:00+07:00"
    assert first["changes"]["status"] == ["scheduled", "cancelled"]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("leadership", 200), ("other_host", 404), ("no_host", 404), ("anonymous", 401)],
)
def test_audit_endpoint_readers_of_the_host_only(visit, make_user, who, expected):
    client = APIClient()
    if who == "leadership":
        client.force_authenticate(make_user("pimpinan", roles.LEADERSHIP, is_staff=True))
    elif who == "other_host":
        client.force_authenticate(make_user("lain", "protocol", is_staff=True, hosts=[InstitutionFactory()]))
    elif who == "no_host":
        client.force_authenticate(make_user("tanpa", "protocol", is_staff=True, hosts=[]))

    assert client.get(f"/api/v1/visits/{visit.pk}/audit/").status_code == expected


@pytest.mark.parametrize("rows", [1, 3])
def test_audit_endpoint_query_count_constant(visit, api_client, django_assert_num_queries, rows):
    target = Visit.objects.get(pk=visit.pk)
    LogEntry.objects.all().delete()
    for number in range(rows):
        target.title = f"Judul {number}"
        target.save()
    api_client.get(f"/api/v1/visits/{visit.pk}/audit/")  # content types cached, as in a warm process

    # the visit (scoped), the agenda items' ids, the count, the page with actors joined; the user's roles
    # and hosts are read once per user object
    with django_assert_num_queries(4):
        response = api_client.get(f"/api/v1/visits/{visit.pk}/audit/")

    assert response.json()["count"] == rows


def test_audit_page_shows_entries_escaped(visit, staff_client):
    with time_machine.travel(BEFORE, tick=False):
        staff_client.post(f"/visits/{visit.pk}/cancel/", {"reason": "<b>Ditunda</b>"})

    response = staff_client.get(f"/visits/{visit.pk}/audit/", HTTP_ACCEPT_LANGUAGE="en")

    body = response.content.decode()
    assert response.status_code == 200
    assert "&lt;b&gt;Ditunda&lt;/b&gt;" in body
    assert "<b>Ditunda</b>" not in body
    assert "staf" in body


def test_audit_page_of_another_host_is_404(visit, client, make_user):
    client.force_login(make_user("lain", "protocol", is_staff=True, hosts=[InstitutionFactory()]))

    assert client.get(f"/visits/{visit.pk}/audit/").status_code == 404


@pytest.mark.parametrize("rows", [1, 3])
def test_audit_page_query_count_constant(visit, staff_client, django_assert_num_queries, rows):
    LogEntry.objects.all().delete()
    for _ in range(rows):
        AgendaItemFactory(visit=visit)  # each entry names related rows (the visit, a room)
    staff_client.get(f"/visits/{visit.pk}/audit/")  # content types cached, as in a warm process

    # session, user, role groups, host ids, the visit, the agenda items' ids, the count, the page
    with django_assert_num_queries(8):
        response = staff_client.get(f"/visits/{visit.pk}/audit/")

    assert len(response.context["entries"]) == rows


# Writes made in bulk (QuerySet.update, bulk_create) send no signals; the services record them themselves.


def test_reschedule_records_each_agenda_item_moved(visit, api_client, staff_user):
    items = list(visit.agenda_items.order_by("pk"))

    with time_machine.travel(BEFORE, tick=False):
        response = api_client.post(
            f"/api/v1/visits/{visit.pk}/reschedule/", {"start": "2025-05-02T09:00:00+07:00"}, format="json"
        )

    assert response.status_code == 200
    moved = entries_for(AgendaItem, action=LogEntry.Action.UPDATE)
    assert [e.object_pk for e in moved] == [str(item.pk) for item in items]
    assert {e.actor_id for e in moved} == {staff_user.pk}
    first = moved[0].changes_dict["start"]
    assert first == [
        items[0].start.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        (items[0].start + dt.timedelta(days=7)).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
    ]


def test_reminders_created_in_bulk_are_recorded_by_the_system(visit, django_capture_on_commit_callbacks):
    with time_machine.travel(BEFORE, tick=False), django_capture_on_commit_callbacks(execute=True):
        visit_invitations_send(visit=visit)
    with (
        time_machine.travel(dt.datetime(2025, 4, 24, 2, 0, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=False),
    ):
        created = reminders_queue_due()

    reminders = Message.objects.filter(kind=MessageKind.REMINDER)
    entries = entries_for(
        Message, action=LogEntry.Action.CREATE, object_pk__in=[str(m.pk) for m in reminders]
    )
    assert created == entries.count() == 9
    assert {e.actor_id for e in entries} == {None}
    assert {e.changes_dict["kind"][1] for e in entries} == {MessageKind.REMINDER}


def test_message_given_up_is_recorded_as_failed(visit, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(BEFORE, tick=False),
        django_capture_on_commit_callbacks(execute=False),
    ):
        visit_invitations_send(visit=visit)
    message = Message.objects.filter(status=MessageStatus.QUEUED).order_by("pk").first()

    message_fail(message_id=message.pk, error="550 No such user")

    entry = entries_for(Message, object_pk=str(message.pk), action=LogEntry.Action.UPDATE).get()
    assert entry.changes_dict["status"] == [MessageStatus.QUEUED, MessageStatus.FAILED]
    assert entry.changes_dict["last_error"] == ["", "550 No such user"]


def test_follow_ups_renumbered_record_their_real_positions(visit, staff_user):
    with time_machine.travel(dt.datetime(2025, 4, 25, 6, 0, tzinfo=dt.UTC), tick=False):
        first, second = follow_ups_set(
            visit=visit,
            rows=[
                {"text": "Kajian pertama", "owner_unit": "Bappeda", "status": "open"},
                {"text": "Kajian kedua", "status": "open"},
            ],
            by=staff_user,
        )
        LogEntry.objects.all().delete()
        with set_actor(staff_user):
            follow_ups_set(
                visit=visit,
                rows=[
                    {"id": second.pk, "text": "Kajian kedua", "status": "open"},
                    {"id": first.pk, "text": "Kajian pertama", "status": "open"},
                ],
                by=staff_user,
            )

    changes = {e.object_pk: e.changes_dict for e in entries_for(FollowUp, action=LogEntry.Action.UPDATE)}
    assert changes[str(first.pk)]["position"] == ["1", "2"]
    assert changes[str(second.pk)]["position"] == ["2", "1"]
    assert changes[str(first.pk)]["owner_unit"] == ["Bappeda", ""]
    assert set(changes) == {str(first.pk), str(second.pk)}


def test_key_points_saved_together_are_each_recorded(visit, staff_user):
    with (
        time_machine.travel(dt.datetime(2025, 4, 25, 6, 0, tzinfo=dt.UTC), tick=False),
        set_actor(staff_user),
    ):
        points = key_points_set(visit=visit, texts=["Pelayanan publik", "Inovasi daerah"], by=staff_user)

    entries = entries_for(KeyPoint, action=LogEntry.Action.CREATE, object_pk__in=[str(p.pk) for p in points])
    assert [e.object_pk for e in entries] == [str(p.pk) for p in points]
    assert [e.changes_dict["text"][1] for e in entries] == ["Pelayanan publik", "Inovasi daerah"]
    assert {e.actor_id for e in entries} == {staff_user.pk}
