"""Names in Latin, Arabic and CJK script come out of the report PDF as they were typed; a character that
no font of the report has is refused before rendering, saying which and where."""

import pytest
from django.utils import translation

from reports import fonts
from reports.pdf import MissingGlyphs, ProjectFilesFetcher, ResourceRefused, report_pdf
from visits.selectors import visit_detail

from .test_pdf import read_pdf

ARABIC_NAME = "محمد بن عبد الله"
CHINESE_NAME = "王小明"
JAPANESE_NAME = "山田太郎"
KOREAN_NAME = "김민준"
HIEROGLYPH = "\U00013000"  # EGYPTIAN HIEROGLYPH A001: in none of the report's fonts
PRIVATE_USE = "\ue000"


def with_member_names(demo_data, import_data, *names):
    for member, name in zip(demo_data["delegation"]["members"], names, strict=False):
        member["name"] = name
    return visit_detail().get(pk=import_data(demo_data).visit.pk)


def pdf_font_names(pdf: bytes) -> set[str]:
    """The base names of the fonts embedded in the PDF, without the subset prefix ("ABCDEF+")."""
    import io

    import pypdf

    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def test_arabic_and_cjk_names_come_back_from_the_pdf(demo_data, import_data):
    visit = with_member_names(demo_data, import_data, ARABIC_NAME, CHINESE_NAME, JAPANESE_NAME, KOREAN_NAME)

    pdf = report_pdf(visit=visit, language="id")

    text, _pages = read_pdf(pdf)
    assert [
        name for name in (ARABIC_NAME, CHINESE_NAME, JAPANESE_NAME, KOREAN_NAME) if name not in text
    ] == []
    assert {"Sambang-Sans", "Sambang-Arabic", "Sambang-CJK"} <= pdf_font_names(pdf)


def test_latin_only_report_loads_neither_arabic_nor_cjk_font(visit):
    names = pdf_font_names(report_pdf(visit=visit, language="id"))

    assert {name.split("-Bold")[0] for name in names} == {"Sambang-Sans"}


@pytest.mark.parametrize(("char", "codepoint", "name"), [(HIEROGLYPH, "U+13000", "EGYPTIAN HIEROGLYPH A001")])
def test_character_no_font_has_is_refused_with_name_and_place(demo_data, import_data, char, codepoint, name):
    visit = with_member_names(demo_data, import_data, f"Budi {char}")

    with pytest.raises(MissingGlyphs) as caught:
        report_pdf(visit=visit, language="en")

    [glyph] = caught.value.missing
    assert (glyph.char, glyph.codepoint, glyph.name) == (char, codepoint, name)
    assert glyph.where == ("Delegation member 1: name",)


def test_private_use_character_in_a_key_point_is_refused(demo_data, import_data):
    demo_data["outcome"]["points"][2] = f"Logo {PRIVATE_USE} kota"
    visit = visit_detail().get(pk=import_data(demo_data).visit.pk)

    with pytest.raises(MissingGlyphs) as caught:
        report_pdf(visit=visit, language="en")

    assert [(g.codepoint, g.where) for g in caught.value.missing] == [("U+E000", ("Key point 3: text",))]


def test_missing_glyphs_message_names_character_and_place(demo_data, import_data):
    visit = with_member_names(demo_data, import_data, f"Budi {HIEROGLYPH}")
    with pytest.raises(MissingGlyphs) as caught:
        report_pdf(visit=visit, language="id")

    with translation.override("en"):
        message = caught.value.message()

    # The place is named in the report's language (Indonesian here), the message in the reader's.
    assert message == (
        f"The report cannot be printed: no font of the report has these characters: {HIEROGLYPH} "
        "(U+13000 EGYPTIAN HIEROGLYPH A001) in Anggota rombongan 1: nama. "
        "Correct the text, or ask the administrator to install a font that has them."
    )


def test_fetcher_serves_the_report_fonts_and_nothing_else_under_fonts():
    url_path, path = next(iter(fonts.font_files().items()))

    response = ProjectFilesFetcher().fetch(f"https://sambang.invalid{url_path}")

    assert response.read() == path.read_bytes()
    with pytest.raises(ResourceRefused):
        ProjectFilesFetcher().fetch("https://sambang.invalid/fonts/../../etc/passwd")
    with pytest.raises(ResourceRefused):
        ProjectFilesFetcher().fetch("https://sambang.invalid/fonts/Sambang-Sans/DejaVuSans.ttf")
