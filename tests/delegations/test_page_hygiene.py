"""What the delegation page (no login) and the delegation API accept as typed text: no control characters
or line breaks in names, positions, e-mail addresses and phones, nothing over its column's length, e-mail
addresses Django's EmailValidator takes. A refusal is a 400 that shows the page again with the reason and
what was typed; nothing is saved."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.conf import settings

from delegations.models import Delegation, Member
from delegations.services import delegation_page_token
from tests.delegations.test_api import client_for
from tests.factories import full_visit

DURING = dt.datetime(2025, 4, 20, 3, 0, tzinfo=dt.UTC)
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
LONG_EMAIL = (
    "a" * 300 + "@example.org"
)  # 312 characters: valid for EmailValidator (≤ 320), not for the column


@pytest.fixture
def token(visit):
    return delegation_page_token(delegation=visit.delegation)


def post(client, token, data):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(DURING, tick=False):
        return client.post(f"/d/{token}/", data)


def members_form(rows, size=12):
    return {
        "action": "members",
        "size": size,
        "name": [name for name, _position, _email in rows],
        "position": [position for _name, position, email in rows],
        "email": [email for _name, _position, email in rows],
    }


def saved_members():
    return list(Member.objects.order_by("pk").values_list("name", "position", "email"))


def test_confirm_with_a_nul_byte_is_400_and_not_saved(visit, client, token):
    response = post(client, token, {"action": "confirm", "name": "a\x00b"})

    assert response.status_code == 400
    assert "Write your name on one line, without line breaks or control characters." in (
        response.content.decode()
    )
    delegation = Delegation.objects.get(pk=visit.delegation.pk)
    assert (delegation.attendance_confirmed_at, delegation.attendance_confirmed_by) == (None, "")


def test_confirm_with_too_long_a_name_is_400_and_keeps_what_was_typed(visit, client, token):
    name = "Ni Luh " + "Putu " * 40  # 207 characters after stripping

    response = post(client, token, {"action": "confirm", "name": name})

    body = response.content.decode()
    assert response.status_code == 400
    assert "Your name is too long: at most 200 characters." in body
    assert f'value="{name}"' in body
    assert Delegation.objects.get(pk=visit.delegation.pk).attendance_confirmed_at is None


def test_members_with_too_long_an_email_is_400_and_nothing_saved(visit, client, token):
    before = saved_members()

    response = post(client, token, members_form([("Kadek Contoh", "Staf", LONG_EMAIL)]))

    body = response.content.decode()
    assert response.status_code == 400
    assert "Row 1: the e-mail address is too long (at most 254 characters)." in body
    assert f'value="{LONG_EMAIL}"' in body  # what was typed is shown again, to correct it
    assert 'value="Kadek Contoh"' in body
    assert saved_members() == before
    assert Delegation.objects.get(pk=visit.delegation.pk).size == visit.delegation.size


def test_member_name_with_a_header_injection_is_400_and_nothing_saved(visit, client, token):
    before = saved_members()

    response = post(
        client,
        token,
        members_form([("Made Contoh", "", "made@example.org"), ("Evil\r\nBcc: x@evil.example", "", "")]),
    )

    assert response.status_code == 400
    assert (
        "Row 2: write the name, position and e-mail on one line, without line breaks or control characters."
        in response.content.decode()
    )
    assert saved_members() == before


def test_member_position_with_a_control_character_is_400(visit, client, token):
    before = saved_members()

    response = post(client, token, members_form([("Made Contoh", "Kabag\x1b Umum", "")]))

    assert response.status_code == 400
    assert saved_members() == before


def test_typed_size_is_kept_when_refused(visit, client, token):
    response = post(client, token, members_form([("Made\tContoh", "", "")], size=9))

    assert response.status_code == 400
    assert 'name="size" type="number" min="1" max="1000" required value="9"' in response.content.decode()


def test_member_rows_cut_short_are_refused(visit, client, token):
    before = saved_members()
    form = members_form([("Made Contoh", "", ""), ("Ketut Contoh", "", "")])
    form["email"] = [""]

    response = post(client, token, form)

    assert response.status_code == 400
    assert "The member list arrived incomplete; reload the page and try again." in response.content.decode()
    assert saved_members() == before


# The delegation API (delegations/serializers.py)


@pytest.fixture
def api_visit(db):
    with time_machine.travel(dt.datetime(2025, 4, 1, 9, 0, tzinfo=WIB), tick=False):
        yield full_visit()


@pytest.fixture
def protocol(api_visit):
    return client_for(api_visit.host)


def test_api_member_with_bad_text_is_400_field_by_field(api_visit, protocol):
    delegation = api_visit.delegation
    before = saved_members()

    response = protocol.post(
        f"/api/v1/delegations/{delegation.pk}/members/",
        {"name": "Evil\r\nBcc: x@evil.example", "position": "Staf\x01", "email": LONG_EMAIL},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "name": ["It must be one line, without line breaks."],
        "position": ["It contains control characters."],
        "email": ["Ensure this field has no more than 254 characters."],
    }
    assert saved_members() == before


def test_api_delegation_contact_with_bad_text_is_400_and_nothing_saved(api_visit, protocol):
    delegation = api_visit.delegation

    response = protocol.patch(
        f"/api/v1/delegations/{delegation.pk}/",
        {"contact_name": "Ni Luh\x00", "contact_phone": "0341; DROP", "leader_position": "Bupati\nBuleleng"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "contact_name": ["Null characters are not allowed."],
        "contact_phone": [
            "Write the phone number with digits, spaces and + ( ) - . / only, e.g. +62 341 551333."
        ],
        "leader_position": ["It must be one line, without line breaks."],
    }
    stored = Delegation.objects.get(pk=delegation.pk)
    assert (stored.contact_name, stored.contact_phone, stored.leader_position) == (
        delegation.contact_name,
        delegation.contact_phone,
        delegation.leader_position,
    )


def test_api_delegation_phone_as_offices_write_it_is_saved(api_visit, protocol):
    delegation = api_visit.delegation

    response = protocol.patch(
        f"/api/v1/delegations/{delegation.pk}/", {"contact_phone": "+62 (0362) 21-234"}, format="json"
    )

    assert response.status_code == 200
    assert Delegation.objects.get(pk=delegation.pk).contact_phone == "+62 (0362) 21-234"


def test_a_row_with_only_its_name_cleared_is_400_and_says_how_to_remove_someone(visit, client, token):
    before = saved_members()

    response = post(client, token, members_form([("", "Staf Ahli", "staf@example.org")]))

    assert response.status_code == 400
    assert "Row 1: the name is missing. To remove someone, clear the whole row." in response.content.decode()
    assert saved_members() == before


def test_the_page_says_a_whole_row_is_cleared_to_remove_someone(visit, client, token):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(DURING, tick=False):
        page = client.get(f"/d/{token}/").content.decode()

    assert "Clear a whole row (name, position and e-mail) to remove someone" in page
