"""What came out of a visit: attendance, agenda notes, key points, quotes, follow-ups, photos and documents,
the material of the report and the news draft; and the report's signature block (on ``Outcome``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from visits.models import TimestampedModel


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Completed")


class Outcome(TimestampedModel):
    """The report's framing of one visit: the photo caption, the news office's byline and the signature block."""

    visit = models.OneToOneField("visits.Visit", on_delete=models.CASCADE, related_name="outcome")
    photo_caption = models.CharField(_("photo caption"), max_length=300, blank=True)
    news_byline = models.CharField(_("news byline (reporter/editor)"), max_length=40, blank=True)
    # The report's signature block: who prepared it and who approved it, where and when it was signed.
    # NIP: the 18-digit civil servant number (PP 11/2017), stored as digits; empty for someone without one.
    prepared_by_name = models.CharField(_("prepared by"), max_length=200, blank=True)
    prepared_by_position = models.CharField(_("position of the preparer"), max_length=300, blank=True)
    prepared_by_nip = models.CharField(_("NIP of the preparer"), max_length=18, blank=True)
    approved_by_name = models.CharField(_("approved by"), max_length=200, blank=True)
    approved_by_position = models.CharField(_("position of the approver"), max_length=300, blank=True)
    approved_by_nip = models.CharField(_("NIP of the approver"), max_length=18, blank=True)
    signed_place = models.CharField(_("place of signing"), max_length=100, blank=True)
    signed_date = models.DateField(_("date of signing"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit outcome")
        verbose_name_plural = _("visit outcomes")

    def __str__(self) -> str:
        return str(self.visit)


class KeyPoint(models.Model):
    """One key point of what was presented or agreed, in the order it appears in the report."""

    visit = models.ForeignKey("visits.Visit", on_delete=models.CASCADE, related_name="key_points")
    position = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["visit", "position"]
        verbose_name = _("key point")
        verbose_name_plural = _("key points")
        constraints = [
            models.UniqueConstraint(fields=["visit", "position"], name="key_point_unique_position"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class FollowUp(models.Model):
    """A follow-up agreed at the visit: what, which unit owns it, by when, and whether it is done."""

    visit = models.ForeignKey("visits.Visit", on_delete=models.CASCADE, related_name="follow_ups")
    position = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("follow-up"))
    owner_unit = models.CharField(_("owning unit"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )

    class Meta:
        ordering = ["visit", "position"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["visit", "position"], name="follow_up_unique_position"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class AttendanceKind(models.TextChoices):
    LEADER = "leader", _("Leader")
    MEMBER = "member", _("Member")
    WALK_IN = "walk_in", _("Walk-in")


class Attendance(TimestampedModel):
    """Whether one person of the delegation was there: its leader, a listed member, or a walk-in.

    Name, position and institution are copied when attendance is recorded, so the record still reads
    right after the member list changes; ``member`` links a listed member while that row exists.
    """

    visit = models.ForeignKey("visits.Visit", on_delete=models.CASCADE, related_name="attendances")
    kind = models.CharField(_("kind"), max_length=10, choices=AttendanceKind.choices)
    member = models.ForeignKey(
        "delegations.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("delegation member"),
    )
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=300, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        ordering = ["visit", "kind", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "member"],
                condition=Q(member__isnull=False),
                name="attendance_unique_member_per_visit",
            ),
            models.UniqueConstraint(
                fields=["visit"],
                condition=Q(kind="leader"),
                name="attendance_unique_leader_per_visit",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="attendance_name_not_empty"),
            # Only a listed member links to a member row; the leader and walk-ins are text only.
            models.CheckConstraint(
                condition=Q(kind="member") | Q(member__isnull=True),
                name="attendance_member_only_for_members",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({_('present') if self.present else _('absent')})"


class AgendaNote(TimestampedModel):
    """What was said or done in one agenda item, as the note-taker wrote it."""

    agenda_item = models.ForeignKey(
        "visits.AgendaItem", on_delete=models.CASCADE, related_name="notes", verbose_name=_("agenda item")
    )
    text = models.TextField(_("note"))

    class Meta:
        ordering = ["agenda_item__start", "agenda_item__pk"]
        verbose_name = _("agenda note")
        verbose_name_plural = _("agenda notes")
        constraints = [
            models.UniqueConstraint(fields=["agenda_item"], name="agenda_note_unique_per_item"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Quote(TimestampedModel):
    """Words someone said at the visit, for the report and the news draft: who said them and in which role."""

    visit = models.ForeignKey("visits.Visit", on_delete=models.CASCADE, related_name="quotes")
    speaker_name = models.CharField(_("speaker"), max_length=200)
    speaker_position = models.CharField(_("speaker's position"), max_length=300, blank=True)
    words = models.TextField(_("words"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["visit", "order", "pk"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.CheckConstraint(condition=~Q(speaker_name=""), name="quote_speaker_not_empty"),
            models.CheckConstraint(condition=~Q(words=""), name="quote_words_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker_name}: {self.words[:60]}"


class Photo(TimestampedModel):
    """A photo of the visit, re-encoded without metadata (see ``services.photo_add``), with its thumbnail.

    ``width`` and ``height`` are of the stored image in pixels; ``size_bytes`` is the size of the upload.
    """

    visit = models.ForeignKey("visits.Visit", on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to="photos/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="photos/thumbs/")
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    width = models.PositiveIntegerField(_("width (px)"))
    height = models.PositiveIntegerField(_("height (px)"))
    size_bytes = models.PositiveIntegerField(_("uploaded size (bytes)"))

    class Meta:
        ordering = ["visit", "order", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.CheckConstraint(condition=Q(width__gt=0, height__gt=0), name="photo_dimensions_positive"),
        ]

    def __str__(self) -> str:
        return self.caption[:80] or self.image.name


class DocumentType(models.TextChoices):
    """The kinds of document accepted, by MIME type; each is recognised by its content, not its name."""

    PDF = "application/pdf", "PDF"
    PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint (.pptx)"
    PPT = "application/vnd.ms-powerpoint", "PowerPoint 97–2003 (.ppt)"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (.docx)"
    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (.xlsx)"


class Document(TimestampedModel):
    """A file handed over or shown at the visit (slides, a paper), stored under a name of our own."""

    visit = models.ForeignKey("visits.Visit", on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to="documents/")
    title = models.CharField(_("title"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100, choices=DocumentType.choices)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        ordering = ["visit", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="document_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class RenderStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Rendering")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReportKind(models.TextChoices):
    VISIT_REPORT = "visit_report", _("Visit report")


class ReportRender(TimestampedModel):
    """The stored PDF of one visit's report in one language, and the state of its latest render.

    ``fingerprint`` (``reports.pdf.report_fingerprint``: SHA-256 of the report's HTML, CSS, fonts and the
    identity of its photos) says which data the stored ``file`` or the queued render is made from; a request
    whose data has the same fingerprint gets the stored file, any other renders again (``services``).
    ``progress`` is 0–100, ``stage`` its label ("layout", "writing"). One row per visit, kind and language.
    """

    visit = models.ForeignKey("visits.Visit", on_delete=models.CASCADE, related_name="report_renders")
    kind = models.CharField(
        _("kind"), max_length=20, choices=ReportKind.choices, default=ReportKind.VISIT_REPORT
    )
    language = models.CharField(_("language"), max_length=10)
    fingerprint = models.CharField(_("data fingerprint"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=RenderStatus.choices, default=RenderStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=20, blank=True)
    file = models.FileField(_("file"), upload_to="reports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["visit", "kind", "language"]
        verbose_name = _("report render")
        verbose_name_plural = _("report renders")
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "kind", "language"], name="report_render_unique_per_language"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_render_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.visit} ({self.language}): {self.get_status_display()}"
