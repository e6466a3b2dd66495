"""Django admin for what came out of a visit."""

from django.contrib import admin

from .models import AgendaNote, Attendance, Document, FollowUp, KeyPoint, Outcome, Photo, Quote


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["visit", "photo_caption", "news_byline", "prepared_by_name", "approved_by_name"]
    search_fields = ["visit__title", "photo_caption"]
    list_select_related = ["visit"]


@admin.register(KeyPoint)
class KeyPointAdmin(admin.ModelAdmin):
    list_display = ["visit", "position", "text"]
    search_fields = ["text", "visit__title"]
    list_select_related = ["visit"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["visit", "position", "text", "owner_unit", "due_date", "status"]
    list_filter = ["status"]
    search_fields = ["text", "owner_unit", "visit__title"]
    list_select_related = ["visit"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["visit", "kind", "name", "position", "institution", "present"]
    list_filter = ["kind", "present"]
    search_fields = ["name", "position", "institution", "visit__title"]
    list_select_related = ["visit"]
    raw_id_fields = ["visit", "member"]


@admin.register(AgendaNote)
class AgendaNoteAdmin(admin.ModelAdmin):
    list_display = ["agenda_item", "text"]
    search_fields = ["text", "agenda_item__title", "agenda_item__visit__title"]
    list_select_related = ["agenda_item"]
    raw_id_fields = ["agenda_item"]


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["visit", "order", "speaker_name", "speaker_position", "words"]
    search_fields = ["speaker_name", "words", "visit__title"]
    list_select_related = ["visit"]
    raw_id_fields = ["visit"]


class UploadedThroughServicesAdmin(admin.ModelAdmin):
    """Files come in through the outcome page or the API, where they are checked (and photos cleaned of
    their metadata); the admin shows them, edits their text and deletes them, but adds none."""

    list_select_related = ["visit"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Photo)
class PhotoAdmin(UploadedThroughServicesAdmin):
    list_display = ["visit", "order", "caption", "width", "height", "size_bytes"]
    search_fields = ["caption", "visit__title"]
    fields = ["visit", "image", "thumbnail", "caption", "order", "width", "height", "size_bytes"]
    readonly_fields = ["visit", "image", "thumbnail", "width", "height", "size_bytes"]


@admin.register(Document)
class DocumentAdmin(UploadedThroughServicesAdmin):
    list_display = ["visit", "title", "content_type", "size_bytes"]
    list_filter = ["content_type"]
    search_fields = ["title", "visit__title"]
    fields = ["visit", "file", "title", "content_type", "size_bytes"]
    readonly_fields = ["visit", "file", "content_type", "size_bytes"]
