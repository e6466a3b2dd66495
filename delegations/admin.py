"""Django admin for delegations and their members."""

from django.contrib import admin

from .models import Delegation, Member


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ["order", "name", "position", "email"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["institution", "leader_name", "size", "request_letter_number", "request_letter_date"]
    list_filter = ["institution__region__province", "language"]
    search_fields = ["institution__name", "leader_name", "contact_name", "request_letter_number"]
    list_select_related = ["institution"]
    autocomplete_fields = ["institution", "contact_user"]
    inlines = [MemberInline]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "email", "delegation"]
    search_fields = ["name", "position", "email", "delegation__institution__name"]
    list_select_related = ["delegation__institution"]
