"""Certificates: add or edit one, and record a review (复审).

`CertificateForm` is a plain ModelForm so the worker page can render it next to the worker form
(with a prefix) before the worker exists: it takes the user, and the holder when it is known.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import validators
from ..choices import Scheme
from ..models import Certificate, CertificateCategory, add_years, today
from .base import VersionedModelForm

# A renewal review is held ahead of the old expiry and the new validity runs from that expiry, so a
# reviewed certificate may run somewhat past "review date + validity"; beyond this it cannot be real.
RENEWAL_GRACE = datetime.timedelta(days=183)


def date_input():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def latest_valid_until(category, issued_on, last_reviewed_on=None):
    """The latest expiry the category's validity allows for a certificate issued (and reviewed) then."""
    if last_reviewed_on and last_reviewed_on > issued_on:
        return add_years(last_reviewed_on, category.validity_years) + RENEWAL_GRACE
    return add_years(issued_on, category.validity_years)


def validity_too_long(category, latest):
    return ValidationError(
        _("有效期超过了该类别允许的%(years)s年（最迟到%(latest)s），请核对证书。"),
        code="validity_too_long",
        params={"years": category.validity_years, "latest": latest.isoformat()},
    )


def category_choices(categories):
    """Leaf categories grouped by scheme and class, for a select with optgroups."""
    groups = {}
    # Attachment 1 (special operations) before Attachment 2, as the notice lists them
    for category in sorted(categories, key=lambda category: Scheme(category.scheme).attachment):
        head = category.parent or category
        groups.setdefault(f"{Scheme(category.scheme).label} · {head}", []).append((category.pk, str(category)))
    return [("", "---------"), *groups.items()]


def not_in_future(value):
    if value and value > today():
        raise ValidationError(_("日期不能晚于今天。"), code="future")
    return value


class CertificateForm(forms.ModelForm):
    """A certificate of `worker` (optional: the worker page creates both at once).

    `warnings` lists what is accepted but looks wrong (a special-operation number that is not
    "T" + the holder's ID number). Without a worker, call `number_warnings(worker)` once the
    worker is known, and set `form.instance.worker` before `save()`.
    """

    class Meta:
        model = Certificate
        fields = ["category", "number", "issued_on", "valid_until", "last_reviewed_on", "issuing_authority", "note"]
        widgets = {"issued_on": date_input(), "valid_until": date_input(), "last_reviewed_on": date_input()}
        help_texts = {
            "valid_until": _("可不填：按类别有效期自动计算（特种作业6年，特种设备4年）"),
            "number": _("特种作业操作证编号为“T”加身份证号码"),
        }

    def __init__(self, *args, user, worker=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if worker is not None:
            self.instance.worker = worker
        self.worker = worker if worker is not None else (self.instance.worker if self.instance.worker_id else None)
        field = self.fields["category"]
        field.queryset = CertificateCategory.objects.for_user(user).leaves()
        field.choices = category_choices(field.queryset.select_related("parent"))
        self.fields["valid_until"].required = False
        self.warnings = []

    def clean_number(self):
        return validators.nfkc(self.cleaned_data["number"]).upper()

    def clean_issued_on(self):
        return not_in_future(self.cleaned_data["issued_on"])

    def clean_last_reviewed_on(self):
        return not_in_future(self.cleaned_data["last_reviewed_on"])

    def clean(self):
        cleaned = super().clean()
        category, issued_on = cleaned.get("category"), cleaned.get("issued_on")
        if category and issued_on:
            self._check_validity(category, issued_on, cleaned.get("last_reviewed_on"))
        if category and cleaned.get("number"):
            self._check_not_held_by_another(category, cleaned["number"])
        if self.worker is not None and not self.errors:
            self.warnings = self.number_warnings(self.worker)
        return cleaned

    def _check_validity(self, category, issued_on, last_reviewed_on):
        valid_until = self.cleaned_data.get("valid_until")
        if not valid_until:
            self.cleaned_data["valid_until"] = add_years(issued_on, category.validity_years)
            return
        dates_changed = {"category", "issued_on", "valid_until", "last_reviewed_on"} & set(self.changed_data)
        latest = latest_valid_until(category, issued_on, last_reviewed_on)
        if valid_until > latest and (dates_changed or not self.instance.pk):
            self.add_error("valid_until", validity_too_long(category, latest))

    def _check_not_held_by_another(self, category, number):
        """One number of one item belongs to one person: a second holder is a forgery signal."""
        same = Certificate.objects.filter(category=category, number=number).exclude(pk=self.instance.pk)
        held = same.select_related("worker").first()
        if held is None:
            return
        if self.worker is not None and held.worker_id == self.worker.pk:
            message = format_html('{} <a href="{}">{}</a>', _("此人员已登记这本证书："),
                                  reverse("registry:certificate_edit", args=[held.pk]), _("修改已登记的证书"))
        elif Certificate.objects.for_user(self.user).filter(pk=held.pk).exists():
            message = format_html('{} <a href="{}">{}</a>{}', _("该证书编号已登记在"),
                                  reverse("registry:worker_detail", args=[held.worker_id]), held.worker.name,
                                  _("名下，同一证书不能由两人持有，请核对是否伪造或录错。"))
        else:
            message = _("该证书编号已登记在其他镇（街道）的人员名下，同一证书不能由两人持有，请核对或联系市安办。")
        self.add_error("number", ValidationError(message, code="held_by_another"))

    def number_warnings(self, worker):
        """Special-operation numbers are "T" + the holder's ID number; anything else deserves a look."""
        category, number = self.cleaned_data.get("category"), self.cleaned_data.get("number", "")
        if not category or category.scheme != Scheme.SPECIAL_OPERATION or not worker.id_number:
            return []
        expected = f"T{worker.id_number}"
        if number == expected:
            return []
        return [_("特种作业操作证编号一般为“T”加持证人身份证号码（%(expected)s），填写的是“%(number)s”，请核对。")
                % {"expected": expected, "number": number or _("（空）")}]


class CertificateEditForm(VersionedModelForm, CertificateForm):
    """Editing refuses a save over someone else's newer save (see VersionedModelForm)."""

    class Meta(CertificateForm.Meta):
        pass


class CertificateReviewForm(forms.Form):
    """A passed review (复审): the date, and a new expiry when the certificate was renewed."""

    reviewed_on = forms.DateField(label=_("复审日期"), widget=date_input())
    valid_until = forms.DateField(
        label=_("新的有效期至"), required=False, widget=date_input(),
        help_text=_("换证或延期时填写；特种设备复审不填则有效期自动顺延一个周期"),
    )

    def __init__(self, *args, certificate, **kwargs):
        super().__init__(*args, **kwargs)
        self.certificate = certificate
        self.fields["reviewed_on"].initial = today()

    def clean_reviewed_on(self):
        reviewed_on = not_in_future(self.cleaned_data["reviewed_on"])
        certificate = self.certificate
        if reviewed_on < certificate.issued_on:
            raise ValidationError(_("复审日期不能早于初领日期（%(date)s）。"), params={"date": certificate.issued_on})
        if certificate.last_reviewed_on and reviewed_on < certificate.last_reviewed_on:
            raise ValidationError(_("复审日期不能早于上次复审日期（%(date)s）。"),
                                  params={"date": certificate.last_reviewed_on})
        if reviewed_on > certificate.valid_until:
            raise ValidationError(_("证书已于%(date)s过期，过期后不能复审，请重新培训取证。"),
                                  params={"date": certificate.valid_until})
        return reviewed_on

    def clean(self):
        cleaned = super().clean()
        reviewed_on, valid_until = cleaned.get("reviewed_on"), cleaned.get("valid_until")
        if reviewed_on and valid_until:
            certificate = self.certificate
            latest = latest_valid_until(certificate.category, certificate.issued_on, reviewed_on)
            if valid_until <= reviewed_on:
                self.add_error("valid_until", _("新的有效期至必须晚于复审日期。"))
            elif valid_until > latest:
                self.add_error("valid_until", validity_too_long(certificate.category, latest))
        return cleaned

    def record(self, certificate):
        certificate.record_review(self.cleaned_data["reviewed_on"], self.cleaned_data["valid_until"])
        return certificate
