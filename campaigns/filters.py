"""Filters of the programme lists: campaigns, publicity, training institutions and classes, the
needs a class may take, the training progress table and the trainees' attendance. Each narrows its
choices to what the user may see."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry import validators
from registry.choices import Role, Scheme
from registry.filters.workers import category_q
from registry.models import CertificateCategory, Department, Town, TrainingInstitution

from .choices import PublicityChannel
from .forms.programme import CategoryChoiceField, date_input
from .models import Campaign
from .views.programme_figures import needs_in_window

FORM_CHOICES = [("1", _("附件1 特种作业")), ("2", _("附件2 特种设备"))]
FORM_SCHEMES = {"1": Scheme.SPECIAL_OPERATION, "2": Scheme.SPECIAL_EQUIPMENT}


def search_box(placeholder):
    return forms.TextInput(attrs={"placeholder": placeholder, "type": "search"})


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = CategoryChoiceField


def with_default(data, **defaults):
    data = data.copy() if data is not None else {}
    for name, value in defaults.items():
        if value is not None:
            data.setdefault(name, value)
    return data


class CampaignFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", widget=search_box(_("名称或文号")))

    class Meta:
        model = Campaign
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value.strip()) | Q(document_number__icontains=value.strip()))


class PublicityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", widget=search_box(_("标题、内容或备注")))
    campaign = django_filters.ModelChoiceFilter(label=_("专项行动"), queryset=Campaign.objects.all(),
                                                empty_label=_("全部"))
    channel = django_filters.ChoiceFilter(label=_("渠道"), choices=PublicityChannel.choices, empty_label=_("全部"))
    town = django_filters.ModelChoiceFilter(label=_("镇（街道）"), queryset=Town.objects.all(), empty_label=_("全部"))
    department = django_filters.ModelChoiceFilter(label=_("市有关单位"), queryset=Department.objects.all(),
                                                  empty_label=_("全部"))
    published_from = django_filters.DateFilter(label=_("日期从"), field_name="published_on", lookup_expr="gte",
                                               widget=date_input())
    published_to = django_filters.DateFilter(label=_("日期至"), field_name="published_on", lookup_expr="lte",
                                             widget=date_input())

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        if request.user.role in (Role.TOWN_CLERK, Role.DEPARTMENT):
            del self.filters["town"], self.filters["department"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(note__icontains=value))


class TrainingInstitutionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", widget=search_box(_("名称、地址或电话")))
    scheme = django_filters.ChoiceFilter(label=_("体系"), choices=Scheme.choices, method="filter_scheme",
                                         empty_label=_("全部"))
    category = CategoryFilter(label=_("可培训类别"), queryset=CertificateCategory.objects.all(),
                              method="filter_category", empty_label=_("全部"))
    is_active = django_filters.BooleanFilter(label=_("有效"), widget=forms.Select(
        choices=[("", _("全部")), ("true", _("有效")), ("false", _("已停用"))]))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value) | Q(phone__icontains=value))

    def filter_scheme(self, queryset, name, value):
        # an institution without a scheme trains for both
        return queryset.filter(Q(scheme=value) | Q(scheme=""))

    def filter_category(self, queryset, name, value):
        """Qualified for the category, its class, or (for a class) one of its items."""
        return queryset.filter(
            Q(categories=value) | Q(categories=value.parent_id) | Q(categories__parent=value)
        ).distinct()


PERIOD_UPCOMING, PERIOD_RUNNING, PERIOD_FINISHED = "upcoming", "running", "finished"


class TrainingClassFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", widget=search_box(_("班级名称、地点或培训机构")))
    campaign = django_filters.ModelChoiceFilter(label=_("专项行动"), queryset=Campaign.objects.all(),
                                                empty_label=_("全部"))
    institution = django_filters.ModelChoiceFilter(label=_("培训机构"), queryset=TrainingInstitution.objects.all(),
                                                   empty_label=_("全部"))
    category = CategoryFilter(label=_("培训类别"), queryset=CertificateCategory.objects.none(),
                              method="filter_category", empty_label=_("全部"))
    town = django_filters.ModelChoiceFilter(label=_("举办镇（街道）"), queryset=Town.objects.all(), empty_label=_("全部"))
    period = django_filters.ChoiceFilter(
        label=_("时间"), method="filter_period", empty_label=_("全部"),
        choices=[(PERIOD_UPCOMING, _("未开班")), (PERIOD_RUNNING, _("培训中")), (PERIOD_FINISHED, _("已结业"))],
    )

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        self.filters["category"].queryset = CertificateCategory.objects.for_user(request.user).order_by("-scheme",
                                                                                                         "order")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(place__icontains=value)
                               | Q(institution__name__icontains=value))

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_q(value))

    def filter_period(self, queryset, name, value):
        today = timezone.localdate()
        if value == PERIOD_UPCOMING:
            return queryset.filter(starts_on__gt=today)
        if value == PERIOD_RUNNING:
            return queryset.filter(starts_on__lte=today, ends_on__gte=today)
        return queryset.filter(ends_on__lt=today)


class EnrolmentCandidateFilter(django_filters.FilterSet):
    """The needs a class may take, as the enrolling clerk (or the safety office, per town) looks for them."""

    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", widget=search_box(_("姓名或单位")))
    town = django_filters.ModelChoiceFilter(label=_("镇（街道）"), field_name="town",
                                            queryset=Town.objects.all(), empty_label=_("全部"))

    def __init__(self, data=None, *args, request=None, training_class=None, **kwargs):
        if training_class is not None and training_class.town_id:
            data = with_default(data, town=training_class.town_id)
        super().__init__(data, *args, request=request, **kwargs)
        if request.user.is_town_clerk:
            del self.filters["town"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(worker__name__icontains=value) | Q(worker__unit__name__icontains=value))


class TrainingProgressFilter(django_filters.FilterSet):
    """The progress table's needs: those registered during the chosen campaign, per town and attachment."""

    campaign = django_filters.ModelChoiceFilter(label=_("专项行动"), queryset=Campaign.objects.all(), empty_label=None,
                                                method="filter_campaign")
    town = django_filters.ModelChoiceFilter(label=_("镇（街道）"), field_name="town",
                                            queryset=Town.objects.all(), empty_label=_("全部"))
    form = django_filters.ChoiceFilter(label=_("附件"), choices=FORM_CHOICES, method="filter_form",
                                       empty_label=_("全部"))

    def __init__(self, data=None, *args, request=None, **kwargs):
        data = with_default(data, campaign=getattr(Campaign.objects.current(), "pk", None))
        super().__init__(data, *args, request=request, **kwargs)
        if request.user.is_town_clerk:
            del self.filters["town"]
        if request.user.scheme:
            del self.filters["form"]

    @property
    def chosen_campaign(self):
        return self.form.cleaned_data.get("campaign") if self.is_valid() else None

    def filter_campaign(self, queryset, name, value):
        return needs_in_window(queryset, value)

    def filter_form(self, queryset, name, value):
        return queryset.filter(category__scheme=FORM_SCHEMES[value])


ATTENDED, ABSENT, UNRECORDED = "yes", "no", "unrecorded"


class AttendanceFilter(django_filters.FilterSet):
    """The trainees enrolled in classes (参训记录): where they come from, when their class ended, whether they came.

    A clerk's rows are their town's already and a bureau's its scheme's (`Enrolment.for_user`), so
    neither is offered the filter that could not widen them.
    """

    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", widget=search_box(_("从业人员姓名或单位名称")))
    town = django_filters.ModelChoiceFilter(label=_("镇（街道）"), field_name="need__town", queryset=Town.objects.all(),
                                            empty_label=_("全部"))
    scheme = django_filters.ChoiceFilter(label=_("体系"), field_name="need__category__scheme", choices=Scheme.choices,
                                         empty_label=_("全部"))
    date_from = django_filters.DateFilter(label=_("培训结束日期自"), field_name="training_class__ends_on",
                                          lookup_expr="gte", widget=date_input())
    date_to = django_filters.DateFilter(label=_("至"), field_name="training_class__ends_on", lookup_expr="lte",
                                        widget=date_input())
    attended = django_filters.ChoiceFilter(
        label=_("参训"), method="filter_attended", empty_label=_("全部"),
        choices=[(ATTENDED, _("是")), (ABSENT, _("否")), (UNRECORDED, _("未登记"))],
    )

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        if request.user.is_town_clerk:
            del self.filters["town"]
        if request.user.scheme:
            del self.filters["scheme"]

    def filter_q(self, queryset, name, value):
        unit = Q(need__worker__unit__name_key__contains=validators.unit_name_key(value))
        return queryset.filter(unit | Q(need__worker__name__icontains=validators.normalize_person_name(value)))

    def filter_attended(self, queryset, name, value):
        return queryset.filter(attended={ATTENDED: True, ABSENT: False, UNRECORDED: None}[value])
