"""The recap's charts as SVG, drawn with pygal and embedded inline in the PDF's HTML.

pygal builds its SVG with lxml, which escapes every label (region and topic names are user text), and is
told not to link its JavaScript; the SVG styles itself with an inline ``<style>`` that WeasyPrint reads,
in the report's own font. Nothing is fetched.
"""

import sys

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

# pygal (3.1) appends to ``sys.meta_path`` a finder for its map plugins (``pygal.maps.*``, unused here)
# that has no ``find_spec``: from then on every import that fails anywhere in the process raises
# ``ImportWarning`` on Python 3.11 (an error under the test suite's ``filterwarnings = error``), and Python
# 3.12 ignores such finders anyway. Taking it out changes nothing but ``import pygal.maps.<plugin>``.
sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, pygal.PluginImportFixer)]

# The longest label kept whole; longer ones are cut with an ellipsis (the table beside it has the full name).
MAX_LABEL = 40
# At most this many bars: the rest are summed into one "others" bar (the table lists them all).
MAX_BARS = 12
BAR_HEIGHT = 24  # px per bar, in the SVG's own units (700 px is the width of the page's text)

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    font_family="DejaVu Sans, Liberation Sans, Noto Sans, Arial, sans-serif",
    foreground_subtle="#d0d5db",
    colors=("#1f4e79",),
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=11,
    title_font_size=14,
)


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def bar_chart(*, title: str, rows: list[tuple[str, int]], others: str) -> SafeString:
    """A horizontal bar chart of ``rows`` (label, count), largest at the top, as inline SVG markup; each
    bar is labelled "label (count)".

    More than ``MAX_BARS`` rows: the smallest are summed into one bar labelled ``others``. No rows: an
    empty string (the template says "none"). The SVG is 700 px wide and 24 px a bar high.
    """
    if not rows:
        return mark_safe("")  # noqa: S308 - an empty string
    if len(rows) > MAX_BARS:
        rest = sum(value for _label_text, value in rows[MAX_BARS - 1 :])
        rows = [*rows[: MAX_BARS - 1], (others, rest)]
    chart = pygal.HorizontalBar(
        style=STYLE,
        width=700,
        height=70 + BAR_HEIGHT * len(rows) + 30,
        explicit_size=True,
        show_legend=False,
        # The count is written in each bar's label, where it stays readable however short the bar; the
        # value axis and its guides (fractions such as 0.5 for small counts) would only add noise.
        print_values=False,
        show_x_guides=False,
        show_y_guides=False,
        show_x_labels=False,
        range=(0, max(value for _label_text, value in rows) or 1),
        js=[],
        disable_xml_declaration=True,
        truncate_label=-1,
        margin=8,
    )
    chart.title = str(title)
    # pygal draws the first value at the bottom: reversed, the largest is on top.
    chart.x_labels = [f"{_label(str(label))} ({value})" for label, value in reversed(rows)]
    chart.add(str(title), [value for _label_text, value in reversed(rows)])
    return mark_safe(chart.render(is_unicode=True))  # noqa: S308 - built by lxml, every text escaped
