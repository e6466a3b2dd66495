"""What typed text may hold, shared by services, serializers and forms of every app.

Control characters (C0 U+0000–U+001F and DEL U+007F) are never typed on purpose: they come from a paste
accident or an attack. PostgreSQL refuses NUL in text, XML 1.0 (the .docx and .xlsx files) refuses the
other C0 controls, and a line break in a name or an address header lets text pass into an e-mail's
headers. So one-line fields (names, positions, units, places, e-mail addresses, phones) refuse every
control character, tab and line breaks included; multi-line fields (notes, follow-ups, quotes) allow tab
and line breaks and refuse the rest. ``news.services`` and ``visits.importer`` use these same patterns.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Refused in one-line text: every C0 control (tab, CR and LF included) and DEL.
ONE_LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
# Refused in multi-line text: C0 controls except tab, LF and CR, and DEL.
MULTILINE_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize_line_breaks(value: str) -> str:
    """``value`` with CRLF and lone CR turned into LF, as browsers send a textarea's text with CRLF."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def control_character_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` may not be saved as it is, or None when it holds no refused character.

    One-line text (``multiline=False``) refuses every control character, line breaks and tab included;
    multi-line text refuses the C0 controls other than tab, CR and LF, and DEL. Returns a translated
    sentence that does not name the field (the caller adds it).
    """
    if multiline:
        return _("It contains control characters.") if MULTILINE_CONTROLS.search(value) else None
    if "\n" in value or "\r" in value:
        return _("It must be one line, without line breaks.")
    if ONE_LINE_CONTROLS.search(value):
        return _("It contains control characters.")
    return None


def validate_one_line(value) -> None:
    """Django/DRF validator: raise ``ValidationError`` when ``value`` holds a line break or a control
    character (see ``control_character_problem``)."""
    problem = control_character_problem(str(value), multiline=False)
    if problem:
        raise ValidationError(problem, code="control_characters")


def validate_multiline(value) -> None:
    """Django/DRF validator: raise ``ValidationError`` when ``value`` holds a control character other than
    tab or a line break."""
    problem = control_character_problem(str(value), multiline=True)
    if problem:
        raise ValidationError(problem, code="control_characters")


# A phone number as offices write it: "+62 341 551333", "(0341) 551-333", "0812.3456.7890", "0341/551333".
PHONE = re.compile(r"\+?[0-9 ()./-]+")
PHONE_MIN_DIGITS = 5  # the shortest Indonesian numbers (local lines without area code) have 5 digits


def validate_phone(value) -> None:
    """Django/DRF validator: raise ``ValidationError`` unless ``value`` (stripped) is empty or a phone
    number made of digits, spaces and ``+ ( ) - . /`` (a leading ``+`` only) with at least
    ``PHONE_MIN_DIGITS`` digits."""
    text = str(value).strip()
    if text and (not PHONE.fullmatch(text) or sum(c.isdigit() for c in text) < PHONE_MIN_DIGITS):
        raise ValidationError(
            _("Write the phone number with digits, spaces and + ( ) - . / only, e.g. +62 341 551333."),
            code="phone",
        )
