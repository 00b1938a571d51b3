"""Forms of the programme pages: copying a campaign, editing a phase, recording publicity,
training institutions and classes, enrolling needs and recording results per trainee."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.choices import CategoryLevel, NeedKind, Role, Scheme
from registry.models import CertificateCategory, TrainingInstitution, TrainingNeed, today

from ..choices import ExamResult
from ..models import Campaign, Phase, PublicityRecord, TrainingClass
from ..services import default_certificate_number


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def category_label(category):
    """Categories as the attachments group them: 附件1 · 电工作业, its items indented."""
    indent = "\u3000" if category.level == CategoryLevel.ITEM else ""
    return f"{_('附件%(n)s') % {'n': category.attachment}} · {indent}{category}"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return category_label(category)


class CategoryMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, category):
        return category_label(category)


def catalogue():
    # Attachment 1 (special operations) before Attachment 2, each in catalogue order
    return CertificateCategory.objects.order_by("-scheme", "order")


# Campaigns and phases --------------------------------------------------------------------------


class CampaignCopyForm(forms.Form):
    """A new campaign from an existing one: every date moves by (new start − old start) days."""

    name = forms.CharField(label=gettext_lazy("名称"), max_length=200)
    starts_on = forms.DateField(label=gettext_lazy("新的开始日期"), widget=date_input(),
                                help_text=gettext_lazy("各阶段的开始、结束和截止日期按新旧开始日期之差整体顺延"))

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.initial.setdefault("name", source.name)

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        if starts_on == self.source.starts_on:
            raise forms.ValidationError(_("新的开始日期与原专项行动相同，请填写新一轮行动的开始日期。"), code="same_start")
        return starts_on

    @property
    def days(self):
        return (self.cleaned_data["starts_on"] - self.source.starts_on).days

    def save(self):
        return self.source.copy_shifted(self.days, name=self.cleaned_data["name"])


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["starts_on", "ends_on", "deadline", "description"]
        widgets = {"starts_on": date_input(), "ends_on": date_input(), "deadline": date_input()}

    def clean(self):
        cleaned = super().clean()
        starts_on, deadline = cleaned.get("starts_on"), cleaned.get("deadline")
        if starts_on and deadline and deadline < starts_on:
            self.add_error("deadline", _("报送截止日期不能早于开始日期。"))
        return cleaned

    def save(self, commit=True):
        phase = super().save(commit)
        # the campaign spans its phases: a phase moved beyond it widens the campaign
        campaign = phase.campaign
        starts_on, ends_on = min(campaign.starts_on, phase.starts_on), max(campaign.ends_on, phase.ends_on)
        if commit and (starts_on, ends_on) != (campaign.starts_on, campaign.ends_on):
            campaign.starts_on, campaign.ends_on = starts_on, ends_on
            campaign.save(update_fields=["starts_on", "ends_on"])
        return phase


# Publicity (phase 1) ---------------------------------------------------------------------------


class PublicityForm(forms.ModelForm):
    """A town's or a department's publicity; who it belongs to comes from the signed-in user."""

    class Meta:
        model = PublicityRecord
        fields = ["campaign", "channel", "published_on", "title", "reach", "note"]
        widgets = {"published_on": date_input()}
        help_texts = {"reach": gettext_lazy("观看、阅读或参会的大致人数")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].empty_label = None
        if not self.instance.pk:
            self.instance.recorded_by = user
            if user.role == Role.TOWN_CLERK:
                self.instance.town = user.town
            elif user.role == Role.DEPARTMENT:
                self.instance.department = user.department
            if not self.is_bound:
                self.initial.setdefault("campaign", getattr(Campaign.objects.current(), "pk", None))
                self.initial.setdefault("published_on", today())

    def clean_published_on(self):
        published_on = self.cleaned_data["published_on"]
        if published_on > today():
            raise forms.ValidationError(_("宣传日期不能晚于今天。"), code="future")
        return published_on


# Training institutions and classes (phase 3) ---------------------------------------------------


class TrainingInstitutionForm(forms.ModelForm):
    categories = CategoryMultipleChoiceField(
        label=gettext_lazy("可培训类别"), queryset=CertificateCategory.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("勾选大类表示该类所有项目均可培训"),
    )

    class Meta:
        model = TrainingInstitution
        fields = ["name", "scheme", "phone", "address", "categories", "note", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = catalogue()
        self.fields["scheme"].help_text = _("为空表示两个体系均可")

    def clean(self):
        cleaned = super().clean()
        scheme, categories = cleaned.get("scheme"), cleaned.get("categories") or []
        outside = [category.name for category in categories if scheme and category.scheme != scheme]
        if outside:
            self.add_error("categories", _("以下类别不属于%(scheme)s体系：%(names)s。")
                           % {"scheme": Scheme(scheme).label, "names": "、".join(outside)})
        return cleaned


def qualified_ids(institution):
    return {category.pk for category in institution.categories.all()}


def is_qualified(institution, category):
    """An institution trains a category it is qualified for, the items of a class it is qualified
    for, and a class when it is qualified for at least one of its items."""
    ids = qualified_ids(institution)
    if category.pk in ids or category.parent_id in ids:
        return True
    return not category.is_leaf and category.children.filter(pk__in=ids).exists()


def qualified_items(institution, category):
    """The catalogue items a class of `institution` on `category` can certify."""
    if category.is_leaf:
        return [category]
    ids = qualified_ids(institution)
    items = category.children.filter(is_leaf=True).order_by("order")
    return list(items if category.pk in ids else items.filter(pk__in=ids))


class TrainingClassForm(forms.ModelForm):
    """A class by a qualified institution; a clerk's class is held in the clerk's town."""

    category = CategoryChoiceField(label=gettext_lazy("培训类别"), queryset=CertificateCategory.objects.none(),
                                   help_text=gettext_lazy("须为培训机构具备资质的类别；选大类时登记合格结果需选择具体项目"))

    class Meta:
        model = TrainingClass
        fields = ["campaign", "name", "institution", "category", "town", "starts_on", "ends_on", "exam_on", "place",
                  "capacity"]
        widgets = {"starts_on": date_input(), "ends_on": date_input(), "exam_on": date_input()}

    def __init__(self, *args, user, enrolled=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolled = enrolled
        self.fields["institution"].queryset = TrainingInstitution.objects.filter(is_active=True)
        self.fields["category"].queryset = catalogue()
        if user.role == Role.TOWN_CLERK:
            del self.fields["town"]
            self.instance.town = user.town
        if not self.instance.pk:
            self.instance.created_by = user
            if not self.is_bound:
                self.initial.setdefault("campaign", getattr(Campaign.objects.current(), "pk", None))
        elif enrolled:
            # the enrolled needs were chosen for this institution and category
            for name in ("institution", "category"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("已有学员报名，不能更改")

    def clean(self):
        cleaned = super().clean()
        institution, category = cleaned.get("institution"), cleaned.get("category")
        if institution and category and not is_qualified(institution, category):
            self.add_error("category", _("“%(institution)s”不具备“%(category)s”的培训资质。")
                           % {"institution": institution, "category": category.name})
        starts_on, exam_on = cleaned.get("starts_on"), cleaned.get("exam_on")
        if starts_on and exam_on and exam_on < starts_on:
            self.add_error("exam_on", _("考试日期不能早于开班日期。"))
        capacity = cleaned.get("capacity")
        if capacity is not None and capacity < 1:
            self.add_error("capacity", _("名额至少为1人。"))
        elif capacity is not None and capacity < self.enrolled:
            self.add_error("capacity", _("名额不能少于已报名人数（%(n)s人）。") % {"n": self.enrolled})
        return cleaned


# Enrolment and results -------------------------------------------------------------------------


class EnrolmentForm(forms.Form):
    """The needs ticked on the enrolment page, among `needs`: the user's own.

    Whether the class may take them `services.enrol_needs` decides, as the page's candidates are
    found (`services.eligible_needs`), and its refusal names each worker and item.
    """

    needs = forms.ModelMultipleChoiceField(
        queryset=TrainingNeed.objects.none(),
        error_messages={
            "required": gettext_lazy("请勾选要报名的培训需求。"),
            "invalid_choice": gettext_lazy("所选培训需求（编号%(value)s）不能报名本班：已办结、类别不符或正等待其他班考试。"),
            "invalid_pk_value": gettext_lazy("“%(pk)s”不是有效的培训需求编号。"),
        },
    )

    def __init__(self, *args, training_class, needs, enrolled, **kwargs):
        super().__init__(*args, **kwargs)
        self.training_class = training_class
        self.free = training_class.capacity - enrolled
        self.fields["needs"].queryset = needs

    def clean_needs(self):
        needs = self.cleaned_data["needs"]
        if len(needs) > self.free:
            raise forms.ValidationError(
                _("名额不足：本班名额%(capacity)s人，剩余%(free)s个，本次勾选%(n)s人。")
                % {"capacity": self.training_class.capacity, "free": max(self.free, 0), "n": len(needs)},
                code="class_full",
            )
        return needs


class ExamDateForm(forms.Form):
    exam_on = forms.DateField(label=gettext_lazy("考试日期"), required=False, widget=date_input(),
                              help_text=gettext_lazy("合格人员的证书以此为发证日期"))

    def __init__(self, *args, training_class, **kwargs):
        super().__init__(*args, **kwargs)
        self.training_class = training_class
        self.initial.setdefault("exam_on", training_class.exam_on)

    def clean_exam_on(self):
        exam_on = self.cleaned_data["exam_on"]
        if exam_on and exam_on > today():
            raise forms.ValidationError(_("考试日期不能晚于今天。"), code="future")
        if exam_on and exam_on < self.training_class.starts_on:
            raise forms.ValidationError(_("考试日期不能早于开班日期。"), code="before_class")
        return exam_on


ATTENDED, ABSENT_FROM_CLASS = "yes", "no"
ATTENDANCE_CHOICES = [("", gettext_lazy("未登记")), (ATTENDED, gettext_lazy("参训")),
                      (ABSENT_FROM_CLASS, gettext_lazy("未参训"))]
ATTENDANCE_VALUES = {"": None, ATTENDED: True, ABSENT_FROM_CLASS: False}


class TraineeResultForm(forms.Form):
    """One row of the result grid: attendance, exam result, and what the certificate needs on a pass."""

    attended = forms.ChoiceField(label=gettext_lazy("参训"), choices=ATTENDANCE_CHOICES, required=False)
    exam_result = forms.ChoiceField(label=gettext_lazy("考试结果"), choices=ExamResult.choices)
    item = forms.TypedChoiceField(label=gettext_lazy("发证项目"), coerce=int, required=False)
    number = forms.CharField(label=gettext_lazy("证书编号"), max_length=40, required=False)

    def __init__(self, data, *, enrolment, items, **kwargs):
        self.enrolment = enrolment
        self.need = enrolment.need
        prefix = f"e{enrolment.pk}"
        # a row added to the class after the page was opened is not in what was posted: left as it is
        if data is not None and f"{prefix}-exam_result" not in data:
            data = None
        initial = {
            "attended": {True: ATTENDED, False: ABSENT_FROM_CLASS}.get(enrolment.attended, ""),
            "exam_result": enrolment.exam_result,
            "number": default_certificate_number(self.need),
        }
        super().__init__(data, prefix=prefix, initial=initial, **kwargs)
        self.reviews_certificate = self.need.kind == NeedKind.REVIEW and self.need.certificate_id is not None
        self.items = {item.pk: item for item in items}
        self.asks_item = not self.reviews_certificate and not self.need.category.is_leaf and len(items) > 1
        if self.asks_item:
            self.fields["item"].choices = [("", _("请选择"))] + [(item.pk, item.name) for item in items]
        else:
            del self.fields["item"]
        if self.reviews_certificate:
            del self.fields["number"]

    @property
    def certificate_item(self):
        """The item the certificate is for, when the need's own category is not one."""
        if self.need.category.is_leaf or self.reviews_certificate:
            return None
        if self.asks_item:
            return self.items.get(self.cleaned_data.get("item"))
        return next(iter(self.items.values()), None)

    @property
    def certificate_item_label(self):
        """What the certificate will be for when the row does not ask."""
        if self.reviews_certificate or self.asks_item:
            return ""
        if self.need.category.is_leaf:
            return self.need.category.name
        return next((item.name for item in self.items.values()), "")

    def clean(self):
        cleaned = super().clean()
        cleaned["attended"] = ATTENDANCE_VALUES.get(cleaned.get("attended", ""))
        if cleaned.get("exam_result") == ExamResult.PASSED:
            if cleaned["attended"] is False:
                self.add_error("attended", _("未参训人员不能登记考试合格。"))
            if self.asks_item and not cleaned.get("item"):
                self.add_error("item", _("请选择证书对应的具体项目。"))
            elif not self.need.category.is_leaf and not self.reviews_certificate and not self.items:
                self.add_error("exam_result", _("培训机构在该类别下没有可发证的项目。"))
        return cleaned

    @property
    def changed_result(self):
        """True when what was posted differs from what is recorded."""
        if not self.is_bound:
            return False
        return (self.cleaned_data["attended"], self.cleaned_data["exam_result"]) != (
            self.enrolment.attended, self.enrolment.exam_result)

    @property
    def takes_exam_date(self):
        return self.changed_result and self.cleaned_data["exam_result"] in (ExamResult.PASSED, ExamResult.FAILED)


def result_forms(data, enrolments, items):
    """One form per trainee, each under its enrolment's own prefix (e<pk>), so rows added or
    removed by someone else meanwhile never shift a result onto the wrong trainee."""
    return [TraineeResultForm(data, enrolment=enrolment, items=items) for enrolment in enrolments]


def results_valid(date_form, rows):
    """Validate the grid; a pass or a fail needs the exam date."""
    # every row is validated (not only up to the first error) so each shows its own errors
    valid = date_form.is_valid() & all([row.is_valid() for row in rows if row.is_bound])
    if valid and any(row.takes_exam_date for row in rows) and not date_form.cleaned_data.get("exam_on"):
        date_form.add_error("exam_on", _("登记考试合格或不合格时须填写考试日期。"))
        valid = False
    return valid
