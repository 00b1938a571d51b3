"""Create and edit a unit. The town is the clerk's and never comes from the form."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import validators
from ..models import Unit
from .base import VersionedModelForm


def already_registered(text, unit, code):
    """A refusal that links to the unit already in the ledger."""
    link = format_html('{} <a href="{}">{}</a>{}', text, reverse("registry:unit_detail", args=[unit.pk]), unit.name,
                       "" if unit.is_active else _("（已归档）"))
    return ValidationError(link, code=code)


class UnitForm(VersionedModelForm):
    """Pass `instance=Unit(town=clerk.town)` to create; `warnings` holds what is accepted but worth a look."""

    class Meta:
        model = Unit
        fields = ["name", "credit_code", "address", "industry", "contact_person", "contact_phone"]
        help_texts = {
            "credit_code": _("18位，可不填；旧的15位工商注册号也可暂用"),
            "name": _("与营业执照一致；全角、半角括号和空格视为相同"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = []

    def clean_name(self):
        name = validators.normalize_unit_name(self.cleaned_data["name"])
        same = (
            Unit.objects.filter(town_id=self.instance.town_id, name_key=validators.unit_name_key(name))
            .exclude(pk=self.instance.pk)
            .first()
        )
        if same:
            raise already_registered(_("本镇（街道）已登记同名单位："), same, "duplicate_name")
        return name

    def clean_credit_code(self):
        code = validators.normalize_credit_code(self.cleaned_data["credit_code"])
        if not code:
            return code
        same = Unit.objects.filter(credit_code=code).exclude(pk=self.instance.pk).first()
        if same and same.town_id == self.instance.town_id:
            raise already_registered(_("该统一社会信用代码已登记为："), same, "duplicate_credit_code")
        if same:
            # another town's unit stays out of sight: say only that the code is taken
            raise ValidationError(
                _("该统一社会信用代码已由其他镇（街道）登记，请核对或联系市安办。"), code="duplicate_credit_code"
            )
        if validators.is_legacy_registration_number(code):
            self.warnings.append(_("填写的是15位旧工商注册号，请在取得统一社会信用代码后更新。"))
        return code
