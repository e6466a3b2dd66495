"""The guest side of a visit: the delegation (*rombongan*), its request letter and its members."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from visits.models import TimestampedModel


class Delegation(TimestampedModel):
    """A delegation of a guest institution, as announced by its request letter (*surat permohonan*)."""

    institution = models.ForeignKey(
        "visits.Institution",
        on_delete=models.PROTECT,
        related_name="delegations",
        verbose_name=_("institution"),
    )
    leader_name = models.CharField(_("leader name"), max_length=200)
    leader_position = models.CharField(_("leader position"), max_length=300)
    leader_email = models.EmailField(_("leader e-mail"), blank=True)
    contact_name = models.CharField(_("contact person (narahubung)"), max_length=200, blank=True)
    contact_position = models.CharField(_("contact position"), max_length=300, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    size = models.PositiveSmallIntegerField(_("size (people, leader included)"))
    language = models.CharField(
        _("language"), max_length=8, default="id", choices=[("id", "Bahasa Indonesia"), ("en", "English")]
    )
    request_letter_number = models.CharField(_("request letter number"), max_length=120)
    request_letter_date = models.DateField(_("request letter date"))
    request_letter_file = models.FileField(_("request letter file"), upload_to="letters/", blank=True)
    # The delegation page: a signed link carries this nonce; a new nonce revokes every older link.
    page_nonce = models.CharField(max_length=32, blank=True, editable=False)
    page_valid_days = models.PositiveSmallIntegerField(_("page valid for (days after the visit)"), default=7)
    attendance_confirmed_at = models.DateTimeField(_("attendance confirmed at"), null=True, blank=True)
    attendance_confirmed_by = models.CharField(_("attendance confirmed by"), max_length=200, blank=True)
    # A contact person with a login (group ``delegation_contact``) sees this delegation's page, nothing else.
    contact_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact_delegations",
        verbose_name=_("contact's login"),
        help_text=_("A user in the group delegation_contact: after login they see this delegation's page."),
    )

    class Meta:
        ordering = ["-request_letter_date", "institution__name"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "request_letter_number"], name="delegation_unique_request_letter"
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="delegation_size_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} ({self.request_letter_number})"

    @property
    def timezone(self) -> str:
        """The delegation's own IANA zone: the zone of its institution's region."""
        return self.institution.region.timezone


class Member(models.Model):
    """A named member of a delegation besides its leader."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["delegation", "order", "pk"]
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        constraints = [
            models.UniqueConstraint(fields=["delegation", "name"], name="member_unique_name_per_delegation"),
        ]

    def __str__(self) -> str:
        return self.name
