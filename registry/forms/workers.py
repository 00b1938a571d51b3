"""The worker form: identifiers normalised before they are checked, duplicates caught with a
message that helps (a link to the worker already registered, or a warning to confirm)."""

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import validators
from ..models import Unit, Worker
from .base import VersionedModelForm


class QuickSelect(forms.Select):
    """A select rendered in Python, not one template per option.

    Django renders each option through a template (~0.3 ms each); a town's hundreds of units
    would cost a page more than all its queries. Flat choices only (no option groups).
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "", "<option value=\"{}\"{}>{}</option>",
            ((v, " selected" if str(v) in selected else "", label) for v, label in self.choices),
        )
        return format_html("<select name=\"{}\"{}>{}</select>", name, flatatt(self.build_attrs(self.attrs, attrs)),
                           options)


class PersonNameField(forms.CharField):
    """李 娜 → 李娜, as the model stores it, so duplicate checks see what will be saved."""

    def to_python(self, value):
        return validators.normalize_person_name(super().to_python(value))


class IdNumberField(forms.CharField):
    """Full-width digits, spaces and a lower-case x are folded before the GB 11643 check."""

    default_validators = [validators.validate_id_number]

    def to_python(self, value):
        return validators.normalize_id_number(super().to_python(value))


class MobileField(forms.CharField):
    """Spaces, dashes and a +86 prefix are dropped before the mobile check."""

    default_validators = [validators.validate_mobile]
    widget = forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"})

    def to_python(self, value):
        value = super().to_python(value)
        return validators.normalize_mobile(value) if value else value


class WorkerForm(VersionedModelForm):
    name = PersonNameField(label=gettext_lazy("姓名"), max_length=50)
    id_number = IdNumberField(label=gettext_lazy("身份证号码"), required=False,
                              help_text=gettext_lazy("18位，末位可为X；可留空，但填写后全市唯一"))
    mobile = MobileField(label=gettext_lazy("手机号码"), required=False, help_text=gettext_lazy("11位手机号码，可带+86或空格"))
    confirm_duplicate = forms.BooleanField(label=gettext_lazy("仍然保存"), required=False, widget=forms.HiddenInput)

    class Meta:
        model = Worker
        fields = ["unit", "name", "id_number", "mobile"]
        widgets = {"unit": QuickSelect}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = Unit.objects.for_user(user).active()
        if self.instance.unit_id:
            # an archived unit stays choosable for the workers it still holds
            units = Unit.objects.for_user(user).filter(pk=self.instance.unit_id) | units
        self.fields["unit"].queryset = units.order_by("name")

    def clean_id_number(self):
        id_number = self.cleaned_data["id_number"]
        if not id_number:
            return id_number
        existing = Worker.objects.filter(id_number=id_number).exclude(pk=self.instance.pk).first()
        if existing is None:
            return id_number
        visible = Worker.objects.for_user(self.user).filter(pk=existing.pk).select_related("unit").first()
        if visible is None:
            raise forms.ValidationError(
                _("该身份证号码已在其他镇（街道）登记，不能重复登记。如此人已调入本镇（街道）的单位，请联系市安办处理。"),
                code="id_number_elsewhere",
            )
        raise forms.ValidationError(
            format_html(
                _("该身份证号码已登记为 <a href=\"{url}\">{name}（{unit}）</a>，请打开该人员补充或修改，不要重复登记。"),
                url=reverse("registry:worker_detail", args=[visible.pk]),
                name=visible.name,
                unit=visible.unit.name,
            ),
            code="id_number_taken",
        )

    def clean(self):
        cleaned = super().clean()
        unit, name, mobile = cleaned.get("unit"), cleaned.get("name"), cleaned.get("mobile")
        if not (unit and name and mobile) or cleaned.get("confirm_duplicate"):
            return cleaned
        if self.instance.pk and not {"unit", "name", "mobile"} & set(self.changed_data):
            return cleaned
        twin = (
            Worker.objects.filter(unit=unit, name=name, mobile=mobile).exclude(pk=self.instance.pk).order_by("pk").first()
        )
        if twin is not None:
            # the checkbox appears only now; the clerk confirms it is another person
            self.fields["confirm_duplicate"].widget = forms.CheckboxInput()
            self.add_error(
                "confirm_duplicate",
                forms.ValidationError(
                    format_html(
                        _("本单位已有同名且手机号码相同的人员 <a href=\"{url}\">{name}</a>。如确为另一人，请勾选“仍然保存”后再次保存。"),
                        url=reverse("registry:worker_detail", args=[twin.pk]),
                        name=twin.name,
                    ),
                    code="possible_duplicate",
                ),
            )
        return cleaned
