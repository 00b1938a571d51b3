"""Training-need forms: add a need, register it with an institution, record the result, cancel.

The pipeline is open → registered → trained → certified, with failed (may retake) and
cancelled beside it; which step a need may take next is in the transition sets below.
"""

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import services
from ..choices import CategoryLevel, NeedKind, NeedStatus, Scheme
from ..models import Certificate, CertificateCategory, TrainingInstitution, TrainingNeed, today
from .base import ConcurrentEditError, VersionedModelForm
from .certificates import CertificateForm, category_choices, date_input

CAN_REGISTER = {NeedStatus.OPEN, NeedStatus.REGISTERED, NeedStatus.FAILED}
CAN_RECORD_RESULT = {NeedStatus.OPEN, NeedStatus.REGISTERED, NeedStatus.TRAINED, NeedStatus.FAILED}
CAN_CANCEL = {NeedStatus.OPEN, NeedStatus.REGISTERED, NeedStatus.TRAINED, NeedStatus.FAILED}


class CategoryChoiceField(forms.ModelChoiceField):
    """Categories as the attachments group them: 附件1 · 电工作业, then its items indented."""

    def label_from_instance(self, category):
        prefix = _("附件%(n)s") % {"n": category.attachment}
        indent = "\u3000" if category.level == CategoryLevel.ITEM else ""
        return f"{prefix} · {indent}{category}"


def categories_for(user):
    # Attachment 1 (special operations) before Attachment 2, each in catalogue order
    return CertificateCategory.objects.for_user(user).order_by("-scheme", "order")


def open_need_message(need):
    return format_html(
        _("该人员已有一条未办结的“{text}”培训需求（<a href=\"{url}\">查看</a>），不能重复登记。"),
        text=need.form_category_text,
        url=reverse("registry:need_detail", args=[need.pk]),
    )


class TrainingNeedForm(forms.ModelForm):
    """A need for one worker. The worker may be unknown yet (the worker's own create page)."""

    category = CategoryChoiceField(label=gettext_lazy("培训类别"), queryset=CertificateCategory.objects.none(),
                                   help_text=gettext_lazy("可选大类（如“电工作业”）或具体项目"),
                                   widget=forms.Select(attrs={"style": "width: 100%"}))

    class Meta:
        model = TrainingNeed
        fields = ["category", "kind", "note"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, user, worker=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.worker = worker
        self.fields["category"].queryset = categories_for(user)

    def has_changed(self):
        # the kind always carries a value; a category or a note is what makes the section filled in
        return bool(set(self.changed_data) - {"kind"})

    def clean(self):
        cleaned = super().clean()
        category, kind = cleaned.get("category"), cleaned.get("kind")
        if self.worker is not None and category and kind:
            existing = TrainingNeed.objects.open().filter(worker=self.worker, category=category, kind=kind).first()
            if existing is not None:
                self.add_error("category", forms.ValidationError(open_need_message(existing), code="open_need_exists"))
        return cleaned

    def save(self, commit=True):
        need = self.instance
        need.worker = self.worker
        if need.kind == NeedKind.REVIEW and need.certificate_id is None:
            need.certificate = (
                Certificate.objects.filter(worker=self.worker)
                .filter(Q(category=need.category) | Q(category__parent=need.category))
                .order_by("-valid_until", "-pk")
                .first()
            )
        return super().save(commit)


class NeedRegisterForm(VersionedModelForm):
    """Registering with a training institution moves the need to 已报名."""

    class Meta:
        model = TrainingNeed
        fields = ["institution", "registered_on"]
        widgets = {"registered_on": date_input()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scheme = self.instance.category.scheme
        self.fields["institution"].queryset = TrainingInstitution.objects.filter(is_active=True).filter(
            Q(scheme=scheme) | Q(scheme="")
        )
        self.fields["institution"].required = True
        self.fields["registered_on"].required = True
        if not self.is_bound and not self.instance.registered_on:
            self.initial["registered_on"] = today()

    def clean_registered_on(self):
        registered_on = self.cleaned_data["registered_on"]
        if registered_on and registered_on > today():
            raise forms.ValidationError(_("报名日期不能晚于今天。"), code="future")
        return registered_on

    def save(self, commit=True):
        self.instance.status = NeedStatus.REGISTERED
        return super().save(commit)


class Outcome:
    TRAINED = "trained"
    PASSED = "passed"
    FAILED = "failed"
    CHOICES = [
        (TRAINED, gettext_lazy("培训完成（待考试）")),
        (PASSED, gettext_lazy("考试通过，已发证")),
        (FAILED, gettext_lazy("考试未通过")),
    ]


def certificate_form_for(need, user, data=None):
    """The certificate a pass issues, entered with the certificate pages' own form and checks.

    Its item is the need's category, or one of its items when the need was entered on a class
    (电工作业 → 低压电工作业): a certificate is always for one catalogue item.
    """
    form = CertificateForm(data, user=user, worker=need.worker, prefix="certificate")
    field = form.fields["category"]
    field.queryset = field.queryset.filter(Q(pk=need.category_id) | Q(parent=need.category_id))
    field.choices = category_choices(field.queryset.select_related("parent"))
    if not need.category.is_leaf:
        field.label = _("发证项目")
        field.help_text = _("需求登记在大类“%(name)s”上，证书须对应具体项目") % {"name": need.category.name}
    del form.fields["last_reviewed_on"]
    if not form.is_bound:
        form.initial["category"] = need.category_id if need.category.is_leaf else None
        if need.category.scheme == Scheme.SPECIAL_OPERATION and need.worker.id_number:
            form.initial["number"] = f"T{need.worker.id_number}"
    return form


class NeedResultForm(VersionedModelForm):
    """Training done, or the exam's result; a pass issues the certificate (or records the review).

    A review need that points at the certificate under review records the review on it; any
    other pass asks for the new certificate in `certificate_form`, validated only on a pass.
    """

    outcome = forms.ChoiceField(label=gettext_lazy("结果"), choices=Outcome.CHOICES, widget=forms.RadioSelect)

    class Meta:
        model = TrainingNeed
        fields = ["trained_on", "exam_on"]
        widgets = {"trained_on": date_input(), "exam_on": date_input()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        need = self.instance
        self.reviews_certificate = need.kind == NeedKind.REVIEW and need.certificate_id is not None
        self.certificate_form = None if self.reviews_certificate else certificate_form_for(need, user, self.data or None)

    @property
    def passed(self):
        return getattr(self, "cleaned_data", {}).get("outcome") == Outcome.PASSED

    def is_valid(self):
        valid = super().is_valid()
        if self.passed and self.certificate_form is not None:
            valid = self.certificate_form.is_valid() and valid
        return valid

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        if outcome == Outcome.TRAINED and not cleaned.get("trained_on"):
            self.add_error("trained_on", _("请填写培训完成日期。"))
        if outcome in (Outcome.PASSED, Outcome.FAILED) and not cleaned.get("exam_on"):
            self.add_error("exam_on", _("请填写考试日期。"))
        for name in ("trained_on", "exam_on"):
            if cleaned.get(name) and cleaned[name] > today():
                self.add_error(name, _("日期不能晚于今天。"))
        return cleaned

    def save(self, commit=True):
        need = self.instance
        if not self.passed:
            need.status = NeedStatus.TRAINED if self.cleaned_data["outcome"] == Outcome.TRAINED else NeedStatus.FAILED
            return super().save(commit)
        try:
            self.result = services.issue_certificate_from_need(
                need,
                self.certificate_form.instance if self.certificate_form is not None else None,
                exam_on=self.cleaned_data["exam_on"],
                trained_on=self.cleaned_data.get("trained_on"),
                expected_version=self.cleaned_data.get("version"),
            )
        except services.NeedChanged as changed:
            self._refuse_stale_version(self.cleaned_data.get("version") or 0, changed.current_version)
            raise ConcurrentEditError from changed
        return self.result.need


class NeedCancelForm(VersionedModelForm):
    """Only the version: cancelling a need someone changed meanwhile is refused like an edit."""

    class Meta:
        model = TrainingNeed
        fields = []

    def save(self, commit=True):
        self.instance.status = NeedStatus.CANCELLED
        self.instance.closed_on = today()
        return super().save(commit)


class DueReviewForm(forms.Form):
    days = forms.IntegerField(label=gettext_lazy("天数"), min_value=1, max_value=730,
                              help_text=gettext_lazy("下次复审日期在今天起多少天以内的证书"))
    include_overdue = forms.BooleanField(label=gettext_lazy("同时包括已逾期未复审的证书"), required=False)

