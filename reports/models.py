"""What came out of a visit: key points and follow-ups, the material of the report and the news draft."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from visits.models import TimestampedModel


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Completed")


class Outcome(TimestampedModel):
    """The report's framing of one visit: the photo caption and the news office's byline."""

    visit = models.OneToOneField("visits.Visit", on_delete=models.CASCADE, related_name="outcome")
    photo_caption = models.CharField(_("photo caption"), max_length=300, blank=True)
    news_byline = models.CharField(_("news byline (reporter/editor)"), max_length=40, blank=True)

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
