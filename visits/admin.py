"""Django admin for the host side of visits: list columns, filters, search, inlines."""

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.text import validate_multiline, validate_one_line
from reports.models import FollowUp, KeyPoint, Outcome

from .models import (
    AgendaItem,
    CalendarFeed,
    HostMembership,
    Institution,
    Message,
    MessageTemplate,
    Official,
    Region,
    Venue,
    Visit,
    VisitOfficial,
)
from .services import schedule_signature, visit_changes_record


def _administrators_only(request) -> bool:
    """The admin is the administrator's (a superuser's): its lists are not narrowed to a user's hosts
    (``visits.scoping``), so a host's staff work on the pages and the API instead."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _administrators_only


class PlainTextForm(forms.ModelForm):
    """An admin form whose text fields refuse control characters (``config.text``), as the API's
    ``PlainTextFieldsMixin`` does: one line, except the fields named in ``multiline_fields``."""

    multiline_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                multiline = name in self.multiline_fields
                field.validators.append(validate_multiline if multiline else validate_one_line)


class VenueForm(PlainTextForm):
    multiline_fields = ("address", "description")


class HostMembershipInline(admin.TabularInline):
    """The hosts a user works for (``visits.scoping``): edited on the user's admin page."""

    model = HostMembership
    extra = 1
    autocomplete_fields = ["host"]
    verbose_name = gettext_lazy("host this user works for")
    verbose_name_plural = gettext_lazy("hosts this user works for")


class SambangUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, HostMembershipInline]


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), SambangUserAdmin)


@admin.register(HostMembership)
class HostMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "host", "created_at"]
    list_filter = ["host"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "host__name"]
    list_select_related = ["user", "host"]
    autocomplete_fields = ["user", "host"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "timezone"]
    list_filter = ["kind", "timezone", "province"]
    search_fields = ["code", "name", "province"]


class OfficialInline(admin.TabularInline):
    model = Official
    form = PlainTextForm
    extra = 0
    fields = ["name", "position", "unit", "email", "precedence"]


class VenueInline(admin.TabularInline):
    model = Venue
    form = VenueForm
    extra = 0
    fields = ["name", "kind", "address", "capacity"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "organizer_email"]
    list_filter = ["kind", "region__province"]
    search_fields = ["name", "region__name", "region__code"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    inlines = [OfficialInline, VenueInline]


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    form = PlainTextForm
    list_display = ["name", "position", "institution", "email", "precedence"]
    list_filter = ["institution"]
    search_fields = ["name", "position", "email"]
    list_select_related = ["institution"]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    form = VenueForm
    list_display = ["name", "kind", "capacity", "institution"]
    list_filter = ["kind", "institution"]
    search_fields = ["name", "address"]
    list_select_related = ["institution"]


class VisitOfficialInline(admin.TabularInline):
    model = VisitOfficial
    extra = 0
    autocomplete_fields = ["official"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["start", "end", "kind", "title", "venue", "official", "guest_speaker"]
    autocomplete_fields = ["venue", "official"]


class KeyPointInline(admin.TabularInline):
    model = KeyPoint
    extra = 0


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 0


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ["kind", "sequence", "recipient_email", "status", "attempts", "sent_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["title", "start", "status", "kind", "host", "delegation", "sequence"]
    list_filter = ["status", "kind", "host", "delegation__institution__region__province"]
    search_fields = ["title", "delegation__institution__name", "delegation__request_letter_number", "uid"]
    date_hierarchy = "start"
    list_select_related = ["host", "delegation__institution"]
    readonly_fields = ["uid", "sequence", "invitations_sent_at", "created_at", "updated_at"]
    autocomplete_fields = ["host", "delegation", "venue"]
    inlines = [
        VisitOfficialInline,
        AgendaItemInline,
        OutcomeInline,
        KeyPointInline,
        FollowUpInline,
        MessageInline,
    ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Show and read the visit's times in its own zone (a WITA visit is edited in WITA, not WIB)."""
        visit = self.get_object(request, object_id) if object_id else None
        zone = visit.timezone if visit is not None else settings.TIME_ZONE
        extra_context = {**(extra_context or {}), "subtitle": _("Times are in %(zone)s.") % {"zone": zone}}
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # The form is rendered when the response is, after this method returns: render it here, in the
            # zone it is read in, or the page shows WIB times that a save then reads as the visit's zone.
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response

    def save_model(self, request, obj, form, change):
        request._visit_before = schedule_signature(Visit.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_visit_before", None)
        if before is not None and visit_changes_record(visit=form.instance, before=before, by=request.user):
            self.message_user(
                request,
                _(
                    "The schedule changed after the invitations went out: the invitation is now version "
                    "%(sequence)s. Press “Send invitations” on the visit page to send the update."
                )
                % {"sequence": form.instance.sequence},
                messages.WARNING,
            )


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["recipient_email", "kind", "sequence", "status", "attempts", "sent_at", "visit"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient_email", "recipient_name", "message_id", "visit__title"]
    list_select_related = ["visit"]
    readonly_fields = [field.name for field in Message._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # The outbox is what makes sending exactly-once: a deleted row would let the message go again.
        return False


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["host", "kind", "language", "subject"]
    list_filter = ["host", "kind", "language"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "host", "created_at", "revoked_at"]
    list_filter = ["kind", "host"]
    readonly_fields = ["token_hash", "created_at", "updated_at"]
    list_select_related = ["host"]
