"""The invite chain read by a third, independent parser: Mozilla's ical.js (Thunderbird's), under Node.

``.ci/run`` installs ical.js with npm when Node is present and sets SAMBANG_ICALJS to it; without Node (or
outside CI) these tests are skipped with that reason.
"""

import datetime as dt
import json
import os
import shutil
import subprocess
import zoneinfo
from pathlib import Path

import pytest
import time_machine

from visits.ical import calendar_bytes, invitation_calendar
from visits.selectors import visit_detail
from visits.services import visit_cancel, visit_invitations_send, visit_reschedule

SCRIPT = Path(__file__).resolve().parent.parent / "js" / "read_ics.cjs"
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.fixture
def icaljs():
    module, node = os.environ.get("SAMBANG_ICALJS"), shutil.which("node")
    if not (module and node and Path(module).is_dir()):
        pytest.skip("ical.js is not installed (.ci/run installs it with npm when Node is present)")

    def read(ics: bytes) -> dict:
        done = subprocess.run([node, str(SCRIPT)], input=ics, capture_output=True, check=True, timeout=60)
        return json.loads(done.stdout)

    return read


def test_invite_reschedule_cancel_chain_in_icaljs(visit, icaljs, django_capture_on_commit_callbacks):
    seen = []
    with time_machine.travel(dt.datetime(2025, 4, 15, 9, 0, tzinfo=WIB), tick=False):
        for step in (
            lambda: visit_invitations_send(visit=visit),
            lambda: visit_reschedule(visit=visit, start=dt.datetime(2025, 4, 29, 9, 0, tzinfo=WIB)),
            lambda: visit_reschedule(visit=visit, start=dt.datetime(2025, 4, 30, 13, 0, tzinfo=WIB)),
        ):
            with django_capture_on_commit_callbacks(execute=True):
                step()
            current = visit_detail().get(pk=visit.pk)
            seen.append(icaljs(calendar_bytes(invitation_calendar(visit=current))))
        visit_cancel(visit=visit_detail().get(pk=visit.pk), reason="Batal.")
        cancelled = visit_detail().get(pk=visit.pk)
        seen.append(icaljs(calendar_bytes(invitation_calendar(visit=cancelled, method="CANCEL"))))

    assert [(s["method"], s["sequence"], s["status"]) for s in seen] == [
        ("REQUEST", 0, "CONFIRMED"),
        ("REQUEST", 1, "CONFIRMED"),
        ("REQUEST", 2, "CONFIRMED"),
        ("CANCEL", 3, "CANCELLED"),
    ]
    assert {s["uid"] for s in seen} == {visit.uid}
    assert [dt.datetime.fromtimestamp(s["start_utc"], dt.UTC) for s in seen] == [
        dt.datetime(2025, 4, 25, 2, 0, tzinfo=dt.UTC),
        dt.datetime(2025, 4, 29, 2, 0, tzinfo=dt.UTC),
        dt.datetime(2025, 4, 30, 6, 0, tzinfo=dt.UTC),
        dt.datetime(2025, 4, 30, 6, 0, tzinfo=dt.UTC),
    ]
    assert len(seen[0]["attendees"]) == 9


def test_any_script_survives_in_icaljs(visit, icaljs):
    visit.title = "Kunjungan; studi, banding\\ 北京市代表团 — وفد القاهرة"

    read = icaljs(calendar_bytes(invitation_calendar(visit=visit)))

    assert read["summary"] == visit.title
