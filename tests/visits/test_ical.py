"""The invitation .ics, read back by two independent parsers (icalendar and vobject)."""

import datetime as dt

import icalendar
import time_machine
import vobject

from visits.ical import calendar_bytes, invitation_calendar
from visits.selectors import invitation_recipients

UTC = dt.UTC
EXPECTED_ATTENDEES = {
    "mailto:sekda@malang.example.org",
    "mailto:diskominfo@malang.example.org",
    "mailto:perekonomian@malang.example.org",
    "mailto:wabup@buleleng.example.org",
    "mailto:prokopim@buleleng.example.org",
    "mailto:kominfo@buleleng.example.org",
    "mailto:ikp@buleleng.example.org",
    "mailto:dokpim@buleleng.example.org",
    "mailto:humas@buleleng.example.org",
}


def _ics(visit) -> bytes:
    with time_machine.travel(dt.datetime(2025, 4, 15, 3, 0, tzinfo=UTC), tick=False):
        return calendar_bytes(invitation_calendar(visit=visit))


def test_invitation_read_by_icalendar(visit):
    calendar = icalendar.Calendar.from_ical(_ics(visit))

    event = calendar.events[0]
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART").astimezone(UTC) == dt.datetime(2025, 4, 25, 2, 0, tzinfo=UTC)
    assert event.decoded("DTEND").astimezone(UTC) == dt.datetime(2025, 4, 25, 4, 30, tzinfo=UTC)
    assert event["DTSTART"].params["TZID"] == "Asia/Jakarta"
    assert event.decoded("DTSTAMP") == dt.datetime(2025, 4, 15, 3, 0, tzinfo=UTC)
    assert str(event["UID"]) == visit.uid
    assert event.decoded("SEQUENCE") == 0
    assert str(event["ORGANIZER"]) == "mailto:prokopim@malang.example.org"
    assert event["ORGANIZER"].params["CN"] == "Rina Contoh"
    assert {str(a) for a in event["ATTENDEE"]} == EXPECTED_ATTENDEES
    assert (
        str(event["LOCATION"])
        == "Ruang Sidang Balai Kota Malang, Jl. Tugu No. 1, Kiduldalem, Klojen, Kota Malang"
    )
    assert [tz.tz_name for tz in calendar.timezones] == ["Asia/Jakarta"]
    assert event.walk("VALARM")[0].decoded("TRIGGER") == -dt.timedelta(hours=2)


def test_invitation_attendees_carry_rsvp_and_role(visit):
    event = icalendar.Calendar.from_ical(_ics(visit)).events[0]

    params = {
        str(a): (a.params["CN"], a.params["ROLE"], a.params["PARTSTAT"], a.params["RSVP"])
        for a in event["ATTENDEE"]
    }
    assert params["mailto:sekda@malang.example.org"] == (
        "Budi Santoso Contoh",
        "CHAIR",
        "NEEDS-ACTION",
        "TRUE",
    )
    assert params["mailto:wabup@buleleng.example.org"] == (
        "I Komang Contoh",
        "REQ-PARTICIPANT",
        "NEEDS-ACTION",
        "TRUE",
    )


def test_invitation_read_by_vobject(visit):
    calendar = vobject.readOne(_ics(visit).decode("utf-8"))

    event = calendar.vevent
    assert calendar.method.value == "REQUEST"
    assert event.dtstart.value.astimezone(UTC) == dt.datetime(2025, 4, 25, 2, 0, tzinfo=UTC)
    assert event.uid.value == visit.uid
    assert {a.value for a in event.attendee_list} == EXPECTED_ATTENDEES
    assert (
        "09:30–10:15 Paparan Diskominfo: arah pembangunan kota, Ngalam Pinter dan SPBE, kehumasan · Dewi Contoh"
        in (event.description.value)
    )


def test_invitation_vtimezone_comes_before_the_event(visit):
    text = _ics(visit).decode("utf-8")

    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    assert text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))


def test_invitation_lists_every_recipient_once(visit):
    assert len(invitation_recipients(visit=visit)) == len(EXPECTED_ATTENDEES)


def test_all_day_visit_has_date_values_and_exclusive_end(visit):
    visit.all_day = True
    visit.end = visit.end + dt.timedelta(days=1)  # Friday to Saturday

    calendar = icalendar.Calendar.from_ical(_ics(visit))
    event = calendar.events[0]
    second = vobject.readOne(_ics(visit).decode("utf-8")).vevent

    assert event.decoded("DTSTART") == dt.date(2025, 4, 25)
    assert event.decoded("DTEND") == dt.date(2025, 4, 27)
    assert "VALUE=DATE" in _ics(visit).decode("utf-8").split("DTSTART")[1].split(":")[0]
    assert (second.dtstart.value, second.dtend.value) == (dt.date(2025, 4, 25), dt.date(2025, 4, 27))


def test_vtimezone_has_no_english_comment(visit):
    assert "COMMENT" not in _ics(visit).decode("utf-8")


def test_any_script_survives_escaping_and_folding(visit):
    visit.title = "Kunjungan; studi, banding\\ 北京市代表团 — وفد القاهرة\nBEGIN:VEVENT"

    text = _ics(visit).decode("utf-8")
    event = icalendar.Calendar.from_ical(text).events[0]
    second = vobject.readOne(text).vevent

    assert str(event["SUMMARY"]) == visit.title
    assert second.summary.value == visit.title
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert "\r\nBEGIN:VEVENT" not in text.split("BEGIN:VEVENT", 1)[1]
