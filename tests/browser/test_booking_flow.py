"""The protocol officer's flow in a real browser (Debian's Chromium driven by Playwright):
register a request → record the disposition → book it on a suggested free slot → see it on the
calendar → try to book the same room at the same time for another request and be refused.

Needs Chromium at /usr/bin/chromium (Debian package ``chromium``). ``.ci/run`` installs it and sets
SAMBANG_REQUIRE_BROWSER=1, so there a missing browser fails the run; on a laptop without Chromium these
tests are skipped with that reason.
"""

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.utils import timezone

from visits.models import Visit

# Playwright's sync API runs an event loop in this thread; the ORM calls below are plain test setup.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(settings.VAR_DIR) / "screenshots"


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("SAMBANG_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is required at {CHROMIUM} (Debian: apt install chromium)")
        pytest.skip("Chromium is not installed (Debian: apt install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def request_file(demo_data: dict, *, name: str, code: str, letter: str, day: dt.date) -> str:
    data = dict(demo_data)
    data["delegation"] = {
        **demo_data["delegation"],
        "institution": name,
        "region": {
            **demo_data["delegation"]["region"],
            "code": code,
            "name": name.replace("Pemerintah ", ""),
        },
    }
    data["request"] = {**demo_data["request"], "letter_number": letter}
    data["visit"] = {
        **demo_data["visit"],
        "date": day.isoformat(),
        "title": f"Studi Banding {name} ke Kota Malang",
    }
    data["visit"].pop("status", None)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def register_and_accept(page, base: str, text: str) -> int:
    page.goto(f"{base}/visits/register/")
    page.fill("#id_text", text)
    page.click("button:has-text('Register')")
    page.wait_for_load_state()
    if not re.match(r".*/visits/\d+/$", page.url):
        page.screenshot(path=str(SHOTS / "register-failed.png"), full_page=True)
        raise AssertionError(page.locator("main").inner_text())
    pk = int(page.url.rstrip("/").split("/")[-1])
    page.select_option("#id_decision", "accept")
    page.click("text=Record the decision")
    page.wait_for_selector("text=The decision is recorded.")
    return pk


@pytest.mark.django_db(transaction=True)
def test_register_decide_book_see_and_be_refused(browser, live_server, demo_data, django_user_model):
    django_user_model.objects.create_superuser("protokol", "p@malang.example.org", "sambang-demo")
    SHOTS.mkdir(parents=True, exist_ok=True)
    day = timezone.localdate() + dt.timedelta(days=40)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on(
        "response",
        lambda response: response.status >= 400 and console.append(f"{response.status}: {response.url}"),
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "protokol")
    page.fill("#id_password", "sambang-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    first = register_and_accept(
        page,
        live_server.url,
        request_file(
            demo_data, name="Pemerintah Kabupaten Jembrana", code="51.01", letter="005/1/2026", day=day
        ),
    )
    page.click("text=Book the visit")
    page.wait_for_url(f"**/visits/{first}/book/")
    # The 09:00 slot: the agenda moves with it, and its 15-minute arrival stays inside office hours.
    page.locator("a.slot", has_text="09:00–").first.click()
    page.wait_for_load_state()
    chosen = {key: page.input_value(f"#id_{key}") for key in ("date", "start", "end")}
    room = page.input_value("#id_venue")
    page.click("button[value=book]")
    page.wait_for_load_state()
    if "The visit is booked." not in page.content():
        page.screenshot(path=str(SHOTS / "book-failed.png"), full_page=True)
        raise AssertionError(page.locator("main").inner_text()[:3000])
    page.screenshot(path=str(SHOTS / "booked.png"), full_page=True)
    booked = Visit.objects.get(pk=first)
    assert booked.status == "scheduled"

    page.goto(f"{live_server.url}/calendar/?view=month&date={chosen['date']}")
    assert page.locator(f"a.chip[href='/visits/{first}/']").count() == 1
    page.screenshot(path=str(SHOTS / "calendar.png"), full_page=True)

    second = register_and_accept(
        page,
        live_server.url,
        request_file(
            demo_data, name="Pemerintah Kabupaten Tabanan", code="51.02", letter="005/2/2026", day=day
        ),
    )
    page.goto(f"{live_server.url}/visits/{second}/book/")
    page.fill("#id_date", chosen["date"])
    page.fill("#id_start", chosen["start"])
    page.fill("#id_end", chosen["end"])
    page.select_option("#id_venue", room)
    # The form checks itself on the server as it is filled: the clash shows before anything is sent.
    try:
        page.locator("#findings .notice.bad[data-code=room_double_booked]").first.wait_for(timeout=10_000)
    except Exception as exc:
        raise AssertionError(f"the live check did not show the clash; browser console: {console}") from exc
    page.click("button[value=book]")
    refusal = page.locator(".notice.bad[data-code=room_double_booked]").first
    refusal.wait_for()
    page.screenshot(path=str(SHOTS / "refused.png"), full_page=True)
    assert "is booked" in refusal.inner_text()
    assert booked.title in refusal.inner_text()
    assert Visit.objects.get(pk=second).status == "accepted"
    context.close()
