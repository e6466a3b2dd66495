"""The recap's bar charts: SVG that WeasyPrint embeds, with the count in each label."""

import xml.etree.ElementTree as ET

from recaps.charts import MAX_BARS, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def labels(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to read it back
    return [text.text for text in root.iter(f"{SVG}text") if text.text and text.text.endswith(")")]


def test_bar_chart_sums_the_smallest_rows_into_others():
    rows = [(f"Provinsi {n}", 20 - n) for n in range(14)]

    svg = bar_chart(title="Kunjungan", rows=rows, others="Lainnya")

    shown = labels(svg)
    assert len(shown) == MAX_BARS
    assert shown[0] == f"Lainnya ({9 + 8 + 7})"  # 11 bars kept; pygal draws bottom-up, "others" lowest
    assert shown[-1] == "Provinsi 0 (20)"


def test_bar_chart_escapes_labels_and_links_no_script():
    svg = bar_chart(title="T", rows=[('<script>alert(1)</script>"', 1)], others="x")

    assert "<script>" not in svg
    assert labels(svg) == ['<script>alert(1)</script>" (1)']


def test_bar_chart_of_nothing_is_empty():
    assert bar_chart(title="T", rows=[], others="x") == ""
