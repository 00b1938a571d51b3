"""Forms and list filters of the enforcement pages: inspections, findings, measures, random draws,
the cross-inspection plan, the exposure list and forgery checks."""

import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry import validators
from registry.choices import Role, Scheme
from registry.models import CertificateCategory, Department, Town, Unit

from ..choices import FindingResult, ForgerySignal, MeasureStatus, VerificationMethod
from ..enforcement_services import NEEDS_TRAINING
from ..models import (
    CrossInspectionPair,
    ExposureEntry,
    ForgeryCheck,
    Inspection,
    Inspector,
    Measure,
    RandomDraw,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NAME_SEPARATORS = re.compile(r"[、,，;；/\s]+")
ID_NUMBER_IN_TEXT = re.compile(r"\d{17}[\dXx]")
MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
BUREAU_DEPARTMENTS = {Role.EMERGENCY_BUREAU: "应急局", Role.MARKET_BUREAU: "市场监管局"}
YES, NO = "yes", "no"
YES_NO = [(YES, _("是")), (NO, _("否"))]
RECENT_DRAWS = 200


def typed_names(text):
    """The inspectors' names typed in one box, split on 、 , ; / and spaces."""
    return [name for name in NAME_SEPARATORS.split(validators.nfkc(text)) if name]


def bureau_department(user):
    """The city department a bureau user stands for (应急局 / 市场监管局), or None."""
    name = BUREAU_DEPARTMENTS.get(getattr(user, "role", None))
    return Department.objects.filter(name=name).first() if name else None


class InspectorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        owner = obj.department or obj.town
        return f"{obj.name}（{owner}）" if owner else obj.name


class DrawChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(date)s 抽取（种子 %(seed)s）") % {"date": timezone.localtime(obj.drawn_at).date().isoformat(), "seed": obj.seed}


def draws_including(unit):
    """Recent draws whose result holds `unit` (read from the stored results: one query)."""
    if unit is None:
        return RandomDraw.objects.none()
    recent = RandomDraw.objects.only("pk", "result").order_by("-drawn_at", "-pk")[:RECENT_DRAWS]
    ids = [draw.pk for draw in recent if any(row.get("id") == unit.pk for row in draw.result.get("units", []))]
    return RandomDraw.objects.filter(pk__in=ids)


class InspectionForm(forms.ModelForm):
    """An inspection record. A clerk's inspections are made by their town (no department/town boxes);
    the city roles say which department or town inspected. The unit is chosen before the form."""

    inspectors = InspectorChoiceField(
        label=_("执法人员（名单）"), queryset=Inspector.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    random_draw = DrawChoiceField(
        label=_("来自双随机抽取"), queryset=RandomDraw.objects.none(), required=False, empty_label=_("否"),
        help_text=_("列出抽中该单位的抽取"),
    )

    class Meta:
        model = Inspection
        fields = [
            "unit", "inspected_on", "inspecting_department", "inspecting_town", "inspectors", "inspector_names",
            "random_draw", "place", "problems", "refused_cooperation", "referred_to",
        ]
        widgets = {"unit": forms.HiddenInput, "inspected_on": DATE, "problems": forms.Textarea(attrs={"rows": 3})}
        labels = {"inspector_names": _("执法人员（姓名）")}
        help_texts = {"inspector_names": _("名单外的执法人员，用顿号分隔；名单与姓名合计至少两人")}

    def __init__(self, *args, user, units=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.unit = self.instance.unit if self.instance.pk else unit
        if self.instance.pk:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
            self.initial.setdefault("unit", getattr(unit, "pk", None))
            self.initial.setdefault("inspected_on", timezone.localdate())
        if user.is_town_clerk:
            del self.fields["inspecting_department"]
            del self.fields["inspecting_town"]
            self.instance.inspecting_town = user.town
        elif not self.instance.pk:
            self.initial.setdefault("inspecting_department", bureau_department(user))
        inspectors = Q(is_active=True)
        if user.is_town_clerk:
            inspectors &= Q(town=user.town)
        if self.instance.pk:
            inspectors |= Q(pk__in=self.instance.inspectors.values("pk"))
        self.fields["inspectors"].queryset = Inspector.objects.filter(inspectors).select_related("department", "town")
        self.fields["random_draw"].queryset = draws_including(self.unit)
        self.fields["referred_to"].help_text = _("拒不配合检查的，必须上报市直有关主管部门")

    def clean_inspected_on(self):
        day = self.cleaned_data["inspected_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("检查日期不能晚于今天。"))
        return day

    def clean(self):
        data = super().clean()
        names = {inspector.name for inspector in data.get("inspectors") or []}
        names.update(typed_names(data.get("inspector_names", "")))
        if "inspector_names" in data and len(names) < 2:
            self.add_error("inspector_names", _("每次检查至少须有两名执法人员，请从名单中选择或填写姓名。"))
        draw = data.get("random_draw")
        if draw is not None and self.unit is not None and draw not in self.fields["random_draw"].queryset:
            self.add_error("random_draw", _("该单位不在所选抽取结果中。"))
        return data

    def save(self, commit=True):
        inspection = super().save(commit=False)
        inspection.is_cross_inspection = bool(
            inspection.inspecting_town_id and inspection.inspecting_town_id != inspection.unit.town_id
        )
        if commit:
            inspection.save()
            self.save_m2m()
        return inspection


def category_choices(user):
    """The categories a user may record a finding in, grouped by scheme, for every row of a page."""
    groups = {scheme: [] for scheme in Scheme}
    for category in CertificateCategory.objects.for_user(user).order_by("order", "pk"):
        groups[Scheme(category.scheme)].append((category.pk, str(category)))
    return [("", "—")] + [(scheme.label, rows) for scheme, rows in groups.items() if rows]


class FindingRowForm(forms.Form):
    """One worker of the inspected unit: checked or not, and what was found."""

    worker = forms.IntegerField(widget=forms.HiddenInput)
    certificate = forms.IntegerField(widget=forms.HiddenInput, required=False)
    checked = forms.BooleanField(label=_("已检查"), required=False)
    result = forms.ChoiceField(label=_("检查结果"), choices=FindingResult.choices)
    category = forms.TypedChoiceField(label=_("作业类别"), coerce=int, required=False, empty_value=None)
    verification_method = forms.ChoiceField(
        label=_("核验方式"), choices=[("", "—"), *VerificationMethod.choices], required=False
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories

    def clean(self):
        data = super().clean()
        if data.get("checked") and data.get("result") in NEEDS_TRAINING and not data.get("category"):
            self.add_error("category", _("未持有效证书的，须选择作业类别，以便生成培训需求。"))
        return data


FindingFormSet = forms.formset_factory(FindingRowForm, extra=0)


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["kind", "deadline", "fine_amount", "case_number", "note"]
        widgets = {"deadline": DATE}

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.inspection = inspection

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < self.instance.inspection.inspected_on:
            raise forms.ValidationError(_("整改期限不能早于检查日期。"))
        return deadline


class MeasureFollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("跟进"))
    on = forms.DateField(label=_("日期"), widget=DATE)

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.fields["status"].choices = [(status.value, status.label) for status in measure.next_statuses()]
        self.initial.setdefault("on", timezone.localdate())

    def clean_on(self):
        day = self.cleaned_data["on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天。"))
        if day < self.measure.inspection.inspected_on:
            raise forms.ValidationError(_("日期不能早于检查日期。"))
        if self.measure.followed_up_on and day < self.measure.followed_up_on:
            raise forms.ValidationError(_("日期不能早于上一次跟进（%(day)s）。") % {"day": self.measure.followed_up_on})
        return day

    def clean_status(self):
        return MeasureStatus(self.cleaned_data["status"])


class DrawForm(forms.Form):
    """A 双随机 draw: which units, how many, whose inspectors; the seed makes it repeatable."""

    town = forms.ModelChoiceField(
        label=_("限定镇（街道）"), queryset=Town.objects.all(), required=False, empty_label=_("全市")
    )
    unit_count = forms.IntegerField(label=_("抽取单位数"), min_value=1, max_value=10000)
    weighted = forms.BooleanField(
        label=_("侧重有无证人员的单位"), required=False, help_text=_("有无有效证书人员的单位按 3 倍权重抽取")
    )
    department = forms.ModelChoiceField(
        label=_("执法人员所属部门"), queryset=Department.objects.all(), required=False, empty_label=_("—")
    )
    inspector_town = forms.ModelChoiceField(
        label=_("执法人员所属镇（街道）"), queryset=Town.objects.all(), required=False, empty_label=_("—"),
        help_text=_("部门与镇（街道）只选一个；都不选则从全部执法人员中抽取"),
    )
    inspector_count = forms.IntegerField(label=_("抽取执法人员数"), min_value=0, max_value=100, initial=2)
    seed = forms.IntegerField(
        label=_("随机种子"), min_value=0, max_value=2**62, required=False,
        help_text=_("留空则自动生成；相同种子和相同名单得到相同结果"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("department", bureau_department(user))

    def clean(self):
        data = super().clean()
        if data.get("department") and data.get("inspector_town"):
            self.add_error("inspector_town", _("执法人员名单请只选部门或镇（街道）其中之一。"))
        return data


class CrossPlanForm(forms.Form):
    seed = forms.IntegerField(
        label=_("随机种子"), min_value=0, max_value=2**62, required=False, help_text=_("留空则自动生成")
    )


class CrossPairForm(forms.Form):
    """Which town a town inspects; the town that inspected it takes over the old one (对调)."""

    inspected_town = forms.ModelChoiceField(label=_("被检查方"), queryset=Town.objects.none())

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair
        self.fields["inspected_town"].queryset = Town.objects.exclude(pk=pair.inspecting_town_id)
        self.initial.setdefault("inspected_town", pair.inspected_town_id)

    def clean_inspected_town(self):
        town = self.cleaned_data["inspected_town"]
        other = CrossInspectionPair.objects.filter(plan=self.pair.plan_id, inspected_town=town).exclude(pk=self.pair.pk)
        other = other.select_related("inspecting_town").first()
        if other is not None and other.inspecting_town_id == self.pair.inspected_town_id:
            raise forms.ValidationError(
                _("%(town)s 目前检查 %(target)s；对调后它将检查本镇（街道），请另选。")
                % {"town": other.inspecting_town, "target": town}
            )
        return town


class ExposureForm(forms.ModelForm):
    """A violation chosen for the exposure list. The texts are published: no worker's name, ID or mobile."""

    class Meta:
        model = ExposureEntry
        fields = ["violation", "measure", "published_on", "medium", "is_published"]
        widgets = {"published_on": DATE}
        help_texts = {"violation": _("公开内容，不得含从业人员姓名、身份证号码或手机号码")}

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.inspection = inspection
        self.worker_names = set(inspection.unit.workers.values_list("name", flat=True))

    def _public_text(self, name):
        text = self.cleaned_data[name]
        if ID_NUMBER_IN_TEXT.search(text) or MOBILE_IN_TEXT.search(text):
            raise forms.ValidationError(_("公开内容不得含身份证号码或手机号码。"))
        named = sorted(n for n in self.worker_names if len(n) >= 2 and n in text)
        if named:
            raise forms.ValidationError(_("公开内容不得含从业人员姓名（%(names)s）。") % {"names": "、".join(named)})
        return text

    def clean_violation(self):
        return self._public_text("violation")

    def clean_measure(self):
        return self._public_text("measure")


class ForgeryCheckForm(forms.Form):
    """A bureau's verdict on a flagged certificate: how it was checked and what was found."""

    signal = forms.ChoiceField(choices=ForgerySignal.choices, widget=forms.HiddenInput)
    method = forms.ChoiceField(label=_("核验方式"), choices=VerificationMethod.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    outcome = forms.ChoiceField(choices=ForgeryCheck.Outcome.choices, widget=forms.HiddenInput)


# ---------------------------------------------------------------- list filters


def unit_name_q(value, prefix=""):
    return Q(**{f"{prefix}name_key__contains": validators.unit_name_key(value)})


class SearchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"), method="filter_q", widget=forms.TextInput(attrs={"type": "search", "placeholder": _("单位名称")})
    )
    unit_prefix = "unit__"

    def filter_q(self, queryset, name, value):
        return queryset.filter(unit_name_q(value, self.unit_prefix))


# A clerk sees the inspections of their town's units and those their town made elsewhere (交叉互检):
# `inspected` tells the two apart, where the city roles choose a town.
OWN_TOWN, OTHER_TOWNS = "own", "other"
INSPECTED_CHOICES = [(OWN_TOWN, _("本镇（街道）的单位")), (OTHER_TOWNS, _("外镇（街道）的单位（本镇交叉互检）"))]


class EnforcementFilterSet(SearchFilterSet):
    """The enforcement lists' town filters: `town` for the city roles, `inspected` for a clerk."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.user = getattr(request, "user", None)
        if getattr(self.user, "is_town_clerk", False):
            del self.filters["town"]
        else:
            del self.filters["inspected"]

    def filter_inspected(self, queryset, name, value):
        own = Q(**{f"{self.unit_prefix}town_id": self.user.town_id})
        return queryset.filter(own) if value == OWN_TOWN else queryset.exclude(own)


class InspectionFilter(EnforcementFilterSet):
    town = django_filters.ModelChoiceFilter(
        label=_("镇（街道）"), field_name="unit__town", queryset=Town.objects.all(), empty_label=_("全部")
    )
    inspected = django_filters.ChoiceFilter(label=_("被检查单位"), method="filter_inspected", choices=INSPECTED_CHOICES,
                                            empty_label=_("全部"))
    date_from = django_filters.DateFilter(label=_("检查日期自"), field_name="inspected_on", lookup_expr="gte", widget=DATE)
    date_to = django_filters.DateFilter(label=_("至"), field_name="inspected_on", lookup_expr="lte", widget=DATE)
    outcome = django_filters.ChoiceFilter(
        label=_("检查情况"), method="filter_outcome", empty_label=_("全部"),
        choices=[("violations", _("发现违法")), ("clean", _("未发现问题")), ("refused", _("拒不配合")),
                 ("cases", _("立案/移送"))],
    )
    cross = django_filters.ChoiceFilter(label=_("交叉互检"), method="filter_cross", choices=YES_NO, empty_label=_("全部"))
    drawn = django_filters.ChoiceFilter(label=_("双随机"), method="filter_drawn", choices=YES_NO, empty_label=_("全部"))

    def filter_outcome(self, queryset, name, value):
        if value == "violations":
            return queryset.filter(violation_count__gt=0)
        if value == "clean":
            return queryset.filter(violation_count=0, refused_cooperation=False)
        if value == "cases":
            return queryset.with_cases()
        return queryset.filter(refused_cooperation=True)

    def filter_cross(self, queryset, name, value):
        return queryset.filter(is_cross_inspection=value == YES)

    def filter_drawn(self, queryset, name, value):
        return queryset.filter(random_draw__isnull=value != YES)


VIOLATIONS = "violations"


class FindingFilter(EnforcementFilterSet):
    """The workers checked in inspections: where, when, in which scheme, and what was found."""

    q = django_filters.CharFilter(
        label=_("搜索"), method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("单位名称或从业人员姓名")}),
    )
    unit_prefix = "inspection__unit__"
    town = django_filters.ModelChoiceFilter(
        label=_("镇（街道）"), field_name="inspection__unit__town", queryset=Town.objects.all(), empty_label=_("全部")
    )
    inspected = django_filters.ChoiceFilter(label=_("被检查单位"), method="filter_inspected", choices=INSPECTED_CHOICES,
                                            empty_label=_("全部"))
    date_from = django_filters.DateFilter(label=_("检查日期自"), field_name="inspection__inspected_on",
                                          lookup_expr="gte", widget=DATE)
    date_to = django_filters.DateFilter(label=_("至"), field_name="inspection__inspected_on", lookup_expr="lte",
                                        widget=DATE)
    scheme = django_filters.ChoiceFilter(label=_("体系"), field_name="category__scheme", choices=Scheme.choices,
                                         empty_label=_("全部"))
    result = django_filters.ChoiceFilter(
        label=_("检查结果"), method="filter_result", empty_label=_("全部"),
        choices=[(VIOLATIONS, _("违法（无证、假证、过期或逾期未复审）")), *FindingResult.choices],
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if getattr(self.user, "scheme", None):
            del self.filters["scheme"]  # a bureau's findings are its scheme's already

    def filter_q(self, queryset, name, value):
        name_q = Q(worker__name__icontains=validators.normalize_person_name(value))
        return queryset.filter(unit_name_q(value, self.unit_prefix) | name_q)

    def filter_result(self, queryset, name, value):
        if value == VIOLATIONS:
            return queryset.exclude(result=FindingResult.CERTIFIED)
        return queryset.filter(result=value)


class ExposureCandidateFilter(SearchFilterSet):
    town = django_filters.ModelChoiceFilter(
        label=_("镇（街道）"), field_name="unit__town", queryset=Town.objects.all(), empty_label=_("全部")
    )


class InspectableUnitFilter(SearchFilterSet):
    unit_prefix = ""
    town = django_filters.ModelChoiceFilter(label=_("镇（街道）"), queryset=Town.objects.all(), empty_label=_("全部"))

    def __init__(self, *args, towns=None, **kwargs):
        super().__init__(*args, **kwargs)
        if towns is not None:
            self.filters["town"].queryset = towns


class DrawFilter(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(label=_("限定镇（街道）"), queryset=Town.objects.all(), empty_label=_("全部"))
    published = django_filters.ChoiceFilter(
        label=_("已公开"), method="filter_published", choices=YES_NO, empty_label=_("全部")
    )

    def filter_published(self, queryset, name, value):
        return queryset.filter(published_at__isnull=value != YES)


class PublicDrawFilter(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(label=_("限定镇（街道）"), queryset=Town.objects.all(), empty_label=_("全部"))


class ExposureFilter(SearchFilterSet):
    unit_prefix = "inspection__unit__"
    town = django_filters.ModelChoiceFilter(
        label=_("镇（街道）"), field_name="inspection__unit__town", queryset=Town.objects.all(), empty_label=_("全部")
    )
    published = django_filters.ChoiceFilter(
        label=_("已公开"), method="filter_published", choices=YES_NO, empty_label=_("全部")
    )

    def filter_published(self, queryset, name, value):
        return queryset.filter(is_published=value == YES)


class PublicExposureFilter(SearchFilterSet):
    unit_prefix = "inspection__unit__"
    town = django_filters.ModelChoiceFilter(
        label=_("镇（街道）"), field_name="inspection__unit__town", queryset=Town.objects.all(), empty_label=_("全部")
    )


class ForgerySignalFilter(django_filters.FilterSet):
    """The signal list: which signal, the certificate number or holder, town, scheme (safety office)."""

    signal = django_filters.ChoiceFilter(
        label=_("疑点"), method="filter_signal", choices=ForgerySignal.choices, empty_label=_("全部疑点")
    )
    q = django_filters.CharFilter(
        label=_("搜索"), method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("证书编号或持证人姓名")}),
    )
    town = django_filters.ModelChoiceFilter(
        label=_("镇（街道）"), field_name="town", queryset=Town.objects.all(), empty_label=_("全部")
    )
    scheme = django_filters.ChoiceFilter(
        label=_("体系"), field_name="category__scheme", choices=Scheme.choices, empty_label=_("全部")
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None and request.user.scheme:
            del self.filters["scheme"]

    def filter_signal(self, queryset, name, value):
        return queryset.filter(**{f"is_{value}": True})

    def filter_q(self, queryset, name, value):
        number = validators.nfkc(value).upper()
        return queryset.filter(Q(number__contains=number) | Q(worker__name__contains=validators.normalize_person_name(value)))
