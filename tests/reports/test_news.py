"""The news draft of a visit (reports/news.py) and its staff pages, read back as text and parsed HTML."""

import datetime as dt
from html.parser import HTMLParser

import pytest
import time_machine
from django.test import override_settings

from reports.news import news_draft, short_name
from reports.selectors import outcome_visit_detail
from reports.services import quote_add
from visits.models import Institution
from visits.selectors import visit_detail

HEADLINE_ID = "Pemkot Malang Terima Kunjungan Studi Komparasi Pemkab Buleleng"
HEADLINE_EN = "Malang City Government receives comparative study visit from Buleleng Regency Government"
LEAD_ID = (
    "Pemerintah Kota Malang menerima kunjungan studi komparasi dari Pemerintah Kabupaten Buleleng di Ruang "
    "Sidang Balai Kota Malang, Jumat (25/4/2025). Rombongan yang datang untuk membahas publikasi kehumasan "
    "pemerintah daerah, pemanfaatan teknologi informasi dalam pelayanan publik, pengelolaan Command Center, "
    "serta revitalisasi kawasan ekonomi berbasis heritage (Kayutangan) itu dipimpin Wakil Bupati Buleleng, "
    "I Komang Contoh. Kedatangan rombongan disambut langsung oleh Sekretaris Daerah Kota Malang, "
    "Budi Santoso Contoh."
)
LEAD_EN = (
    "The Malang City Government received a comparative study visit from the Buleleng Regency Government at "
    "Ruang Sidang Balai Kota Malang on Friday, 25 April 2025. The delegation came to discuss publikasi "
    "kehumasan pemerintah daerah, pemanfaatan teknologi informasi dalam pelayanan publik, pengelolaan "
    "Command Center and revitalisasi kawasan ekonomi berbasis heritage (Kayutangan). It was led by "
    "I Komang Contoh, Wakil Bupati Buleleng, and received by Budi Santoso Contoh, Sekretaris Daerah Kota "
    "Malang."
)
TOUR_ID = (
    "Di sela kunjungan, rombongan meninjau langsung Ngalam Command Center (NCC), ruang kendali digital kota "
    "yang memantau ratusan kamera CCTV di titik-titik strategis. Peninjauan itu didampingi Kepala Dinas "
    "Komunikasi dan Informatika Kota Malang, Dewi Contoh."
)
CAPTION = "Wakil Bupati Buleleng dan rombongan berfoto bersama Sekretaris Daerah Kota Malang beserta jajaran"
SCRIPT = "<script>alert(1)</script>"


class ParagraphText(HTMLParser):
    """The text of each <h1>, <h2> and <p> of an HTML document, entities decoded, in order."""

    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self.open = False
        self.script_tags = 0

    def handle_starttag(self, tag, attrs):
        # Inline scripts only: the page's own static script (src=…) is not user text.
        self.script_tags += tag == "script" and "src" not in dict(attrs)
        if tag in {"h1", "h2", "p"}:
            self.blocks.append("")
            self.open = True

    def handle_endtag(self, tag):
        if tag in {"h1", "h2", "p"}:
            self.open = False

    def handle_data(self, data):
        if self.open:
            self.blocks[-1] += data


def parse_html(html: str) -> ParagraphText:
    parser = ParagraphText()
    parser.feed(html)
    parser.close()
    return parser


def test_news_draft_headline_indonesian(visit):
    assert news_draft(visit=visit).headline == HEADLINE_ID


def test_news_draft_headline_english(visit):
    assert news_draft(visit=visit, language="en").headline == HEADLINE_EN


def test_news_draft_lead_indonesian(visit):
    lead = news_draft(visit=visit).lead

    assert lead == LEAD_ID
    # The weekday is computed: 25 April 2025 is a Friday (the seed article's "Jumat (26/4/2025)" is wrong).
    assert "Jumat (25/4/2025)" in lead
    assert "Ruang Sidang Balai Kota Malang" in lead
    assert "Wakil Bupati Buleleng, I Komang Contoh" in lead
    assert "Sekretaris Daerah Kota Malang, Budi Santoso Contoh" in lead


def test_news_draft_lead_english(visit):
    assert news_draft(visit=visit, language="en").lead == LEAD_EN


def test_news_draft_weekday_follows_the_date(demo_data, import_data):
    demo_data["visit"]["date"] = dt.date(2025, 4, 28)
    visit = visit_detail().get(pk=import_data(demo_data).visit.pk)

    assert "Senin (28/4/2025)" in news_draft(visit=visit).lead
    assert "on Monday, 28 April 2025" in news_draft(visit=visit, language="en").lead


def test_news_draft_dateline_defaults_to_district_and_website(visit):
    assert news_draft(visit=visit).dateline == "Klojen (malangkota.example.org) – "


@override_settings(SAMBANG_NEWS_OUTLET="Prokopim Kota Malang")
def test_news_draft_dateline_outlet_from_setting(visit):
    assert news_draft(visit=visit).dateline == "Klojen (Prokopim Kota Malang) – "


def test_news_draft_dateline_from_arguments(visit):
    draft = news_draft(visit=visit, dateline_place="Malang", outlet="malangkota.go.id")

    assert draft.dateline == "Malang (malangkota.go.id) – "


def test_news_draft_dateline_without_district_or_website(demo_data, import_data):
    demo_data["host"]["venues"][0]["address"] = "Jl. Tugu No. 1"
    del demo_data["host"]["letterhead"]["website"]
    visit = visit_detail().get(pk=import_data(demo_data).visit.pk)

    assert news_draft(visit=visit).dateline == "Kota Malang (Pemerintah Kota Malang) – "


def test_news_draft_key_points_in_order_one_or_two_a_paragraph(visit):
    draft = news_draft(visit=visit)
    points = [point.text for point in visit.key_points.all()]

    assert [" ".join(points[i : i + 2]) for i in range(0, len(points), 2)] == draft.paragraphs


def test_news_draft_every_key_point_in_text(visit):
    text = news_draft(visit=visit).as_text()

    assert [point.text for point in visit.key_points.all() if point.text not in text] == []


def test_news_draft_tour_paragraph_names_the_site(visit):
    draft = news_draft(visit=visit)

    assert draft.tour_paragraph == TOUR_ID
    assert "Ngalam Command Center (NCC)" in draft.tour_paragraph


def test_news_draft_caption_and_byline(visit):
    draft = news_draft(visit=visit)
    text = draft.as_text()

    assert draft.photo_caption == CAPTION
    assert draft.byline == "(yul/yn)"
    assert text.endswith(f"{TOUR_ID} (yul/yn)\n\nKeterangan foto: {CAPTION}\n")


def test_news_draft_text_layout(visit):
    draft = news_draft(visit=visit)

    assert draft.as_text().split("\n\n") == [
        HEADLINE_ID,
        f"Klojen (malangkota.example.org) – {LEAD_ID}",
        *draft.paragraphs,
        f"{TOUR_ID} (yul/yn)",
        f"Keterangan foto: {CAPTION}\n",
    ]


def test_news_draft_writes_no_quote_unless_given(visit):
    text = news_draft(visit=visit).as_text()

    assert "“" not in text
    assert "ucap" not in text


def test_news_draft_quotes_with_attribution(visit):
    quotes = [
        ("Budi Santoso Contoh", "Sekretaris Daerah Kota Malang", "Kerja sama antardaerah ini kami sambut."),
        ("I Komang Contoh", "Wakil Bupati Buleleng", "Kami ingin belajar langsung di sini"),
    ]

    draft = news_draft(visit=visit, quotes=quotes)

    assert draft.paragraphs[-2:] == [
        "“Kerja sama antardaerah ini kami sambut,” ucap Budi Santoso Contoh, Sekretaris Daerah Kota Malang.",
        "“Kami ingin belajar langsung di sini,” ujar I Komang Contoh, Wakil Bupati Buleleng.",
    ]


def test_news_draft_quotes_english(visit):
    draft = news_draft(visit=visit, language="en", quotes=[("Budi Santoso Contoh", "", "Welcome to Malang!")])

    assert draft.paragraphs[-1] == "“Welcome to Malang!” said Budi Santoso Contoh."


def test_news_draft_html_structure(visit):
    draft = news_draft(visit=visit)

    parsed = parse_html(draft.as_html())

    assert parsed.blocks == [
        HEADLINE_ID,
        f"Klojen (malangkota.example.org) – {LEAD_ID}",
        *draft.paragraphs,
        f"{TOUR_ID} (yul/yn)",
        f"Keterangan foto: {CAPTION}",
    ]


def test_news_draft_html_escapes_key_points(demo_data, import_data):
    demo_data["outcome"]["points"][0] = f"Sekretaris Daerah menyisipkan {SCRIPT} di paparan."
    visit = visit_detail().get(pk=import_data(demo_data).visit.pk)

    html = news_draft(visit=visit).as_html()
    parsed = parse_html(html)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert parsed.script_tags == 0
    assert parsed.blocks[2].startswith(f"Sekretaris Daerah menyisipkan {SCRIPT} di paparan.")


def test_news_draft_deterministic(visit):
    first = news_draft(visit=visit)
    second = news_draft(visit=visit)

    assert first == second
    assert first.as_text() == second.as_text()
    assert first.as_html() == second.as_html()


def test_news_draft_runs_no_query_on_a_prefetched_visit(visit, django_assert_num_queries):
    # The stored quotes are read too: outcome_visit_detail() prefetches them with everything else.
    prefetched = outcome_visit_detail().get(pk=visit.pk)

    with django_assert_num_queries(0):
        news_draft(visit=prefetched).as_html()


def test_news_draft_unknown_language_refused(visit):
    with pytest.raises(ValueError, match="not 'fr'"):
        news_draft(visit=visit, language="fr")


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Pemerintah Kota Malang", "Pemkot Malang"),
        ("Pemerintah Kabupaten Buleleng", "Pemkab Buleleng"),
        ("Pemerintah Provinsi Jawa Timur", "Pemprov Jawa Timur"),
        ("Pemerintah Daerah Kabupaten Sleman", "Pemkab Sleman"),
        ("DPRD Kota Malang", "DPRD Kota Malang"),
        ("Universitas Brawijaya", "Universitas Brawijaya"),
    ],
)
def test_short_name_of_institution(name, short):
    assert short_name(Institution(name=name)) == short


def test_news_page_shows_draft_for_staff(visit, staff_client):
    response = staff_client.get(f"/visits/{visit.pk}/news/")

    assert response.status_code == 200
    blocks = parse_html(response.content.decode()).blocks
    assert HEADLINE_ID in blocks
    assert f"Klojen (malangkota.example.org) – {LEAD_ID}" in blocks
    assert f'href="/visits/{visit.pk}/news.txt?language=id"' in response.content.decode()
    assert f'href="/visits/{visit.pk}/news.html?language=id"' in response.content.decode()


def test_news_page_english_variant(visit, staff_client):
    response = staff_client.get(f"/visits/{visit.pk}/news/?language=en")

    assert response.status_code == 200
    assert HEADLINE_EN in parse_html(response.content.decode()).blocks


def test_news_page_escapes_key_points(demo_data, import_data, staff_client):
    demo_data["outcome"]["points"][0] = f"Sekretaris Daerah menyisipkan {SCRIPT} di paparan."
    visit = visit_detail().get(pk=import_data(demo_data).visit.pk)

    response = staff_client.get(f"/visits/{visit.pk}/news/")

    assert response.status_code == 200
    assert parse_html(response.content.decode()).script_tags == 0


def test_news_text_download(visit, staff_client):
    response = staff_client.get(f"/visits/{visit.pk}/news.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="berita-kunjungan-{visit.pk}-id.txt"'
    assert response.content.decode("utf-8") == news_draft(visit=visit).as_text()


def test_news_html_download_english(visit, staff_client):
    response = staff_client.get(f"/visits/{visit.pk}/news.html?language=en")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="berita-kunjungan-{visit.pk}-en.html"'
    assert parse_html(response.content.decode("utf-8")).blocks[0] == HEADLINE_EN


@pytest.mark.parametrize("suffix", ["news/", "news.txt", "news.html"])
def test_news_pages_anonymous_redirect_to_login(visit, client, suffix):
    response = client.get(f"/visits/{visit.pk}/{suffix}")

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/visits/{visit.pk}/{suffix}"


@pytest.mark.parametrize("suffix", ["news/", "news.txt", "news.html"])
def test_news_pages_non_staff_forbidden(visit, client, django_user_model, suffix):
    client.force_login(django_user_model.objects.create_user(username="tamu", password="rahasia-123"))

    response = client.get(f"/visits/{visit.pk}/{suffix}")

    assert response.status_code == 403


def test_news_page_unknown_visit_not_found(db, staff_client):
    assert staff_client.get("/visits/999999/news/").status_code == 404


def test_visit_page_links_to_news_draft(visit, staff_client):
    response = staff_client.get(f"/visits/{visit.pk}/")

    assert f'href="/visits/{visit.pk}/news/"' in response.content.decode()


def test_news_draft_without_outcome_topics_receiver_or_site(demo_data, import_data):
    del demo_data["outcome"]
    demo_data["request"]["kind"] = "audiensi"
    demo_data["request"]["topics"] = []
    demo_data["host"]["officials"][0]["role"] = "presenter"
    agenda = [item for item in demo_data["visit"]["agenda"] if item["kind"] != "site tour"]
    agenda.append({"start": "11:00", "end": "11:30", "kind": "site tour", "title": "Kunjungan ke Kayutangan"})
    demo_data["visit"]["agenda"] = agenda
    visit = visit_detail().get(pk=import_data(demo_data).visit.pk)

    draft = news_draft(visit=visit)

    assert draft.headline == "Pemkot Malang Terima Audiensi Pemkab Buleleng"
    assert draft.lead == (
        "Pemerintah Kota Malang menerima audiensi dari Pemerintah Kabupaten Buleleng di Ruang Sidang Balai "
        "Kota Malang, Jumat (25/4/2025). Rombongan itu dipimpin Wakil Bupati Buleleng, I Komang Contoh."
    )
    assert draft.paragraphs == []
    assert draft.tour_paragraph == "Kegiatan juga diisi dengan kunjungan ke Kayutangan."
    assert (draft.photo_caption, draft.byline) == ("", "")
    assert draft.as_text().split("\n\n") == [
        draft.headline,
        f"Klojen (malangkota.example.org) – {draft.lead}",
        "Kegiatan juga diisi dengan kunjungan ke Kayutangan.\n",
    ]


def test_news_draft_uses_the_recorded_quotes(visit):
    with time_machine.travel(dt.datetime(2025, 4, 25, 7, 0, tzinfo=dt.UTC), tick=False):
        quote_add(
            visit=visit,
            speaker_name="Budi Santoso Contoh",
            speaker_position="Sekretaris Daerah Kota Malang",
            words="Kerja sama ini kami harapkan berlanjut.",
        )
    visit = outcome_visit_detail().get(pk=visit.pk)

    draft = news_draft(visit=visit)

    assert draft.paragraphs[-1] == (
        "“Kerja sama ini kami harapkan berlanjut,” ucap Budi Santoso Contoh, Sekretaris Daerah Kota Malang."
    )
    assert news_draft(visit=visit, quotes=[]).paragraphs == draft.paragraphs[:-1]
    assert news_draft(visit=visit, quotes=[("A", "", "Lain.")]).paragraphs[-1] == "“Lain,” ucap A."
