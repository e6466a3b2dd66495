"""When a visit may be started or completed, and that a refused transition names the real reason: the
visit's state first, then its day (visits.services.workflow)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import translation

from visits import roles
from visits.enums import DispositionDecision, VisitStatus
from visits.models import StatusChange, Visit
from visits.services import ServiceError
from visits.services.workflow import visit_complete, visit_dispose, visit_start

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
# The demo visit: Friday 25 April 2025, 09:00–11:30 WIB (arrival from 08:45).


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def status_of(visit) -> str:
    return Visit.objects.get(pk=visit.pk).status


def test_start_months_ahead_is_409_and_the_visit_stays_scheduled(visit, api_client):
    with time_machine.travel(dt.datetime(2024, 11, 30, 9, 0, tzinfo=WIB), tick=False):
        response = api_client.post(f"/api/v1/visits/{visit.pk}/start/")

    assert response.status_code == 409
    assert status_of(visit) == VisitStatus.SCHEDULED
    assert not StatusChange.objects.filter(visit=visit, to_status=VisitStatus.IN_PROGRESS).exists()


def test_start_the_evening_before_is_refused_naming_the_day(visit):
    with (
        time_machine.travel(dt.datetime(2025, 4, 24, 23, 59, tzinfo=WIB), tick=False),
        pytest.raises(ServiceError) as caught,
    ):
        visit_start(visit=visit)

    assert (
        str(caught.value)
        == "A visit can be started only on its day: from 00:00 WIB on Friday, 25 April 2025."
    )
    assert status_of(visit) == VisitStatus.SCHEDULED


def test_start_from_midnight_host_time_of_the_visit_day(visit):
    # 00:00 WIB is 17:00 UTC the day before: the host's zone decides, not the server's.
    with time_machine.travel(dt.datetime(2025, 4, 25, 0, 0, tzinfo=WIB), tick=False):
        visit_start(visit=visit)

    assert status_of(visit) == VisitStatus.IN_PROGRESS


def test_start_during_the_visit(visit):
    with time_machine.travel(dt.datetime(2025, 4, 25, 9, 5, tzinfo=WIB), tick=False):
        visit_start(visit=visit)

    assert status_of(visit) == VisitStatus.IN_PROGRESS


def test_start_after_the_visit_ended_is_refused(visit):
    with (
        time_machine.travel(dt.datetime(2025, 4, 25, 11, 30, tzinfo=WIB), tick=False),
        pytest.raises(ServiceError) as caught,
    ):
        visit_start(visit=visit)

    assert str(caught.value) == "The visit has already ended; mark it as completed instead."
    assert status_of(visit) == VisitStatus.SCHEDULED


def test_start_on_the_page_follows_the_same_rule(visit, staff_client):
    staff_client.cookies["django_language"] = "en"
    with time_machine.travel(dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB), tick=False):
        response = staff_client.post(f"/visits/{visit.pk}/transition/", {"action": "start"}, follow=True)

    assert status_of(visit) == VisitStatus.SCHEDULED
    assert [str(m) for m in response.context["messages"]] == [
        "A visit can be started only on its day: from 00:00 WIB on Friday, 25 April 2025."
    ]


@pytest.fixture
def declined(visit, make_user) -> Visit:
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.REQUESTED)
    leader = make_user("pimpinan", roles.LEADERSHIP, is_staff=True)
    with time_machine.travel(dt.datetime(2025, 4, 12, 9, 0, tzinfo=WIB), tick=False):
        visit_dispose(
            visit=Visit.objects.get(pk=visit.pk),
            decision=DispositionDecision.DECLINE,
            by=leader,
            note="Sudah ada agenda pimpinan di luar kota.",
        )
    return Visit.objects.get(pk=visit.pk)


def test_completing_a_declined_visit_names_the_status_before_its_date(declined):
    with (
        time_machine.travel(dt.datetime(2025, 4, 12, 9, 0, tzinfo=WIB), tick=False),
        pytest.raises(ServiceError) as caught,
    ):
        visit_complete(visit=declined)

    assert str(caught.value) == "A visit that is “Declined” cannot become “Completed”."


def test_starting_a_declined_visit_names_the_status(declined):
    with (
        time_machine.travel(dt.datetime(2025, 4, 12, 9, 0, tzinfo=WIB), tick=False),
        pytest.raises(ServiceError) as caught,
    ):
        visit_start(visit=declined)

    assert str(caught.value) == "A visit that is “Declined” cannot become “In progress”."


def test_completing_a_scheduled_visit_before_it_starts_says_so(visit):
    with (
        time_machine.travel(dt.datetime(2025, 4, 12, 9, 0, tzinfo=WIB), tick=False),
        pytest.raises(ServiceError) as caught,
    ):
        visit_complete(visit=visit)

    assert str(caught.value) == "A visit cannot be completed before its day."


def test_a_started_visit_can_be_completed_before_its_start_time_and_a_scheduled_one_on_its_day(visit):
    early_morning = dt.datetime(2025, 4, 25, 6, 0, tzinfo=WIB)  # the demo visit starts at 09:00
    with time_machine.travel(early_morning, tick=False):
        started = visit_start(visit=visit)
        completed = visit_complete(visit=started)

    assert completed.status == VisitStatus.COMPLETED


def test_a_scheduled_visit_can_be_completed_from_its_day(visit):
    with time_machine.travel(dt.datetime(2025, 4, 25, 0, 30, tzinfo=WIB), tick=False):
        completed = visit_complete(visit=visit)

    assert completed.status == VisitStatus.COMPLETED


@pytest.mark.parametrize(
    ("moment", "status", "buttons", "note"),
    [
        (
            dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB),
            VisitStatus.SCHEDULED,
            [],
            "from 00:00 WIB on Friday, 25 April 2025",
        ),
        (dt.datetime(2025, 4, 25, 7, 0, tzinfo=WIB), VisitStatus.SCHEDULED, ["start", "complete"], None),
        (dt.datetime(2025, 4, 25, 13, 0, tzinfo=WIB), VisitStatus.SCHEDULED, ["complete"], None),
        (dt.datetime(2025, 4, 25, 10, 0, tzinfo=WIB), VisitStatus.IN_PROGRESS, ["complete"], None),
    ],
    ids=["weeks-ahead", "on-the-day", "after-the-end", "started"],
)
def test_the_page_offers_only_the_transitions_the_services_accept(
    visit, staff_client, moment, status, buttons, note
):
    Visit.objects.filter(pk=visit.pk).update(status=status)
    staff_client.cookies["django_language"] = "en"
    with time_machine.travel(moment, tick=False):
        page = staff_client.get(f"/visits/{visit.pk}/").content.decode()

    offered = [action for action in ("start", "complete") if f'name="action" value="{action}"' in page]
    assert offered == buttons
    assert (note in page) if note else ('id="start-when"' not in page)
