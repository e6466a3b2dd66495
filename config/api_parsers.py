"""The API's request parsers: DRF's, with a body nested too deeply refused as bad input.

Python's JSON decoder recurses once per level of nesting; ``[[[[…]]]]`` fifty thousand levels deep ends in
``RecursionError``, which DRF's parser does not catch (it catches ``ValueError``), so the request became a
500. No Sambang request nests more than a handful of levels.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested too deeply for the decoder answers 400 with ``detail``."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("The JSON is nested too deeply to be read.")) from exc
