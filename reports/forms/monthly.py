"""Forms of the monthly work summaries: the reporter's summary, a recipient's return, the inbox and grid filters."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign

from ..monthly import parse_month
from ..monthly_models import MonthlyAnswer, MonthlyFigure, MonthlyRecipient, MonthlyReporterKind, MonthlySummary
from ..monthly_services import REQUIRED_FOR_SUBMIT

NARRATIVE_FIELDS = ["work_done", "problems", "next_plan"]


class MonthlySummaryForm(forms.ModelForm):
    """The narrative and the month's figures; a figure that differs from the ledger's needs a note.

    `prefilled` is what the ledger says now. A figure the reporter has not corrected follows it;
    a corrected one keeps the reported value. With `submitting`, the narrative a submission
    needs is required.
    """

    class Meta:
        model = MonthlySummary
        fields = NARRATIVE_FIELDS + [name for figure in MonthlyFigure for name in (figure.value, figure.note_field)]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in NARRATIVE_FIELDS}

    def __init__(self, *args, prefilled, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.prefilled = prefilled
        self.submitting = submitting
        for figure in MonthlyFigure:
            field = self.fields[figure.value]
            field.widget.attrs.update(min=0, step=1)
            field.error_messages.update(
                required=_("请填写数字（没有请填 0）。"),
                invalid=_("请填写整数。"),
                min_value=_("不能小于 0。"),
            )
            note = self.fields[figure.note_field]
            note.label = _("更正说明")
            note.widget.attrs["placeholder"] = _("与系统数不同时必填")
            if not self.is_bound and not self._corrected(figure):
                self.initial[figure.value] = prefilled[figure.value]
        if submitting:
            for name in REQUIRED_FOR_SUBMIT:
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = REQUIRED_FOR_SUBMIT[name]

    def _corrected(self, figure):
        return bool(self.instance.pk) and getattr(self.instance, figure.value) != getattr(
            self.instance, figure.prefilled_field
        )

    def narrative_fields(self):
        return [self[name] for name in NARRATIVE_FIELDS]

    def figure_rows(self):
        """(figure, prefilled, reported field, note field) for the template's table."""
        return [
            (figure, self.prefilled[figure.value], self[figure.value], self[figure.note_field])
            for figure in MonthlyFigure
        ]

    def clean(self):
        cleaned = super().clean()
        for figure in MonthlyFigure:
            reported = cleaned.get(figure.value)
            note = (cleaned.get(figure.note_field) or "").strip()
            cleaned[figure.note_field] = note
            if reported is not None and reported != self.prefilled[figure.value] and not note:
                self.add_error(
                    figure.note_field,
                    ValidationError(
                        _("与系统预填数 %(prefilled)s 不同，请说明更正原因。"),
                        params={"prefilled": self.prefilled[figure.value]},
                        code="note_required",
                    ),
                )
        return cleaned

    def save(self, commit=True):
        for figure in MonthlyFigure:
            setattr(self.instance, figure.prefilled_field, self.prefilled[figure.value])
        return super().save(commit=commit)


class MonthlyReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        error_messages={"required": _("退回时必须填写原因。")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("退回时必须填写原因。"))
        return reason


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (the browser's month picker), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_month(value)
        except ValueError as error:
            raise ValidationError(str(error)) from error


class MonthFilter(django_filters.Filter):
    field_class = MonthField


ANSWER_CHOICES = [
    (MonthlyAnswer.Status.PENDING.value, _("待我签收")),
    (MonthlyAnswer.Status.RECEIVED.value, _("我已签收")),
    (MonthlyAnswer.Status.RETURNED.value, _("我已退回")),
]


class MonthlyInboxFilter(django_filters.FilterSet):
    """The recipients' inbox: every submitted summary, by month, reporter, state and their own answer."""

    q = django_filters.CharFilter(label=_("报送单位"), method="filter_q",
                                  widget=forms.TextInput(attrs={"type": "search", "placeholder": _("镇（街道）或单位名称")}))
    month = MonthFilter(label=_("月份"), field_name="month")
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=MonthlyReporterKind.choices, method="filter_kind",
                                       empty_label=_("全部"))
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=[c for c in MonthlySummary.Status.choices if c[0] != MonthlySummary.Status.DRAFT],
        empty_label=_("全部"),
    )
    answer = django_filters.ChoiceFilter(label=_("我的处理"), choices=ANSWER_CHOICES, method="filter_answer",
                                         empty_label=_("全部"))

    class Meta:
        model = MonthlySummary
        fields = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        self.recipient = MonthlyRecipient.for_user(request.user)
        if self.recipient is None:
            del self.filters["answer"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(town__name__icontains=value) | Q(department__name__icontains=value))

    def filter_kind(self, queryset, name, value):
        return queryset.filter(town__isnull=value != MonthlyReporterKind.TOWN)

    def filter_answer(self, queryset, name, value):
        return queryset.filter(**{f"{self.recipient.value}_answer": value})


class MonthlyGridForm(forms.Form):
    """Which months the grid shows (a campaign's, or the last 12) and which reporters."""

    campaign = forms.ModelChoiceField(label=_("专项行动"), queryset=Campaign.objects.all(), required=False,
                                      empty_label=_("最近 12 个月"))
    kind = forms.ChoiceField(label=_("类别"), choices=[("", _("全部")), *MonthlyReporterKind.choices], required=False)
