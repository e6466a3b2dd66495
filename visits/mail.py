"""Building the invitation e-mail (iMIP, RFC 6047) for one recipient.

Structure, as calendar clients expect it::

    multipart/mixed
      multipart/alternative
        text/plain                                   (the invitation, readable anywhere)
        text/html
        text/calendar; method=REQUEST; charset=UTF-8 (what Outlook, Gmail and Apple Calendar act on)
      application/ics; name=invite.ics               (the same calendar as a file)
"""

import email.charset
import email.encoders
import urllib.parse
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .enums import MessageKind
from .ical import agenda_lines, venue_location
from .models import Message, Visit
from .zones import local_range, zone_label

_QP_UTF8 = email.charset.Charset("utf-8")
_QP_UTF8.body_encoding = email.charset.QP
_B64_UTF8 = email.charset.Charset("utf-8")
_B64_UTF8.body_encoding = email.charset.BASE64


def map_link(visit: Visit) -> str:
    """An OpenStreetMap search link for the main venue's address, or '' when the venue has none."""
    location = venue_location(visit)
    if not location:
        return ""
    return "https://www.openstreetmap.org/search?query=" + urllib.parse.quote(location)


def invitation_context(*, message: Message, visit: Visit) -> dict:
    """What the invitation templates show: both local times, the agenda in both zones, venue, contacts."""
    same_zone = zone_label(message.recipient_timezone, visit.start) == zone_label(visit.timezone, visit.start)
    return {
        "visit": visit,
        "recipient_name": message.recipient_name,
        "is_update": message.kind == MessageKind.UPDATE,
        "host_time": local_range(visit.start, visit.end, visit.timezone, message.recipient_language),
        "recipient_time": None
        if same_zone
        else local_range(visit.start, visit.end, message.recipient_timezone, message.recipient_language),
        "host_zone": zone_label(visit.timezone, visit.start),
        "recipient_zone": zone_label(message.recipient_timezone, visit.start),
        "agenda": agenda_lines(visit),
        "agenda_recipient": None if same_zone else agenda_lines(visit, message.recipient_timezone),
        "location": venue_location(visit),
        "map_link": map_link(visit),
        "organizer": visit.host,
        "delegation": visit.delegation,
    }


def invitation_email(*, message: Message, visit: Visit, ics: bytes) -> EmailMessage:
    """The e-mail for ``message`` carrying ``ics`` (an iTIP REQUEST): a Django ``EmailMessage`` ready to send.

    From is the host's organizer address (it must equal the ORGANIZER, RFC 6047 §3); the Message-ID is
    fresh and is stored on the row once sent. Bodies are written in the recipient's language.
    """
    method = "REQUEST"
    with translation.override(message.recipient_language):
        context = invitation_context(message=message, visit=visit)
        prefix = _("Schedule change") if context["is_update"] else _("Invitation")
        subject = f"{prefix}: {visit.title} — {context['host_time']}"
        text = render_to_string("visits/email/invitation.txt", context)
        html = render_to_string("visits/email/invitation.html", context)

    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText(text, "plain", _QP_UTF8))
    alternative.attach(MIMEText(html, "html", _QP_UTF8))
    calendar_part = MIMEText(ics.decode("utf-8"), "calendar", _B64_UTF8)
    calendar_part.set_param("method", method)
    alternative.attach(calendar_part)

    attachment = MIMEBase("application", "ics", name="invite.ics")
    attachment.set_payload(ics)
    email.encoders.encode_base64(attachment)
    attachment.add_header("Content-Disposition", "attachment", filename="invite.ics")

    host = visit.host
    sender = formataddr((host.organizer_name or host.name, host.organizer_email))
    result = EmailMessage(
        subject=subject,
        body="",
        from_email=sender,
        to=[formataddr((message.recipient_name, message.recipient_email))],
        headers={"Message-ID": make_msgid(domain=settings.SAMBANG_DOMAIN)},
    )
    result.attach(alternative)
    result.attach(attachment)
    return result
