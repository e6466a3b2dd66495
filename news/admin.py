"""Django admin of news drafts: read-only, so that every change goes through the draft's page or the API
and keeps its version and history (``services.py``)."""

from django.contrib import admin

from .models import NewsDraft, NewsDraftEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class NewsDraftEventInline(admin.TabularInline):
    model = NewsDraftEvent
    fields = ["at", "kind", "by", "from_status", "to_status", "version", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NewsDraft)
class NewsDraftAdmin(ReadOnlyAdmin):
    list_display = ["headline", "visit", "language", "status", "version", "updated_at", "updated_by"]
    list_filter = ["status", "language"]
    search_fields = ["headline", "visit__title"]
    list_select_related = ["visit", "updated_by"]
    inlines = [NewsDraftEventInline]


@admin.register(NewsDraftEvent)
class NewsDraftEventAdmin(ReadOnlyAdmin):
    list_display = ["draft", "kind", "from_status", "to_status", "version", "at", "by"]
    list_filter = ["kind", "to_status"]
    list_select_related = ["draft", "by"]
