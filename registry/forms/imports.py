"""Forms of the ledger import pages: upload a file, confirm a preview, filter past imports.

The upload form has no town field for a clerk (a clerk always imports into their own town);
the safety office chooses a town or leaves it to the file (its town line or sheet names).
"""

import django_filters
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..choices import Role
from ..models import LedgerImport, Town

ALLOWED_EXTENSIONS = (".xlsx", ".xls", ".csv")
# a 50,000-row ledger is a few megabytes as .xlsx; this leaves room for .xls and .csv
DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024
FORM_CHOICES = [("", gettext_lazy("按表名判断")), ("1", gettext_lazy("附件1 特种作业")), ("2", gettext_lazy("附件2 特种设备"))]


def max_upload_bytes():
    return getattr(settings, "JINJIANG_CERT_IMPORT_MAX_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("台账文件"),
        help_text=gettext_lazy("Excel（.xlsx、.xls）或 CSV 文件；可直接上传按通知附件格式填写的汇总表。"),
        error_messages={
            "required": gettext_lazy("请选择要导入的台账文件。"),
            "empty": gettext_lazy("上传的文件是空的。"),
            "invalid": gettext_lazy("没有收到文件，请重新选择。"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )
    town = forms.ModelChoiceField(
        label=gettext_lazy("镇（街道）"),
        queryset=Town.objects.all(),
        required=False,
        empty_label=gettext_lazy("按文件中的镇（街道）行或工作表名"),
        help_text=gettext_lazy("全市汇总工作簿（每个镇（街道）一个工作表）请选“按文件”。"),
    )
    form = forms.TypedChoiceField(
        label=gettext_lazy("附件"),
        choices=FORM_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("不选时按表名（特种作业…/特种设备…）判断。"),
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("只导入无误的行"),
        required=False,
        help_text=gettext_lazy("不勾选时，文件中有任何错误都不会导入；勾选后跳过有错误的行，导入其余的行。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.role == Role.TOWN_CLERK:
            # a clerk's town is fixed: the form does not offer a choice
            del self.fields["town"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        if not name.lower().endswith(ALLOWED_EXTENSIONS):
            raise forms.ValidationError(_("只能导入 .xlsx、.xls 或 .csv 文件，“%(name)s”不是。") % {"name": name})
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件太大（%(size)s），最大 %(limit)s；请拆分后分别导入。")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload

    def import_town(self):
        """The town the import goes into; None lets the file say."""
        if self.user.role == Role.TOWN_CLERK:
            return self.user.town
        return self.cleaned_data.get("town")


class ImportConfirmForm(forms.Form):
    """Confirming a preview; a file with errors needs "只导入无误的行"."""

    skip_invalid = forms.BooleanField(label=gettext_lazy("只导入无误的行（跳过有错误的行）"), required=False)

    def __init__(self, *args, ledger_import, **kwargs):
        super().__init__(*args, **kwargs)
        self.ledger_import = ledger_import
        if not self.is_bound:
            self.initial["skip_invalid"] = ledger_import.skip_invalid

    def clean(self):
        cleaned = super().clean()
        record = self.ledger_import
        if not valid_row_count(record):
            raise forms.ValidationError(_("文件中没有可以导入的行，请修改文件后重新上传。"))
        if record.error_count and not cleaned.get("skip_invalid"):
            raise forms.ValidationError(
                _("文件中有 %(count)s 处错误，不能全部导入。请修改文件后重新上传，或勾选“只导入无误的行”。")
                % {"count": record.error_count}
            )
        return cleaned


def row_counts(record):
    """{row status: count} as the preview stored it in the import's report."""
    report = record.report if isinstance(record.report, dict) else {}
    return report.get("rows") or {}


def valid_row_count(record):
    """Rows without an error: new entries, entries already in the ledger, repeated rows."""
    return sum(count for status, count in row_counts(record).items() if status != "error")


class LedgerImportFilter(django_filters.FilterSet):
    """The list of past imports; the town filter only for the safety office."""

    town = django_filters.ModelChoiceFilter(label=gettext_lazy("镇（街道）"), queryset=Town.objects.all(),
                                            empty_label=gettext_lazy("全部"))
    status = django_filters.ChoiceFilter(label=gettext_lazy("状态"), choices=LedgerImport.Status.choices,
                                         empty_label=gettext_lazy("全部"))
    form = django_filters.ChoiceFilter(label=gettext_lazy("附件"), choices=FORM_CHOICES[1:],
                                       empty_label=gettext_lazy("全部"))

    class Meta:
        model = LedgerImport
        fields = ["town", "status", "form"]

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        if request.user.role == Role.TOWN_CLERK:
            del self.filters["town"]
