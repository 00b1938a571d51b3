"""The Django admin for campaigns: a campaign is edited together with its phases."""

from django.contrib import admin

from .models import Campaign, Phase


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0
    fields = ("order", "kind", "name", "starts_on", "ends_on", "deadline", "description")
    ordering = ("order",)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "document_number", "issued_on", "starts_on", "ends_on", "created_from")
    list_select_related = ("created_from",)
    search_fields = ("name", "document_number")
    raw_id_fields = ("created_from",)
    inlines = [PhaseInline]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ("name", "campaign", "kind", "order", "starts_on", "ends_on", "deadline")
    list_filter = ("kind",)
    list_select_related = ("campaign",)
    search_fields = ("name", "campaign__name")
    autocomplete_fields = ("campaign",)
