"""Building the e-mail of one outbox row (iMIP, RFC 6047): invitation, update, cancellation or reminder.

Structure, as calendar clients expect it::

    multipart/mixed
      multipart/alternative
        text/plain                                   (the invitation, readable anywhere)
        text/html
        text/calendar; method=REQUEST or CANCEL       (what Outlook, Gmail and Apple Calendar act on)
      application/ics; name=invite.ics               (the same calendar as a file)

A reminder is the ``multipart/alternative`` of text and HTML alone.
"""

import email.charset
import email.encoders
import urllib.parse
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy

from .enums import MessageKind, VisitStatus
from .ical import agenda_lines, calendar_bytes, invitation_calendar, venue_location
from .models import Message, MessageTemplate, Visit
from .selectors import Recipient
from .zones import local_range, long_date, zone_label

_QP_UTF8 = email.charset.Charset("utf-8")
_QP_UTF8.body_encoding = email.charset.QP
_B64_UTF8 = email.charset.Charset("utf-8")
_B64_UTF8.body_encoding = email.charset.BASE64


def message_id_of(message: Message) -> str:
    """The Message-ID of an outbox row: fixed per row, so a copy resent after a crash is recognised as the
    same message (RFC 5322 §3.6.4)."""
    return f"<sambang-message-{message.pk}.{message.visit_id}@{settings.SAMBANG_DOMAIN}>"


def map_link(visit: Visit) -> str:
    """An OpenStreetMap search link for the main venue's address, or '' when the venue has none."""
    location = venue_location(visit)
    if not location:
        return ""
    return "https://www.openstreetmap.org/search?query=" + urllib.parse.quote(location)


def message_context(*, message: Message, visit: Visit) -> dict:
    """What the message templates show: both local times, the agenda in both zones, venue, contacts."""
    same_zone = zone_label(message.recipient_timezone, visit.start) == zone_label(visit.timezone, visit.start)
    return {
        "visit": visit,
        "language": message.recipient_language,
        "kind": message.kind,
        "side": message.recipient_side,
        "recipient_name": message.recipient_name,
        "recipient_position": message.recipient_position,
        "letter_date": long_date(visit.delegation.request_letter_date, message.recipient_language),
        "removed": message.kind == MessageKind.CANCEL and visit.status != VisitStatus.CANCELLED,
        "reminder_days": message.reminder_minutes // (24 * 60),
        "reminder_hours": message.reminder_minutes // 60,
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


SUBJECT_PREFIXES = {
    MessageKind.INVITE: gettext_lazy("Invitation"),
    MessageKind.UPDATE: gettext_lazy("Schedule change"),
    MessageKind.CANCEL: gettext_lazy("Cancelled"),
    MessageKind.REMINDER: gettext_lazy("Reminder"),
}


def _calendar_for(message: Message, visit: Visit) -> tuple[str, bytes] | None:
    """The iTIP method and calendar a message carries; None for a reminder (plain e-mail)."""
    if message.kind == MessageKind.REMINDER:
        return None
    if message.kind == MessageKind.CANCEL:
        # A whole visit cancelled names everyone; a person taken off gets a CANCEL naming only them.
        attendees = None if visit.status == VisitStatus.CANCELLED else [recipient_of(message)]
        calendar = invitation_calendar(
            visit=visit, method="CANCEL", language=message.recipient_language, attendees=attendees
        )
        return "CANCEL", calendar_bytes(calendar)
    calendar = invitation_calendar(visit=visit, method="REQUEST", language=message.recipient_language)
    return "REQUEST", calendar_bytes(calendar)


def template_placeholders(context: dict, visit: Visit) -> dict[str, str]:
    """The values a host's own wording (``MessageTemplate``) may use."""
    return {
        "visit": visit.title,
        "host": visit.host.name,
        "delegation": visit.delegation.institution.name,
        "date": context["host_time"],
        "time": context["host_time"],
        "venue": context["location"],
        "recipient": context["recipient_name"],
    }


def message_email(*, message: Message, visit: Visit) -> EmailMessage:
    """The e-mail for outbox row ``message``: a Django ``EmailMessage`` ready to send.

    Invitations and updates carry an iTIP REQUEST, cancellations a CANCEL, both as the third part of
    ``multipart/alternative`` (``text/calendar; method=…``) and again as ``invite.ics``; reminders are
    text and HTML only. From is the host's organizer address, which is the ORGANIZER (RFC 6047 §3); the
    Message-ID is the row's own (``message_id_of``), the same at every attempt, and is stored once sent. Written in the recipient's language.
    """
    with translation.override(message.recipient_language):
        context = message_context(message=message, visit=visit)
        own = MessageTemplate.objects.filter(
            host_id=visit.host_id, kind=message.kind, language=message.recipient_language
        ).first()
        prefix = SUBJECT_PREFIXES[message.kind]
        if own is not None:
            placeholders = template_placeholders(context, visit)
            prefix = own.subject.format_map(placeholders) if own.subject else prefix
            context["own_opening"] = own.opening.format_map(placeholders) if own.opening else ""
        subject = f"{prefix}: {visit.title} — {context['host_time']}"
        text = render_to_string("visits/email/message.txt", context)
        html = render_to_string("visits/email/message.html", context)

    body = MIMEMultipart("alternative")
    body.attach(MIMEText(text, "plain", _QP_UTF8))
    body.attach(MIMEText(html, "html", _QP_UTF8))
    attachment = None
    calendar = _calendar_for(message, visit)
    if calendar is not None:
        method, ics = calendar
        calendar_part = MIMEText(ics.decode("utf-8"), "calendar", _B64_UTF8)
        calendar_part.set_param("method", method)
        body.attach(calendar_part)
        attachment = MIMEBase("application", "ics", name="invite.ics")
        attachment.set_payload(ics)
        email.encoders.encode_base64(attachment)
        attachment.add_header("Content-Disposition", "attachment", filename="invite.ics")

    host = visit.host
    result = EmailMessage(
        subject=subject,
        body="",
        from_email=formataddr((host.organizer_name or host.name, host.organizer_email)),
        to=[formataddr((message.recipient_name, message.recipient_email))],
        headers={"Message-ID": message_id_of(message)},
    )
    result.attach(body)
    if attachment is not None:
        result.attach(attachment)
    return result


def recipient_of(message: Message) -> Recipient:
    """The person a message is addressed to, as an ATTENDEE."""
    return Recipient(
        name=message.recipient_name,
        email=message.recipient_email,
        timezone=message.recipient_timezone,
        language=message.recipient_language,
        role="REQ-PARTICIPANT",
        side=message.recipient_side,
        position=message.recipient_position,
    )
