"""The host side of a visit: regions, institutions, officials, venues, visits, agendas and sent messages."""

import datetime as dt
import string
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .enums import (
    AgendaKind,
    DispositionDecision,
    FeedKind,
    InstitutionKind,
    MessageKind,
    MessageStatus,
    OfficialRole,
    RegionKind,
    VenueKind,
    VisitKind,
    VisitStatus,
)


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


def validate_timezone(value: str) -> None:
    """Accept only IANA zone names that this machine's zoneinfo knows ("Asia/Makassar")."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(value)s” is not a known IANA time zone."), params={"value": value}
        ) from exc


# Reminders before a visit's start, in minutes: H-7, H-3, H-1 and two hours before.
DEFAULT_REMINDER_MINUTES = [7 * 24 * 60, 3 * 24 * 60, 24 * 60, 120]


def default_reception_days() -> list[int]:
    return [0, 1, 2, 3, 4]


def validate_weekdays(value) -> None:
    """A list of distinct weekday numbers, 0 (Monday) to 6 (Sunday)."""
    if (
        not isinstance(value, list)
        or len(set(value)) != len(value)
        or any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in value)
    ):
        raise ValidationError(_("Give the days as a list of numbers from 0 (Monday) to 6 (Sunday)."))


MAX_REMINDER_MINUTES = 60 * 24 * 60  # 60 days, the reminder sweep's horizon


def default_reminder_minutes() -> list[int]:
    return list(DEFAULT_REMINDER_MINUTES)


def validate_reminder_minutes(value) -> None:
    """A list of at most 20 whole minute counts, each from 1 to 60 days."""
    if (
        not isinstance(value, list)
        or len(value) > 20
        or any(
            isinstance(m, bool) or not isinstance(m, int) or not 0 < m <= MAX_REMINDER_MINUTES for m in value
        )
    ):
        raise ValidationError(
            _("Give reminders as a list of whole numbers of minutes before the start (at most 60 days).")
        )


class Region(TimestampedModel):
    """A province, regency or city, keyed by its Kemendagri code ("35.73"), or a foreign region."""

    code = models.CharField(_("Kemendagri code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=RegionKind.choices)
    province = models.CharField(_("province"), max_length=120, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Institution(TimestampedModel):
    """A host or guest institution. A host also carries its letterhead (*kop surat*) and protocol office."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=InstitutionKind.choices, default=InstitutionKind.REGIONAL_GOVERNMENT
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("region")
    )
    # Kop surat
    letterhead_subtitle = models.CharField(_("letterhead subtitle"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    # The protocol office that sends invitations (the ORGANIZER of calendar invites).
    organizer_name = models.CharField(_("organizer name"), max_length=200, blank=True)
    organizer_position = models.CharField(_("organizer position"), max_length=300, blank=True)
    organizer_email = models.EmailField(_("organizer e-mail"), blank=True)
    # Scheduling rules of the host (warnings when a booking breaks them; see visits/conflicts.py).
    office_opens = models.TimeField(_("office opens"), default=dt.time(8, 0))
    office_closes = models.TimeField(_("office closes"), default=dt.time(16, 0))
    reception_days = models.JSONField(
        _("reception days"),
        default=default_reception_days,
        validators=[validate_weekdays],
        help_text=_("Weekdays on which visits are received: 0 = Monday … 6 = Sunday."),
    )
    lead_time_days = models.PositiveSmallIntegerField(_("minimum lead time (working days)"), default=5)
    friday_prayer_start = models.TimeField(_("Friday prayer window starts"), default=dt.time(11, 30))
    friday_prayer_end = models.TimeField(_("Friday prayer window ends"), default=dt.time(13, 0))
    venue_buffer_minutes = models.PositiveSmallIntegerField(
        _("buffer between bookings of a room (minutes)"), default=15
    )
    review_messages = models.BooleanField(
        _("review messages before they are sent"),
        default=False,
        help_text=_("Invitations, updates and cancellations wait as drafts until staff send them."),
    )
    reminder_minutes = models.JSONField(
        _("reminders (minutes before the start)"),
        default=default_reminder_minutes,
        blank=True,
        validators=[validate_reminder_minutes],
        help_text=_(
            "For example [10080, 4320, 1440, 120]: H-7, H-3, H-1 and two hours before. Empty: no reminders."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.name


class HostMembership(TimestampedModel):
    """A user works for a host (a regional government's office); every query of theirs is scoped to it.

    One install can serve several hosts (a province and its cities). A user may belong to more than one
    host; a superuser (the administrator) sees every host. See ``visits/scoping.py``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="host_memberships",
        verbose_name=_("user"),
    )
    host = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("host")
    )

    class Meta:
        verbose_name = _("host membership")
        verbose_name_plural = _("host memberships")
        constraints = [models.UniqueConstraint(fields=["user", "host"], name="unique_host_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.host}"


class Official(TimestampedModel):
    """An official of the host who receives, presents or guides; precedence 1 sits first."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="officials", verbose_name=_("institution")
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=300)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    precedence = models.PositiveSmallIntegerField(_("precedence"), default=100)

    class Meta:
        ordering = ["institution", "precedence", "name"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name"], name="official_unique_name_per_institution"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.position}"


class Venue(TimestampedModel):
    """A meeting room, lobby or hall of the host, or a site that delegations are toured through."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="venues", verbose_name=_("institution")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=VenueKind.choices, default=VenueKind.MEETING_ROOM
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (people)"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["institution", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="venue_unique_name_per_institution"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="venue_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


def new_visit_uid() -> str:
    """A globally unique iCalendar UID (RFC 5545 §3.8.4.7) for a new visit: ``<uuid4>@<SAMBANG_DOMAIN>``."""
    return f"{uuid.uuid4()}@{settings.SAMBANG_DOMAIN}"


class Visit(TimestampedModel):
    """One visit of a delegation to a host, from the request to the report.

    ``uid`` never changes once created; ``sequence`` is the iCalendar SEQUENCE of its invites and grows
    by one at every change that the organizer sends out (RFC 5545 §3.8.7.4).
    """

    host = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="hosted_visits", verbose_name=_("host")
    )
    delegation = models.ForeignKey(
        "delegations.Delegation",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("delegation"),
    )
    kind = models.CharField(_("visit kind"), max_length=30, choices=VisitKind.choices)
    title = models.CharField(_("title"), max_length=300)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    timezone = models.CharField(_("host time zone"), max_length=64, validators=[validate_timezone])
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("main venue"),
        null=True,
        blank=True,
    )
    officials = models.ManyToManyField(
        Official, through="VisitOfficial", related_name="visits", verbose_name=_("official")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.REQUESTED
    )
    uid = models.CharField(
        _("iCalendar UID"), max_length=255, unique=True, default=new_visit_uid, editable=False
    )
    sequence = models.PositiveIntegerField(_("iCalendar SEQUENCE"), default=0)
    invitations_sent_at = models.DateTimeField(_("invitations sent at"), null=True, blank=True)
    reminder_minutes = models.JSONField(
        _("reminders (minutes before the start)"),
        null=True,
        blank=True,
        validators=[validate_reminder_minutes],
        help_text=_("Empty: the host's reminders."),
    )
    cancellation_reason = models.TextField(_("cancellation reason"), blank=True)
    booking_warnings = models.JSONField(
        _("warnings accepted at booking"),
        default=list,
        blank=True,
        help_text=_("What the scheduling rules warned of when the visit was booked, with the reason given."),
    )
    all_day = models.BooleanField(
        _("send as all-day event"),
        default=False,
        help_text=_("Calendars show the visit's days as all-day events instead of its hours."),
    )

    class Meta:
        ordering = ["-start"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="visit_end_after_start"),
        ]
        indexes = [
            # The visit list and the "what is coming" views: a host's visits by start time.
            models.Index(fields=["host", "start"], name="visit_host_start_idx"),
            # The reminder sweep: scheduled visits starting within the next week.
            models.Index(fields=["status", "start"], name="visit_status_start_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def effective_reminder_minutes(self) -> list[int]:
        """The visit's own reminders, or else its host's, largest first."""
        minutes = self.reminder_minutes if self.reminder_minutes is not None else self.host.reminder_minutes
        return sorted(set(minutes or []), reverse=True)


class VisitOfficial(models.Model):
    """An official's part in a visit (receiving official, presenter, resource person, guide)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="visit_officials")
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="visit_roles")
    role = models.CharField(_("role"), max_length=30, choices=OfficialRole.choices)

    class Meta:
        ordering = ["official__precedence", "official__name"]
        verbose_name = _("visit official")
        verbose_name_plural = _("visit officials")
        constraints = [
            models.UniqueConstraint(fields=["visit", "official"], name="visit_official_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.official.name} ({self.get_role_display()})"


class AgendaItem(models.Model):
    """One slot of a visit's agenda. Being inside the visit's window is checked by the services."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="agenda_items")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    kind = models.CharField(_("kind"), max_length=20, choices=AgendaKind.choices, default=AgendaKind.OTHER)
    title = models.CharField(_("title"), max_length=300)
    venue = models.ForeignKey(
        Venue,
        on_delete=models.PROTECT,
        related_name="agenda_items",
        null=True,
        blank=True,
        verbose_name=_("venue"),
    )
    official = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        related_name="agenda_items",
        null=True,
        blank=True,
        verbose_name=_("host speaker or guide"),
    )
    guest_speaker = models.CharField(_("guest speaker"), max_length=200, blank=True)
    # Copied from the visit's status (``enums.HOLDS_ROOMS``): only a booked visit's items hold their
    # room; a request, a declined or a cancelled visit's do not. PostgreSQL's exclusion constraint
    # (migration 0004) and the conflict checks read it.
    holds_room = models.BooleanField(default=True, editable=False)

    class Meta:
        ordering = ["start", "end", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="agenda_item_end_after_start"),
        ]
        indexes = [
            # Conflict checks: items of one venue that overlap a time range.
            models.Index(fields=["venue", "start", "end"], name="agenda_venue_time_idx"),
            # Conflict checks: items of one official that overlap a time range.
            models.Index(fields=["official", "start", "end"], name="agenda_official_time_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def speaker_name(self) -> str:
        return self.official.name if self.official_id else self.guest_speaker


class Message(TimestampedModel):
    """One e-mail to one recipient about one visit: the outbox row that makes sending exactly-once.

    A row is created as *queued* by a service and claimed by the sending task under a lock; a row that
    says *sent* is never sent again.
    """

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    sequence = models.PositiveIntegerField(_("SEQUENCE"))
    recipient_name = models.CharField(_("recipient name"), max_length=200)
    recipient_email = models.EmailField(_("recipient e-mail"))
    recipient_position = models.CharField(_("recipient position"), max_length=300, blank=True)
    # "host" for the host's own officials, "guest" for the delegation: the wording differs.
    recipient_side = models.CharField(_("recipient side"), max_length=10, default="guest")
    recipient_timezone = models.CharField(
        _("recipient time zone"), max_length=64, validators=[validate_timezone]
    )
    recipient_language = models.CharField(_("language"), max_length=8, default="id")
    status = models.CharField(
        _("status"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Reminders only: how many minutes before the start this one is (0 for every other kind).
    reminder_minutes = models.PositiveIntegerField(_("reminder (minutes before)"), default=0)

    class Meta:
        ordering = ["-created_at", "recipient_email"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "kind", "sequence", "reminder_minutes", "recipient_email"],
                name="message_once_per_recipient_and_sequence",
            ),
        ]
        indexes = [
            # The outbox of a visit, newest first, and the "what is still queued" sweep.
            models.Index(fields=["visit", "status"], name="message_visit_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient_email} ({self.get_status_display()})"


class CalendarFeed(TimestampedModel):
    """A calendar subscription (webcal) of a host's visits, whole or for one official, venue or delegation.

    Only a SHA-256 hash of the secret token is stored; the URL is shown once, when the feed is created.
    A revoked feed answers 404.
    """

    host = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="calendar_feeds")
    kind = models.CharField(_("kind"), max_length=20, choices=FeedKind.choices)
    official = models.ForeignKey(
        Official, on_delete=models.CASCADE, null=True, blank=True, related_name="feeds"
    )
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, null=True, blank=True, related_name="feeds")
    delegation = models.ForeignKey(
        "delegations.Delegation", on_delete=models.CASCADE, null=True, blank=True, related_name="feeds"
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["host", "kind", "-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=FeedKind.HOST, official__isnull=True, venue__isnull=True, delegation__isnull=True)
                    | Q(
                        kind=FeedKind.OFFICIAL,
                        official__isnull=False,
                        venue__isnull=True,
                        delegation__isnull=True,
                    )
                    | Q(
                        kind=FeedKind.VENUE,
                        official__isnull=True,
                        venue__isnull=False,
                        delegation__isnull=True,
                    )
                    | Q(
                        kind=FeedKind.DELEGATION,
                        official__isnull=True,
                        venue__isnull=True,
                        delegation__isnull=False,
                    )
                ),
                name="calendar_feed_target_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.get_kind_display()} ({self.host})"


class StatusChange(models.Model):
    """The audit trail of a visit's workflow: who moved it from which state to which, when, and why."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=VisitStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=VisitStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["visit", "at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [
            # A visit's history on its page, oldest first.
            models.Index(fields=["visit", "at"], name="status_change_visit_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.from_status or '—'} → {self.to_status}"


class Disposition(TimestampedModel):
    """The leadership's decision (*disposisi*) on a visit request: accept, decline or hand to an agency."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="dispositions")
    decision = models.CharField(_("decision"), max_length=10, choices=DispositionDecision.choices)
    note = models.TextField(_("note"), blank=True)
    forwarded_to = models.CharField(_("handed to (agency)"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        ordering = ["visit", "created_at"]
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision=DispositionDecision.FORWARD) | ~Q(forwarded_to=""),
                name="disposition_forward_names_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.get_decision_display()}"


class ReplyLetter(TimestampedModel):
    """The host's reply letter (*surat balasan*) to the requesting institution: acceptance or refusal."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="reply_letters")
    host = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="reply_letters")
    number = models.CharField(_("letter number"), max_length=120)
    date = models.DateField(_("letter date"))
    accepted = models.BooleanField(_("accepting"))
    reason = models.TextField(_("reason (when declining)"), blank=True)
    signed_by_name = models.CharField(_("signed by"), max_length=200)
    signed_by_position = models.CharField(_("position of the signatory"), max_length=300)
    # What the letter told the guest when it was issued. The visit may move afterwards; an issued,
    # numbered letter does not change (a new letter is issued instead: ``differs_from``).
    visit_start = models.DateTimeField(_("visit start in the letter"), null=True, editable=False)
    visit_end = models.DateTimeField(_("visit end in the letter"), null=True, editable=False)
    venue_name = models.CharField(_("venue in the letter"), max_length=200, blank=True, editable=False)
    venue_address = models.CharField(
        _("venue address in the letter"), max_length=300, blank=True, editable=False
    )
    booked = models.BooleanField(_("time and place confirmed in the letter"), default=False, editable=False)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("reply letter")
        verbose_name_plural = _("reply letters")
        constraints = [
            models.UniqueConstraint(fields=["host", "number"], name="reply_letter_number_unique_per_host"),
        ]

    def __str__(self) -> str:
        return self.number

    def differs_from(self, visit: "Visit") -> bool:
        """True when an accepting letter gives another time or place than ``visit`` has now (it moved)."""
        venue = visit.venue.name if visit.venue else ""
        return self.accepted and (self.visit_start, self.visit_end, self.venue_name) != (
            visit.start,
            visit.end,
            venue,
        )


MESSAGE_TEMPLATE_FIELDS = ("visit", "host", "delegation", "date", "time", "venue", "recipient")


def validate_message_text(value: str) -> None:
    """Only the placeholders {visit}, {host}, {delegation}, {date}, {time}, {venue} and {recipient}."""
    try:
        fields = [
            (name, spec, conversion) for _text, name, spec, conversion in string.Formatter().parse(value)
        ]
    except ValueError:
        fields = [("?", "", None)]
    # Bare names only: no attribute or index access ({visit.__class__}), no format spec, no conversion.
    if any(
        name is not None and (name not in MESSAGE_TEMPLATE_FIELDS or spec or conversion)
        for name, spec, conversion in fields
    ):
        raise ValidationError(
            _("Use only the placeholders %(names)s, each in braces; write {{ and }} for a brace.")
            % {"names": ", ".join("{" + name + "}" for name in MESSAGE_TEMPLATE_FIELDS)}
        )


class MessageTemplate(TimestampedModel):
    """A host's own wording of one kind of e-mail in one language, replacing Sambang's subject prefix and
    opening paragraph. Plain text with placeholders (never template code), so staff can edit it safely."""

    host = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="message_templates")
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    language = models.CharField(
        _("language"), max_length=8, choices=[("id", "Bahasa Indonesia"), ("en", "English")]
    )
    subject = models.CharField(
        _("subject prefix"),
        max_length=200,
        blank=True,
        validators=[validate_message_text],
        help_text=_("Before the visit's title and date, e.g. “Undangan”. Empty: Sambang's own."),
    )
    opening = models.TextField(
        _("opening paragraph"),
        blank=True,
        validators=[validate_message_text],
        help_text=_(
            "Placeholders: {visit}, {host}, {delegation}, {date}, {time}, {venue}, {recipient}. Empty: Sambang's own."
        ),
    )

    class Meta:
        ordering = ["host", "kind", "language"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["host", "kind", "language"], name="message_template_unique_per_kind_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.host}: {self.get_kind_display()} ({self.language})"
