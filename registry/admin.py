"""The Django admin for the registry: reference data, accounts and the ledger.

The admin is the system administrator's tool; clerks and bureaus use the application's own
pages. Still, a staff account that is not a superuser sees only what `for_user()` gives it.
Units and workers are never deleted here, only archived, so nothing a clerk entered is lost.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin

from .choices import CertificateStatus
from .models import (
    Certificate,
    CertificateCategory,
    Department,
    LedgerImport,
    Town,
    TrainingInstitution,
    TrainingNeed,
    Unit,
    User,
    Worker,
)
from .resources import CertificateResource, UnitResource, WorkerResource

admin.site.site_header = _("晋江市特种作业人员持证管理")
admin.site.site_title = _("晋江市特种作业人员持证管理")
admin.site.index_title = _("台账与系统管理")


class ScopedAdminMixin:
    """Ledger lists through the one scoping method; a superuser sees everything."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.for_user(request.user)


class LedgerAdmin(ScopedAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    """A ledger model: history in the admin, CSV/XLSX import and export through its resource."""

    formats = [base_formats.CSV, base_formats.XLSX]
    # Excel opens a CSV as UTF-8 (and shows the Chinese) only when it starts with a BOM
    to_encoding = "utf-8-sig"
    list_per_page = 50


class ArchiveInsteadOfDeleteMixin:
    """Deleting a unit or worker would lose what clerks entered: the admin archives instead.

    The model's delete() already archives one object, but the bulk "delete selected" action
    goes through QuerySet.delete(), which bypasses it; so delete is not offered at all and
    "归档所选" takes its place. delete_queryset archives too, should anything still call it.
    """

    actions = ["archive_selected"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("归档所选"), permissions=["change"])
    def archive_selected(self, request, queryset):
        count = 0
        for obj in queryset.filter(is_active=True):
            obj.archive()
            count += 1
        self.message_user(
            request,
            ngettext("已归档 %(count)d 条记录。", "已归档 %(count)d 条记录。", count) % {"count": count},
            messages.SUCCESS,
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            obj.archive()


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "town", "department", "is_staff", "is_active")
    list_filter = ("role", "town", "is_staff", "is_superuser", "is_active")
    list_select_related = ("town", "department")
    search_fields = ("username", "first_name", "last_name", "email")
    autocomplete_fields = ("town", "department")
    fieldsets = BaseUserAdmin.fieldsets + ((_("角色与归属"), {"fields": ("role", "town", "department")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("角色与归属"), {"fields": ("role", "town", "department")}),)


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "code", "order")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "code")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "order")
    search_fields = ("name",)


@admin.register(CertificateCategory)
class CertificateCategoryAdmin(admin.ModelAdmin):
    list_display = ("__str__", "key", "scheme", "level", "parent", "form_label", "is_leaf", "validity_years")
    list_filter = ("scheme", "level", "is_leaf", "form_label")
    list_select_related = ("parent",)
    search_fields = ("name", "code", "key", "form_label")
    autocomplete_fields = ("parent",)


@admin.register(Unit)
class UnitAdmin(ArchiveInsteadOfDeleteMixin, LedgerAdmin):
    resource_classes = [UnitResource]
    list_display = ("name", "credit_code", "town", "industry", "contact_person", "contact_phone", "is_active")
    list_filter = ("is_active", "town")
    list_select_related = ("town",)
    search_fields = ("name", "credit_code", "contact_person", "contact_phone")
    autocomplete_fields = ("town",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(Worker)
class WorkerAdmin(ArchiveInsteadOfDeleteMixin, LedgerAdmin):
    resource_classes = [WorkerResource]
    list_display = ("name", "id_number", "mobile", "unit", "unit_town", "is_active")
    list_filter = ("is_active", "unit__town")
    list_select_related = ("unit__town",)
    search_fields = ("name", "id_number", "mobile", "unit__name")
    autocomplete_fields = ("unit",)
    readonly_fields = ("created_at", "updated_at")

    @admin.display(description=_("镇（街道）"), ordering="unit__town__order")
    def unit_town(self, worker):
        return worker.unit.town


class CertificateStatusFilter(admin.SimpleListFilter):
    """Status is derived from dates, so it filters through the queryset's own definition."""

    title = _("状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return CertificateStatus.choices

    def queryset(self, request, queryset):
        if self.value() in CertificateStatus.values:
            return queryset.with_status_code(self.value())
        return queryset


@admin.register(Certificate)
class CertificateAdmin(LedgerAdmin):
    resource_classes = [CertificateResource]
    list_display = (
        "number",
        "worker",
        "category",
        "issued_on",
        "valid_until",
        "next_review_on",
        "status",
        "verification",
    )
    list_filter = (CertificateStatusFilter, "category__scheme", "verification", "worker__unit__town")
    list_select_related = ("worker", "category")
    search_fields = ("number", "worker__name", "worker__id_number")
    autocomplete_fields = ("worker", "category", "verified_by")
    readonly_fields = ("next_review_on", "status", "created_at", "updated_at")

    @admin.display(description=_("状态"))
    def status(self, certificate):
        return certificate.status_on().label if certificate.pk else "-"


@admin.register(TrainingInstitution)
class TrainingInstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "scheme", "phone", "is_active")
    list_filter = ("scheme", "is_active")
    search_fields = ("name", "phone", "address")
    filter_horizontal = ("categories",)


@admin.register(TrainingNeed)
class TrainingNeedAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("worker", "category", "kind", "source", "status", "institution", "created_at")
    list_filter = ("status", "kind", "source", "category__scheme", "worker__unit__town")
    list_select_related = ("worker", "category", "institution")
    search_fields = ("worker__name", "worker__id_number", "category__name")
    autocomplete_fields = ("worker", "category", "certificate", "institution")
    raw_id_fields = ("ledger_import",)
    readonly_fields = ("created_at", "updated_at")
    list_per_page = 50


@admin.register(LedgerImport)
class LedgerImportAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: imports are made and committed by the ledger import pages, not here."""

    list_display = (
        "file_name",
        "town",
        "form",
        "status",
        "uploaded_by",
        "rows_total",
        "entries_created",
        "error_count",
        "created_at",
        "committed_at",
    )
    list_filter = ("status", "form", "town")
    list_select_related = ("town", "uploaded_by")
    search_fields = ("file_name", "checksum")
    # the uploaded file's bytes stay out of both the page and the list query
    exclude = ("content",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "content"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
