"""The API's request parsers: DRF's, with a body nested too deeply refused as bad input, and a body that is
not JSON answered in the user's language (DRF writes "JSON parse error - " and the decoder's English).

Python's JSON decoder recurses once per level of nesting; ``[[[[…]]]]`` fifty thousand levels deep ends in
``RecursionError``, which DRF's parser does not catch (it catches ``ValueError``), so the request became a
500. No Sambang request nests more than a handful of levels.
"""

import json

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested too deeply, not JSON or not UTF-8 answers 400 with ``detail``."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("The JSON is nested too deeply to be read.")) from exc
        except ParseError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, json.JSONDecodeError):
                where = {"line": cause.lineno, "column": cause.colno}
                raise ParseError(
                    _("The request body is not valid JSON (line %(line)s, column %(column)s).") % where
                ) from exc
            if isinstance(cause, UnicodeDecodeError):
                raise ParseError(_("The request body is not text in UTF-8.")) from exc
            raise
