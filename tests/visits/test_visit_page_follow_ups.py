"""The visit page's follow-up list shows each follow-up's due date, as the report PDF does, written the
Indonesian way ("30 Mei 2025") on the Indonesian page."""

import re


def follow_up_items(html: str) -> list[str]:
    section = html.split("<h3>Tindak lanjut</h3>", 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", section, re.S)]


def test_visit_page_shows_the_follow_up_due_date(import_data, demo_data, staff_client):
    demo_data["outcome"]["follow_ups"] = [
        {"text": "Tukar-menukar SOP publikasi", "owner_unit": "Diskominfo", "due_date": "2025-05-30"},
        {"text": "Kunjungan balasan"},
    ]
    visit = import_data(demo_data).visit

    response = staff_client.get(f"/visits/{visit.pk}/")

    first, second = follow_up_items(response.content.decode())
    assert first.startswith('Tukar-menukar SOP publikasi <span class="muted small">(Diskominfo)</span> · ')
    assert "30 Mei 2025" in first
    assert "Mei" not in second
