"""The reply letter's date (*surat balasan*): not before the request letter it answers (the demo's is dated
10 April 2025), not more than a year after today; refused with the reason, nothing issued."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.utils import translation

from visits.models import ReplyLetter
from visits.services import ServiceError
from visits.services.workflow import reply_letter_issue

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
TODAY = dt.datetime(2025, 4, 14, 10, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def issue(visit, date):
    return reply_letter_issue(
        visit=visit, number="A/1", date=date, signed_by_name="Budi", signed_by_position="Sekda"
    )


def test_reply_letter_dated_9999_is_400_over_the_api(visit, api_client):
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = api_client.post(
        f"/api/v1/visits/{visit.pk}/reply-letters/",
        {"number": "A/2", "date": "9999-12-31", "signed_by_name": "X", "signed_by_position": "Y"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "date": ["The reply letter's date is more than a year ahead; check the year."]
    }
    assert not ReplyLetter.objects.exists()


def test_reply_letter_before_the_request_letter_is_refused(visit):
    with pytest.raises(ServiceError) as refused, translation.override("en"):
        issue(visit, dt.date(2025, 4, 9))

    assert str(refused.value) == (
        "The reply letter cannot be dated before the request letter it answers (04/10/2025)."
    )
    assert not ReplyLetter.objects.exists()


def test_reply_letter_dates_at_the_edges_of_the_window(visit):
    first = issue(visit, dt.date(2025, 4, 10))  # the request letter's own day
    last = reply_letter_issue(
        visit=visit, number="A/2", date=dt.date(2026, 4, 15), signed_by_name="B", signed_by_position="S"
    )  # today + 366 days
    with pytest.raises(ServiceError):
        reply_letter_issue(
            visit=visit, number="A/3", date=dt.date(2026, 4, 16), signed_by_name="B", signed_by_position="S"
        )

    assert (first.date, last.date) == (dt.date(2025, 4, 10), dt.date(2026, 4, 15))
    assert ReplyLetter.objects.count() == 2
