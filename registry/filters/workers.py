"""The worker list's filters: one `q` box (name, ID number or mobile) and the ledger's questions."""

import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .. import validators
from ..choices import CertificateStatus, NeedKind, Scheme
from ..forms.workers import QuickSelect
from ..models import Certificate, CertificateCategory, Town, TrainingNeed, Unit

NO_CERTIFICATE = "none"
STATUS_CHOICES = [*CertificateStatus.choices, (NO_CERTIFICATE, _("无证书"))]
CERTIFIED, UNCERTIFIED = "certified", "uncertified"
STANDING_CHOICES = [(CERTIFIED, _("持有效证书")), (UNCERTIFIED, _("无有效证书"))]
STATE_ACTIVE, STATE_ARCHIVED, STATE_ALL = "active", "archived", "all"
_ID_FRAGMENT = re.compile(r"^(?=.{4,18}$)\d+X?$")


def person_search(value, prefix=""):
    """A Q matching a person by name, ID number or mobile as a clerk would type them.

    The query is normalised like the stored values (full-width digits, spaces, +86, x → X)
    so "138 0000 1234" and "＋86 13800001234" find the same worker. A complete ID number or
    mobile is matched exactly (an index lookup); four or more digits match a fragment of
    either; anything else is a name.
    """
    name = validators.normalize_person_name(value)
    if not name:
        return Q()
    id_number = validators.normalize_id_number(value)
    mobile = validators.normalize_mobile(value)
    if validators.is_valid_id_number(id_number):
        return Q(**{f"{prefix}id_number": id_number})
    if validators.is_valid_mobile(mobile):
        return Q(**{f"{prefix}mobile": mobile})
    condition = Q()
    if _ID_FRAGMENT.match(id_number):
        condition |= Q(**{f"{prefix}id_number__contains": id_number})
    if mobile.isdigit() and len(mobile) >= 4:
        condition |= Q(**{f"{prefix}mobile__contains": mobile})
    return condition or Q(**{f"{prefix}name__icontains": name})


def category_q(category, prefix=""):
    """A class stands for itself and its items; an item for itself."""
    if category is None:
        return Q()
    return Q(**{f"{prefix}category": category}) | Q(**{f"{prefix}category__parent": category})


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ordering with the primary key last, so pages never repeat or skip rows."""

    descending_fmt = _("%s（倒序）")

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


def scope_choices(filterset):
    """Narrow the town, unit and category choices to what the user may see.

    A clerk sees one town, so has no town filter and picks from the town's active units; the
    city has tens of thousands of units, so for city roles the unit arrives from a unit page's
    link as a hidden value.
    """
    user = filterset.user
    units = Unit.objects.for_user(user)
    if user.is_town_clerk:
        del filterset.filters["town"]
        filterset.filters["unit"].queryset = units.active().only("pk", "name")
    else:
        filterset.filters["unit"].queryset = units
        filterset.filters["unit"].extra["widget"] = forms.HiddenInput
    filterset.filters["category"].queryset = CertificateCategory.objects.for_user(user)
    for filter_ in filterset.filters.values():
        if isinstance(filter_, (django_filters.ChoiceFilter, django_filters.ModelChoiceFilter)) and not isinstance(
            filter_, django_filters.OrderingFilter
        ):
            filter_.extra.setdefault("widget", QuickSelect)


class WorkerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q",
                                  widget=forms.TextInput(attrs={"placeholder": _("姓名、身份证号码或手机号码"), "type": "search"}))
    town = django_filters.ModelChoiceFilter(label=_("镇（街道）"), field_name="town", queryset=Town.objects.all(),
                                            empty_label=_("全部"))
    unit = django_filters.ModelChoiceFilter(label=_("单位"), queryset=Unit.objects.none(), empty_label=_("全部"))
    scheme = django_filters.ChoiceFilter(label=_("体系"), choices=Scheme.choices, method="filter_scheme",
                                         empty_label=_("全部"))
    category = django_filters.ModelChoiceFilter(label=_("作业类别"), queryset=CertificateCategory.objects.none(),
                                                method="filter_category", empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("证书状态"), choices=STATUS_CHOICES, method="filter_status",
                                         empty_label=_("全部"))
    standing = django_filters.ChoiceFilter(label=_("持证情况"), choices=STANDING_CHOICES, method="filter_standing",
                                           empty_label=_("全部"))
    need_kind = django_filters.ChoiceFilter(label=_("待培训"), choices=NeedKind.choices, method="filter_need_kind",
                                            empty_label=_("全部"))
    state = django_filters.ChoiceFilter(
        label=_("在册"), method="filter_state", empty_label=None,
        choices=[(STATE_ACTIVE, _("在册")), (STATE_ARCHIVED, _("已归档")), (STATE_ALL, _("全部"))],
    )
    o = StableOrderingFilter(
        label=_("排序"),
        # the primary key is the order of entry, and indexed (created_at is not)
        fields=(("name", "name"), ("unit__name", "unit"), ("town__order", "town"), ("pk", "created")),
        field_labels={"name": _("姓名"), "unit__name": _("单位"), "town__order": _("镇（街道）"),
                      "pk": _("登记时间")},
        empty_label=_("默认（姓名）"),
    )

    def __init__(self, data=None, *args, request=None, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("state", STATE_ACTIVE)
        super().__init__(data, *args, request=request, **kwargs)
        self.user = request.user
        scope_choices(self)
        if self.user.scheme:
            del self.filters["scheme"]

    # Certificates and needs the other filters look at: narrowed by the chosen scheme and
    # category, and by a bureau's scheme, so "过期" with "特种设备" means an expired
    # special-equipment certificate.
    def _scope(self, queryset):
        data = getattr(self.form, "cleaned_data", {})
        scheme = data.get("scheme") or self.user.scheme
        if scheme:
            queryset = queryset.filter(category__scheme=scheme)
        return queryset.filter(category_q(data.get("category")))

    def _certificates(self):
        return self._scope(Certificate.objects.filter(worker=OuterRef("pk")))

    def _needs(self):
        return self._scope(TrainingNeed.objects.filter(worker=OuterRef("pk")))

    def filter_q(self, queryset, name, value):
        return queryset.filter(person_search(value))

    def filter_scheme(self, queryset, name, value):
        """Workers holding a certificate or a need of the chosen scheme and category."""
        return queryset.filter(Exists(self._certificates()) | Exists(self._needs()))

    def filter_category(self, queryset, name, value):
        if self.form.cleaned_data.get("scheme"):
            return queryset  # the scheme filter already looked within this category
        return self.filter_scheme(queryset, name, value)

    def filter_status(self, queryset, name, value):
        if value == NO_CERTIFICATE:
            return queryset.exclude(Exists(self._certificates()))
        return queryset.filter(Exists(self._certificates().with_status_code(value)))

    def filter_standing(self, queryset, name, value):
        """Workers holding (or not) a certificate in good standing today — valid, not overdue for review, not
        forged: the dashboard's 持证在岗. Of the chosen category if any, else of the chosen scheme (a bureau's
        own), else of either scheme; without a category, read from the workers' standing dates."""
        data = self.form.cleaned_data
        if data.get("category"):
            certified = Exists(self._certificates().in_good_standing())
            return queryset.filter(certified) if value == CERTIFIED else queryset.exclude(certified)
        scheme = data.get("scheme") or self.user.scheme
        return queryset.certified(scheme=scheme) if value == CERTIFIED else queryset.uncertified(scheme=scheme)

    def filter_need_kind(self, queryset, name, value):
        return queryset.filter(Exists(self._needs().open().filter(kind=value)))

    def filter_state(self, queryset, name, value):
        if value == STATE_ARCHIVED:
            return queryset.filter(is_active=False)
        if value == STATE_ALL:
            return queryset
        return queryset.filter(is_active=True)

