"""The unit list's filters: one `q` box (name or credit code), town, industry and the ledger's question
"which units have workers without a valid certificate"."""

import django_filters
from django import forms
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .. import validators
from ..models import Certificate, Town, Unit, Worker
from .workers import STATE_ACTIVE, STATE_ALL, STATE_ARCHIVED, StableOrderingFilter

YES, NO = "yes", "no"
STATES = {STATE_ACTIVE: Q(is_active=True), STATE_ARCHIVED: Q(is_active=False), STATE_ALL: Q()}
COUNT_SORTS = {"workers", "uncertified"}


def with_worker_counts(units, grouped=False):
    """Annotate `worker_count` (active workers) and `uncertified_count` (those of them without a
    certificate in good standing: the rule of Unit.objects.with_uncertified_workers()).

    Correlated subqueries cost a few index lookups per row shown, so a page of 50 is cheap however
    large the ledger. Sorting by a count needs every unit's count: one grouped pass over units and
    workers (with the certified workers as one hashed set) does that far faster than a subquery per unit.
    """
    if grouped:
        active = Q(workers__is_active=True)
        certified = Q(workers__pk__in=Certificate.objects.in_good_standing().values("worker_id"))
        return units.annotate(
            worker_count=Count("workers", filter=active), uncertified_count=Count("workers", filter=active & ~certified)
        )
    workers = Worker.objects.active().filter(unit=OuterRef("pk"))
    return units.annotate(worker_count=_count(workers), uncertified_count=_count(workers.uncertified()))


def _count(workers):
    counted = workers.order_by().values("unit").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), Value(0))


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q",
                                  widget=forms.TextInput(attrs={"placeholder": _("单位名称或统一社会信用代码"), "type": "search"}))
    town = django_filters.ModelChoiceFilter(label=_("镇（街道）"), queryset=Town.objects.all(), empty_label=_("全部"))
    industry = django_filters.CharFilter(label=_("行业"), lookup_expr="icontains")
    uncertified = django_filters.ChoiceFilter(
        label=_("无有效证书人员"), method="filter_uncertified", empty_label=_("全部"),
        choices=[(YES, _("有")), (NO, _("没有"))],
    )
    state = django_filters.ChoiceFilter(
        label=_("在册"), method="filter_state", empty_label=None,
        choices=[(STATE_ACTIVE, _("在册")), (STATE_ARCHIVED, _("已归档")), (STATE_ALL, _("全部"))],
    )
    o = StableOrderingFilter(
        label=_("排序"),
        fields=(("name_key", "name"), ("town__order", "town"), ("industry", "industry"),
                ("worker_count", "workers"), ("uncertified_count", "uncertified"), ("created_at", "created")),
        field_labels={"name_key": _("单位名称"), "town__order": _("镇（街道）"), "industry": _("行业"),
                      "worker_count": _("人员数"), "uncertified_count": _("无有效证书人数"), "created_at": _("登记时间")},
        empty_label=_("默认（名称）"),
    )

    def __init__(self, data=None, *args, request=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("state", STATE_ACTIVE)
        super().__init__(data, *args, request=request, **kwargs)
        self.user = request.user
        if self.user.is_town_clerk:
            del self.filters["town"]

    def filter_q(self, queryset, name, value):
        condition = Q(name_key__contains=validators.unit_name_key(value))
        code = validators.normalize_credit_code(value)
        if len(code) >= 4:
            condition |= Q(credit_code__startswith=code)
        return queryset.filter(condition)

    def filter_queryset(self, queryset):
        ordering = self.form.cleaned_data.get("o") or []
        grouped = any(param.lstrip("-") in COUNT_SORTS for param in ordering)
        return super().filter_queryset(with_worker_counts(queryset, grouped=grouped))

    def filter_uncertified(self, queryset, name, value):
        if value == YES:
            return queryset.with_uncertified_workers()
        return queryset.exclude(pk__in=Unit.objects.with_uncertified_workers().values("pk"))

    def filter_state(self, queryset, name, value):
        return queryset.filter(STATES[value])
