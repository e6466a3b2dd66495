"""A news draft's current text as files: plain text, a standalone HTML document, and Word (.docx).

Small builders, one per format; each reads only the draft's own fields (no query) and returns the file's
content. Every format has the same blocks in the same order: the headline; the dateline and lead as the
first paragraph; the body's paragraphs, the byline "(yul/yn)" closing the last one; then the photo
caption. User text is escaped in HTML by the template and set as text runs in the .docx (never parsed).
"""

import io

from django.template.loader import render_to_string
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from .models import NewsDraft

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Word's default font has no Arabic or CJK glyphs; these are the fonts Word and LibreOffice pick for each
# script when set in w:rFonts (ascii/hAnsi for Latin, cs for complex scripts, eastAsia for CJK).
DOCX_FONTS = {"ascii": "Calibri", "hAnsi": "Calibri", "cs": "Arial", "eastAsia": "SimSun"}


def draft_blocks(draft: NewsDraft) -> list[str]:
    """The draft's paragraphs as printed, without the headline and caption: the opening (dateline and
    lead), then the body; the byline is appended to the last one, as news offices close an article."""
    blocks = [draft.opening, *draft.paragraphs]
    if draft.byline:
        blocks[-1] = f"{blocks[-1]} {draft.byline}"
    return blocks


def draft_caption(draft: NewsDraft) -> str:
    """ "Keterangan foto: …" (or "Photo caption: …"), or "" when the draft has no caption."""
    return f"{draft.caption_label}: {draft.caption}" if draft.caption else ""


def draft_filename(draft: NewsDraft, extension: str) -> str:
    """ "berita-kunjungan-12-id-v3.docx": visit, language and version, ASCII only."""
    return f"berita-kunjungan-{draft.visit_id}-{draft.language}-v{draft.version}.{extension}"


def _context(draft: NewsDraft) -> dict:
    return {"draft": draft, "blocks": draft_blocks(draft), "caption": draft_caption(draft)}


def draft_text(draft: NewsDraft) -> str:
    """The draft as UTF-8-ready plain text: blocks separated by a blank line, ending with a newline."""
    return render_to_string("news/export.txt", _context(draft))


def draft_html(draft: NewsDraft) -> str:
    """The draft as a standalone HTML document (``lang`` set to the draft's language), autoescaped."""
    return render_to_string("news/export.html", _context(draft))


def draft_docx(draft: NewsDraft) -> bytes:
    """The draft as a Word document (bytes): the headline as Heading 1, one paragraph per block, the
    caption in italics. The document's title property is the headline and its language the draft's.

    A line break inside a paragraph becomes a Word line break (python-docx turns "\\n" into ``<w:br/>``),
    so reading the paragraph back gives the same text.
    """
    document = Document()
    language = "id-ID" if draft.language == "id" else "en-GB"
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    run_properties = normal.element.get_or_add_rPr()
    fonts = run_properties.get_or_add_rFonts()
    for attribute, font in DOCX_FONTS.items():
        fonts.set(qn(f"w:{attribute}"), font)
    # The proofing language (w:lang comes last among these run properties, as the schema orders them).
    run_properties.append(OxmlElement("w:lang", {qn("w:val"): language}))

    properties = document.core_properties
    properties.title = draft.headline
    properties.language = language
    properties.subject = str(draft.visit_id)
    properties.author = "Sambang"

    document.add_heading(draft.headline, level=1)
    for block in draft_blocks(draft):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.add_run(block)
    caption = draft_caption(draft)
    if caption:
        document.add_paragraph().add_run(caption).italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
