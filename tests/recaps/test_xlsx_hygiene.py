"""The recap workbook with text that XML 1.0 cannot hold (control characters in rows saved before the
forms refused them, or straight into the database): it still opens, the characters removed."""

import io

import openpyxl
import pytest
import time_machine
from django.conf import settings

from reports.models import FollowUp
from tests.recaps.conftest import NOW
from visits import roles


@pytest.fixture
def dirty_rows(recap_data):
    """A visit title, a leader's name and a follow-up with control characters, saved through the ORM (not
    NUL, which PostgreSQL itself refuses)."""
    recap_data.v1.title = "Studi\x01 Komparasi\x0b Buleleng\x1f"
    recap_data.v1.save()
    recap_data.v1.delegation.leader_name = "I Gede\x02 Contoh"
    recap_data.v1.delegation.save()
    FollowUp.objects.filter(visit=recap_data.v1, position=1).update(
        text="SOP \x01 x\ttab\nbaris", owner_unit="Bagian\x08 Humas"
    )
    return recap_data


def test_recap_xlsx_download_with_control_characters_opens(client, make_user, dirty_rows):
    client.force_login(make_user("pimpinan", roles.LEADERSHIP, hosts=[dirty_rows.host]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    with time_machine.travel(NOW, tick=False):
        response = client.get("/recaps/2025.xlsx")

    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    visit_row = next(
        row for row in book["Visits"].iter_rows(values_only=True) if str(row[3]).startswith("Studi Kom")
    )
    assert (visit_row[3], visit_row[9]) == ("Studi Komparasi Buleleng", "I Gede Contoh")
    follow_up = next(
        row for row in book["Follow-ups"].iter_rows(values_only=True) if row[2] and row[2].startswith("SOP")
    )
    # Tab and line break are legal in a cell and kept; the other controls are removed.
    assert follow_up[2:4] == ("SOP  x\ttab\nbaris", "Bagian Humas")
