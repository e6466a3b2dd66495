"""The Django admin shows and reads a visit's times in the visit's own zone: saving a WITA visit's form
unchanged changes nothing (it used to show WIB times and read them back as WITA, an hour earlier)."""

import datetime as dt
import zoneinfo
from html.parser import HTMLParser

from tests.factories import full_visit
from visits.models import Visit

WITA = zoneinfo.ZoneInfo("Asia/Makassar")


class FormFields(HTMLParser):
    """The values a browser would post back from the admin's change form, unchanged."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(
                attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
            )
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data.setdefault(self._textarea, []).append(self._text.removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def test_a_wita_visit_saved_unchanged_in_the_admin_keeps_its_times(db, admin_client):
    start = dt.datetime(2027, 1, 28, 9, 0, tzinfo=WITA)
    visit = full_visit(timezone="Asia/Makassar", start=start, end=start + dt.timedelta(hours=2))
    before = [(i.start, i.end) for i in visit.agenda_items.order_by("start")]
    url = f"/admin/visits/visit/{visit.pk}/change/"
    admin_client.cookies["django_language"] = "en"

    page = admin_client.get(url)
    form = FormFields()
    form.feed(page.content.decode())
    saved = admin_client.post(url, {**form.data, "_save": "Save"})

    assert form.data["start_1"] == ["09:00:00"]
    assert saved.status_code == 302, saved.content.decode()[:2000]
    visit = Visit.objects.get(pk=visit.pk)
    assert (visit.start, visit.end) == (start, start + dt.timedelta(hours=2))
    assert [(i.start, i.end) for i in visit.agenda_items.order_by("start")] == before
    assert visit.sequence == 0
