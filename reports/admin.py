"""The Django admin for reports: submissions are read-only here.

A submission is made by a town clerk and answered by the safety office on the application's
own pages; the admin only looks. The frozen workbook's bytes stay out of the page and the list.
"""

from django.contrib import admin

from .models import Submission, SubmissionRow


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SubmissionRowInline(ReadOnlyMixin, admin.TabularInline):
    model = SubmissionRow
    fields = ("number", "unit_name", "worker_name", "category_text", "mobile")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "town", "form", "version", "campaign", "status", "is_late", "row_count", "submitted_by", "submitted_at",
    )
    list_filter = ("status", "form", "is_late", "campaign", "town")
    list_select_related = ("town", "campaign", "submitted_by")
    search_fields = ("town__name", "file_name", "reason")
    date_hierarchy = "submitted_at"
    exclude = ("content",)
    inlines = [SubmissionRowInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).defer("content")
        if request.user.is_superuser:
            return queryset
        return queryset.for_user(request.user)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "content"]
