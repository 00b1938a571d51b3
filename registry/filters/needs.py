"""The training-need list's filters: the rows of a town's Attachment 1/2 and their pipeline."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import validators
from ..choices import NeedKind, NeedSource, NeedStatus
from ..forms.certificates import date_input
from ..models import CertificateCategory, Town, Unit
from .workers import StableOrderingFilter, category_q, person_search, scope_choices

STATUS_OPEN = "active"
STATUS_ALL = "all"
STATUS_CHOICES = [(STATUS_OPEN, _("未办结")), *NeedStatus.choices, (STATUS_ALL, _("全部"))]
FORM_CHOICES = [("1", _("附件1 特种作业")), ("2", _("附件2 特种设备"))]


class NeedFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q",
                                  widget=forms.TextInput(attrs={"placeholder": _("姓名、身份证号码、手机号码或单位"), "type": "search"}))
    form = django_filters.ChoiceFilter(label=_("附件"), choices=FORM_CHOICES, method="filter_form", empty_label=_("全部"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=NeedKind.choices, empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=STATUS_CHOICES, method="filter_status", empty_label=None)
    source = django_filters.ChoiceFilter(label=_("来源"), choices=NeedSource.choices, empty_label=_("全部"))
    closed_from = django_filters.DateFilter(label=_("办结日期自"), field_name="closed_on", lookup_expr="gte",
                                            widget=date_input())
    closed_to = django_filters.DateFilter(label=_("办结日期至"), field_name="closed_on", lookup_expr="lte",
                                          widget=date_input())
    category = django_filters.ModelChoiceFilter(label=_("培训类别"), queryset=CertificateCategory.objects.none(),
                                                method="filter_category", empty_label=_("全部"))
    town = django_filters.ModelChoiceFilter(label=_("镇（街道）"), field_name="town",
                                            queryset=Town.objects.all(), empty_label=_("全部"))
    unit = django_filters.ModelChoiceFilter(label=_("单位"), field_name="worker__unit", queryset=Unit.objects.none(),
                                            empty_label=_("全部"))
    o = StableOrderingFilter(
        label=_("排序"),
        # the primary key is the order of entry, and indexed (created_at is not)
        fields=(("pk", "created"), ("worker__unit__name", "unit"), ("worker__name", "worker"),
                ("category__order", "category"), ("town__order", "town")),
        field_labels={"pk": _("登记时间"), "worker__unit__name": _("单位"), "worker__name": _("姓名"),
                      "category__order": _("培训类别"), "town__order": _("镇（街道）")},
        empty_label=_("默认（登记时间）"),
    )

    def __init__(self, data=None, *args, request=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", STATUS_OPEN)
        super().__init__(data, *args, request=request, **kwargs)
        self.user = request.user
        scope_choices(self)
        if self.user.scheme:
            del self.filters["form"]

    def filter_q(self, queryset, name, value):
        condition = person_search(value, prefix="worker__")
        if not any(char.isdigit() for char in value):
            # words may also be the unit's name; digits are an ID number or a mobile (indexed)
            condition |= Q(worker__unit__name_key__contains=validators.unit_name_key(value))
        return queryset.filter(condition)

    def filter_form(self, queryset, name, value):
        return queryset.for_attachment(value)

    def filter_status(self, queryset, name, value):
        if value == STATUS_OPEN:
            return queryset.open()
        if value == STATUS_ALL:
            return queryset
        return queryset.filter(status=value)

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_q(value))
