"""The certificate list's filters: one `q` box (holder's name or ID number, certificate number), the
status computed from the dates, reviews due within N days, and where the holder works."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import validators
from ..choices import CertificateStatus, Scheme
from ..models import CertificateCategory, Town, Unit
from .workers import StableOrderingFilter, category_q, person_search, scope_choices

HOLDERS_ACTIVE, HOLDERS_ALL = "active", "all"


# "good standing" = the holder may work: valid or review due soon, not overdue, expired or forged.
GOOD_STANDING = "good_standing"
STATUS_CHOICES = [(GOOD_STANDING, _("有效（含即将复审）")), *CertificateStatus.choices]


class CertificateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q",
                                  widget=forms.TextInput(attrs={"placeholder": _("持证人姓名、身份证号码或证书编号"), "type": "search"}))
    status = django_filters.ChoiceFilter(label=_("证书状态"), choices=STATUS_CHOICES, method="filter_status",
                                         empty_label=_("全部"))
    due_within = django_filters.NumberFilter(label=_("复审到期天数内"), method="filter_due_within", min_value=0,
                                             max_value=3650, widget=forms.NumberInput(attrs={"placeholder": "90"}))
    scheme = django_filters.ChoiceFilter(label=_("体系"), field_name="category__scheme", choices=Scheme.choices,
                                         empty_label=_("全部"))
    category = django_filters.ModelChoiceFilter(label=_("作业类别"), queryset=CertificateCategory.objects.none(),
                                                method="filter_category", empty_label=_("全部"))
    town = django_filters.ModelChoiceFilter(label=_("镇（街道）"), field_name="town",
                                            queryset=Town.objects.all(), empty_label=_("全部"))
    unit = django_filters.ModelChoiceFilter(label=_("单位"), field_name="worker__unit", queryset=Unit.objects.none(),
                                            empty_label=_("全部"))
    holders = django_filters.ChoiceFilter(
        label=_("持证人"), method="filter_holders", empty_label=None,
        choices=[(HOLDERS_ACTIVE, _("在册人员")), (HOLDERS_ALL, _("含已归档人员"))],
    )
    o = StableOrderingFilter(
        label=_("排序"),
        fields=(("next_review_on", "review"), ("valid_until", "valid_until"), ("issued_on", "issued"),
                ("worker__name", "holder"), ("number", "number"), ("category__order", "category"),
                ("worker__unit__name", "unit"), ("town__order", "town")),
        field_labels={"next_review_on": _("下次复审日期"), "valid_until": _("有效期至"), "issued_on": _("初领日期"),
                      "worker__name": _("持证人"), "number": _("证书编号"), "category__order": _("作业类别"),
                      "worker__unit__name": _("单位"), "town__order": _("镇（街道）")},
        empty_label=_("默认（有效期至）"),
    )

    def __init__(self, data=None, *args, request=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("holders", HOLDERS_ACTIVE)
        super().__init__(data, *args, request=request, **kwargs)
        self.user = request.user
        scope_choices(self)
        # a town may have thousands of units: the unit comes from a unit page's link, not from a select
        self.filters["unit"].extra["widget"] = forms.HiddenInput
        if self.user.scheme:
            del self.filters["scheme"]

    def filter_q(self, queryset, name, value):
        number = validators.nfkc(value).upper()
        return queryset.filter(person_search(value, prefix="worker__") | Q(number__contains=number))

    def filter_status(self, queryset, name, value):
        if value == GOOD_STANDING:
            return queryset.in_good_standing()
        return queryset.with_status_code(value)

    def filter_due_within(self, queryset, name, value):
        return queryset.review_due_within(int(value))

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_q(value))

    def filter_holders(self, queryset, name, value):
        return queryset if value == HOLDERS_ALL else queryset.of_active_workers()
