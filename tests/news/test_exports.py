"""news/exports.py: the current text as .txt, .html and .docx, each read back as a client would."""

import io
from html.parser import HTMLParser

import docx
import pytest

from news.exports import draft_docx, draft_filename, draft_html, draft_text
from news.services import news_draft_update

# Names in Latin, Arabic and CJK scripts, quotes with typographic marks, and text that looks like markup.
HEADLINE = "Delegasi عبد الله بن سعيد dan 王小明 Belajar di Malang"
BODY = (
    "“Kami belajar banyak di sini,” ucap عبد الله بن سعيد, Duta Besar.\n\n"
    "“我们很高兴来到玛琅,” ujar 王小明, Wali Kota Kembar.\n\n"
    "Baris pertama\nbaris kedua <b>tebal</b> & <script>alert(1)</script>"
)
LEAD = "Pemerintah Kota Malang menerima rombongan, Jumat (25/4/2025)."


@pytest.fixture
def edited(draft, news_office):
    return news_draft_update(
        draft=draft,
        data={
            "headline": HEADLINE,
            "dateline": "Klojen (malangkota.example.org) –",
            "lead": LEAD,
            "body": BODY,
            "caption": "Foto bersama 王小明",
            "reporter_initials": "yul",
            "editor_initials": "yn",
        },
        version=1,
        by=news_office,
    )


def test_text_export_blocks_in_order(edited):
    assert draft_text(edited) == (
        f"{HEADLINE}\n\n"
        f"Klojen (malangkota.example.org) – {LEAD}\n\n"
        "“Kami belajar banyak di sini,” ucap عبد الله بن سعيد, Duta Besar.\n\n"
        "“我们很高兴来到玛琅,” ujar 王小明, Wali Kota Kembar.\n\n"
        "Baris pertama\nbaris kedua <b>tebal</b> & <script>alert(1)</script> (yul/yn)\n\n"
        "Keterangan foto: Foto bersama 王小明\n"
    )


def test_text_export_without_caption_or_byline(edited, news_office):
    plain = news_draft_update(
        draft=edited,
        data={"caption": "", "reporter_initials": "", "editor_initials": "", "body": "Satu paragraf."},
        version=2,
        by=news_office,
    )

    assert draft_text(plain) == f"{HEADLINE}\n\nKlojen (malangkota.example.org) – {LEAD}\n\nSatu paragraf.\n"


class Blocks(HTMLParser):
    """The text of each <h1> and <p>, entities decoded; counts <script> and <b> tags."""

    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self.open = False
        self.tags: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "html":
            self.lang = dict(attrs).get("lang", "")
        if tag in {"h1", "p"}:
            self.blocks.append("")
            self.open = True
        if tag == "br" and self.open:
            self.blocks[-1] += "\n"

    def handle_endtag(self, tag):
        if tag in {"h1", "p"}:
            self.open = False

    def handle_data(self, data):
        if self.open:
            self.blocks[-1] += data


def test_html_export_escapes_and_keeps_every_block(edited):
    parser = Blocks()
    parser.feed(draft_html(edited))

    assert parser.lang == "id"
    assert parser.blocks == [
        HEADLINE,
        f"Klojen (malangkota.example.org) – {LEAD}",
        "“Kami belajar banyak di sini,” ucap عبد الله بن سعيد, Duta Besar.",
        "“我们很高兴来到玛琅,” ujar 王小明, Wali Kota Kembar.",
        "Baris pertama\nbaris kedua <b>tebal</b> & <script>alert(1)</script> (yul/yn)",
        "Keterangan foto: Foto bersama 王小明",
    ]
    assert "script" not in parser.tags
    assert "b" not in parser.tags


def test_docx_export_reads_back_exactly(edited):
    document = docx.Document(io.BytesIO(draft_docx(edited)))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]

    assert paragraphs == [
        HEADLINE,
        f"Klojen (malangkota.example.org) – {LEAD}",
        "“Kami belajar banyak di sini,” ucap عبد الله بن سعيد, Duta Besar.",
        "“我们很高兴来到玛琅,” ujar 王小明, Wali Kota Kembar.",
        "Baris pertama\nbaris kedua <b>tebal</b> & <script>alert(1)</script> (yul/yn)",
        "Keterangan foto: Foto bersama 王小明",
    ]
    assert document.paragraphs[0].style.name == "Heading 1"
    assert document.paragraphs[-1].runs[0].italic is True
    assert document.core_properties.title == HEADLINE
    assert document.core_properties.language == "id-ID"


def test_docx_export_of_the_started_draft(draft):
    document = docx.Document(io.BytesIO(draft_docx(draft)))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]

    assert paragraphs[0] == "Pemkot Malang Terima Kunjungan Studi Komparasi Pemkab Buleleng"
    assert paragraphs[1].startswith("Klojen (malangkota.example.org) – Pemerintah Kota Malang menerima")
    assert paragraphs[-2].endswith("Dewi Contoh. (yul/yn)")
    assert paragraphs[-1] == (
        "Keterangan foto: Wakil Bupati Buleleng dan rombongan berfoto bersama Sekretaris Daerah Kota Malang "
        "beserta jajaran"
    )
    assert len(paragraphs) == 1 + 1 + len(draft.paragraphs) + 1


def test_filename_names_visit_language_and_version(edited):
    assert draft_filename(edited, "docx") == f"berita-kunjungan-{edited.visit_id}-id-v2.docx"
