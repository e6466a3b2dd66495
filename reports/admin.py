"""Django admin for what came out of a visit."""

from django.contrib import admin

from .models import FollowUp, KeyPoint, Outcome


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["visit", "photo_caption", "news_byline"]
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
