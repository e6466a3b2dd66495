"""News drafts of visits, edited by the public-relations office (*Humas*, the news office), and their
history: draft → in review → approved → published.

A draft starts from ``reports.news.news_draft()`` (the deterministic builder) and is then plain text that
people edit. ``version`` counts saved changes: an edit names the version it started from, and a stale one
is refused (``services.news_draft_update``) so that two editors never overwrite each other.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from visits.models import TimestampedModel


class NewsLanguage(models.TextChoices):
    # Each language by its own name, untranslated, as every language choice of the project is written
    # (delegations, message templates, the news page): the API then shares one LanguageEnum.
    INDONESIAN = "id", "Bahasa Indonesia"
    ENGLISH = "en", "English"


class NewsStatus(models.TextChoices):
    """draft → in review → approved → published; in review or approved → draft (returned)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class NewsEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    STATUS = "status", _("Status changed")


# Field lengths, shared by the model, the service's checks and the forms.
HEADLINE_MAX = 300
DATELINE_MAX = 200
CAPTION_MAX = 500
INITIALS_MAX = 20
LEAD_MAX = 5_000
BODY_MAX = 50_000

# The text of a draft, in the order it is read; a snapshot in the history holds exactly these keys.
TEXT_FIELDS = (
    "headline",
    "dateline",
    "lead",
    "body",
    "caption",
    "reporter_initials",
    "editor_initials",
)


class NewsDraft(TimestampedModel):
    """One news article about a visit in one language, as the news office edits it.

    ``dateline`` is the place and outlet without the trailing space, "Klojen (malangkota.go.id) –"; the
    lead follows it on the same line. ``body`` holds the paragraphs after the lead, separated by a blank
    line. The byline "(yul/yn)" is made from the reporter's and editor's initials.
    """

    visit = models.ForeignKey("visits.Visit", on_delete=models.CASCADE, related_name="news_drafts")
    language = models.CharField(_("language"), max_length=2, choices=NewsLanguage.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=NewsStatus.choices, default=NewsStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    headline = models.CharField(_("headline"), max_length=HEADLINE_MAX)
    dateline = models.CharField(_("dateline"), max_length=DATELINE_MAX, blank=True)
    lead = models.TextField(_("lead"), max_length=LEAD_MAX)
    body = models.TextField(_("body"), max_length=BODY_MAX, blank=True)
    caption = models.CharField(_("photo caption"), max_length=CAPTION_MAX, blank=True)
    reporter_initials = models.CharField(_("reporter's initials"), max_length=INITIALS_MAX, blank=True)
    editor_initials = models.CharField(_("editor's initials"), max_length=INITIALS_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("news draft")
        verbose_name_plural = _("news drafts")
        constraints = [
            # One article per visit and language: "Start news draft" twice opens the one already there.
            models.UniqueConstraint(fields=["visit", "language"], name="news_draft_unique_visit_language"),
            models.CheckConstraint(
                condition=models.Q(status__in=NewsStatus.values), name="news_draft_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=NewsLanguage.values), name="news_draft_language_valid"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="news_draft_version_positive"),
        ]
        indexes = [
            # The list page and the API: drafts of one status, latest change first.
            models.Index(fields=["status", "-updated_at"], name="news_draft_status_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.headline

    @property
    def paragraphs(self) -> list[str]:
        """The body's paragraphs (separated by one or more blank lines), each stripped; empty ones dropped."""
        blocks = self.body.replace("\r\n", "\n").split("\n\n")
        return [block.strip() for block in blocks if block.strip()]

    @property
    def byline(self) -> str:
        """ "(yul/yn)" from the reporter's and editor's initials; "(yul)" with one; "" with neither."""
        parts = [part.strip() for part in (self.reporter_initials, self.editor_initials) if part.strip()]
        return f"({'/'.join(parts)})" if parts else ""

    @property
    def opening(self) -> str:
        """The first paragraph as printed: the dateline, then the lead."""
        return f"{self.dateline} {self.lead}" if self.dateline else self.lead

    @property
    def caption_label(self) -> str:
        """The caption's label in the draft's own language (product text, not interface text)."""
        return "Photo caption" if self.language == NewsLanguage.ENGLISH else "Keterangan foto"

    def text_snapshot(self) -> dict[str, str]:
        """The draft's text as ``{field: value}`` over ``TEXT_FIELDS``: what a history entry stores."""
        return {name: getattr(self, name) for name in TEXT_FIELDS}


class NewsDraftEvent(models.Model):
    """One entry of a draft's history: its creation, an edit, or a change of status.

    ``snapshot`` is the whole text after the event (``NewsDraft.TEXT_FIELDS``), so that what was approved
    or published can be read back exactly; ``changed`` names the fields an edit changed.
    """

    draft = models.ForeignKey(NewsDraft, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=10, choices=NewsEventKind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=12, choices=NewsStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=NewsStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    version = models.PositiveIntegerField(_("version"))
    changed = models.JSONField(_("changed fields"), default=list, blank=True)
    snapshot = models.JSONField(_("text"), default=dict)

    class Meta:
        ordering = ["draft", "at", "pk"]
        verbose_name = _("news draft event")
        verbose_name_plural = _("news draft events")
        indexes = [
            # A draft's history on its page, oldest first.
            models.Index(fields=["draft", "at"], name="news_event_draft_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.draft_id} v{self.version}: {self.kind} {self.from_status or '—'} → {self.to_status}"
