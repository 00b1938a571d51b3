"""Campaigns of the notice: a campaign runs in phases that may overlap."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    CASE_MEASURES,
    ExamResult,
    FindingResult,
    ForgerySignal,
    MeasureKind,
    MeasureStatus,
    PhaseKind,
    PublicityChannel,
    VerificationMethod,
)
from .dates_text import shift_dates_in_text


class CampaignQuerySet(models.QuerySet):
    def current(self, on=None):
        """The campaign whose phases span `on` (the latest started one), else the latest campaign."""
        on = on or timezone.localdate()
        running = self.filter(phases__starts_on__lte=on, phases__ends_on__gte=on).distinct()
        return running.order_by("-starts_on", "-pk").first() or self.order_by("-starts_on", "-pk").first()


class Campaign(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    document_number = models.CharField(_("文号"), max_length=50, blank=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    created_from = models.ForeignKey(
        "self", verbose_name=_("复制自"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})

    def current_phases(self, on=None):
        on = on or timezone.localdate()
        return [phase for phase in self.phases.all() if phase.starts_on <= on <= phase.ends_on]

    def years(self, phases):
        """The first and last day of the years the campaign runs in, from its issue to its last phase's
        end or deadline: copying it moves the dates in its phases' descriptions that fall in them."""
        days = [day for day in (self.issued_on, self.starts_on, self.ends_on) if day]
        days += [day for phase in phases for day in (phase.starts_on, phase.ends_on, phase.deadline) if day]
        return datetime.date(min(days).year, 1, 1), datetime.date(max(days).year, 12, 31)

    @transaction.atomic
    def copy_shifted(self, days, name=None):
        """A new campaign with every date moved by `days` days, phases included, and the dates written
        in the phases' descriptions (2019年7月1日前, 6月底前) moved alike."""
        shift = datetime.timedelta(days=days)
        phases = list(self.phases.all())
        years = self.years(phases)
        copy = Campaign.objects.create(
            name=name or self.name,
            document_number=self.document_number,
            issued_on=self.issued_on + shift if self.issued_on else None,
            starts_on=self.starts_on + shift,
            ends_on=self.ends_on + shift,
            created_from=self,
        )
        Phase.objects.bulk_create(
            Phase(
                campaign=copy,
                kind=phase.kind,
                name=phase.name,
                order=phase.order,
                starts_on=phase.starts_on + shift,
                ends_on=phase.ends_on + shift,
                deadline=phase.deadline + shift if phase.deadline else None,
                description=shift_dates_in_text(
                    phase.description, days, period=(phase.starts_on, phase.ends_on), within=years
                ),
            )
            for phase in phases
        )
        return copy

    copy_shifted.alters_data = True


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, related_name="phases", on_delete=models.CASCADE)
    kind = models.CharField(_("阶段"), max_length=20, choices=PhaseKind.choices)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("顺序"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    deadline = models.DateField(_("报送截止日期"), null=True, blank=True, help_text=_("本阶段材料报送的截止日期"))
    description = models.TextField(_("工作要求"), blank=True)

    class Meta:
        ordering = ["campaign", "order"]
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="one_phase_of_each_kind")]

    def __str__(self):
        return f"{self.campaign} · {self.name}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})

    @property
    def due_on(self):
        """The day things asked in this phase are due: its deadline, else its last day."""
        return self.deadline or self.ends_on

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return self.starts_on <= on <= self.ends_on


def _scoped_by_town(queryset, user, town_field):
    """Clerks see their town's records, the safety office and both bureaus all, others none."""
    from registry.models import scope_for_user

    return scope_for_user(queryset, user, town_field, lambda scoped, scheme: scoped)


class PublicityRecordQuerySet(models.QuerySet):
    def for_user(self, user):
        from registry.choices import Role

        if getattr(user, "role", None) == Role.DEPARTMENT:
            return self.filter(department_id=user.department_id)
        return _scoped_by_town(self, user, "town_id")


class PublicityRecord(models.Model):
    """Phase 1 (动员部署): a piece of publicity by a town or a city department."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项行动"), on_delete=models.PROTECT)
    town = models.ForeignKey("registry.Town", verbose_name=_("镇（街道）"), null=True, blank=True, on_delete=models.PROTECT)
    department = models.ForeignKey(
        "registry.Department", verbose_name=_("市有关单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    channel = models.CharField(_("渠道"), max_length=20, choices=PublicityChannel.choices)
    published_on = models.DateField(_("日期"))
    title = models.CharField(_("标题/内容"), max_length=200)
    reach = models.PositiveIntegerField(_("覆盖人数"), default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey("registry.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PublicityRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("宣传记录")
        verbose_name_plural = _("宣传记录")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(town__isnull=False) | models.Q(department__isnull=False),
                name="publicity_has_a_reporter",
            )
        ]

    def __str__(self):
        return self.title


class TrainingClassQuerySet(models.QuerySet):
    def for_user(self, user):
        """Classes are visible to every ledger role (clerks enrol into any class); bureaus see their scheme."""
        from registry.choices import Role

        role = getattr(user, "role", None)
        if not getattr(user, "is_authenticated", False) or role == Role.DEPARTMENT:
            return self.none()
        if getattr(user, "scheme", None):
            return self.filter(category__scheme=user.scheme)
        return self


class TrainingClass(models.Model):
    """Phase 3 (集中培训): a class run by a qualified institution for one category."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项行动"), null=True, blank=True, on_delete=models.PROTECT)
    institution = models.ForeignKey(
        "registry.TrainingInstitution", verbose_name=_("培训机构"), on_delete=models.PROTECT
    )
    category = models.ForeignKey("registry.CertificateCategory", verbose_name=_("培训类别"), on_delete=models.PROTECT)
    town = models.ForeignKey(
        "registry.Town", verbose_name=_("举办镇（街道）"), null=True, blank=True, on_delete=models.PROTECT,
        help_text=_("到辖区集中培训时填写"),
    )
    name = models.CharField(_("班级名称"), max_length=100)
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    exam_on = models.DateField(_("考试日期"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200)
    capacity = models.PositiveIntegerField(_("名额"))
    created_by = models.ForeignKey("registry.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingClassQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结业日期不能早于开班日期。")})


class EnrolmentQuerySet(models.QuerySet):
    def for_user(self, user):
        from registry.models import TrainingNeed

        return self.filter(need__in=TrainingNeed.objects.for_user(user))


class Enrolment(models.Model):
    """A town's open training need enrolled into a class, with attendance and the exam result."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("培训班"), related_name="enrolments", on_delete=models.PROTECT
    )
    need = models.ForeignKey("registry.TrainingNeed", verbose_name=_("培训需求"), related_name="enrolments", on_delete=models.PROTECT)
    enrolled_by = models.ForeignKey("registry.User", null=True, on_delete=models.SET_NULL, related_name="+")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    attended = models.BooleanField(_("参训"), null=True)
    exam_result = models.CharField(_("考试结果"), max_length=10, choices=ExamResult.choices, default=ExamResult.PENDING)
    exam_on = models.DateField(_("考试日期"), null=True, blank=True)
    certificate = models.ForeignKey(
        "registry.Certificate", verbose_name=_("颁发证书"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["training_class", "pk"]
        verbose_name = _("报名学员")
        verbose_name_plural = _("报名学员")
        constraints = [models.UniqueConstraint(fields=["training_class", "need"], name="one_enrolment_per_class_and_need")]


class Inspector(models.Model):
    """A law-enforcement officer on a department's (or town's) inspector list, for 双随机 draws."""

    name = models.CharField(_("姓名"), max_length=50)
    badge_number = models.CharField(_("执法证号"), max_length=40, blank=True)
    department = models.ForeignKey(
        "registry.Department", verbose_name=_("所属部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    town = models.ForeignKey("registry.Town", verbose_name=_("所属镇（街道）"), null=True, blank=True, on_delete=models.PROTECT)
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")

    def __str__(self):
        return self.name


class InspectorConflict(models.Model):
    """An inspector who must step aside for a unit (回避)."""

    inspector = models.ForeignKey(Inspector, related_name="conflicts", on_delete=models.CASCADE)
    unit = models.ForeignKey("registry.Unit", related_name="inspector_conflicts", on_delete=models.CASCADE)
    reason = models.CharField(_("回避原因"), max_length=200)

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        constraints = [models.UniqueConstraint(fields=["inspector", "unit"], name="one_conflict_per_inspector_unit")]


class RandomDraw(models.Model):
    """A 双随机 draw: the seed and the population are stored so anyone can re-run it."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项行动"), null=True, blank=True, on_delete=models.PROTECT)
    seed = models.BigIntegerField(_("随机种子"))
    town = models.ForeignKey("registry.Town", verbose_name=_("限定镇（街道）"), null=True, blank=True, on_delete=models.PROTECT)
    department = models.ForeignKey(
        "registry.Department", verbose_name=_("执法人员所属部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    unit_count = models.PositiveIntegerField(_("抽取单位数"))
    inspector_count = models.PositiveIntegerField(_("抽取执法人员数"), default=0)
    weighted = models.BooleanField(_("侧重有无证人员的单位"), default=False)
    population = models.JSONField(_("抽取范围"), default=dict, help_text=_("抽取时的单位和执法人员编号"))
    result = models.JSONField(_("抽取结果"), default=dict)
    drawn_by = models.ForeignKey("registry.User", null=True, on_delete=models.SET_NULL, related_name="+")
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    class Meta:
        ordering = ["-drawn_at", "-pk"]
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取")


class CrossInspectionPlan(models.Model):
    """交叉互检: a pairing in which every town inspects another town and none inspects itself."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项行动"), on_delete=models.PROTECT)
    seed = models.BigIntegerField(_("随机种子"), null=True, blank=True)
    created_by = models.ForeignKey("registry.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("交叉互检安排")
        verbose_name_plural = _("交叉互检安排")


class CrossInspectionPair(models.Model):
    plan = models.ForeignKey(CrossInspectionPlan, related_name="pairs", on_delete=models.CASCADE)
    inspecting_town = models.ForeignKey("registry.Town", verbose_name=_("检查方"), related_name="+", on_delete=models.PROTECT)
    inspected_town = models.ForeignKey("registry.Town", verbose_name=_("被检查方"), related_name="+", on_delete=models.PROTECT)

    class Meta:
        ordering = ["inspecting_town__order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "inspecting_town"], name="one_assignment_per_inspecting_town"),
            models.CheckConstraint(
                condition=~models.Q(inspecting_town=models.F("inspected_town")), name="no_town_inspects_itself"
            ),
        ]


class InspectionQuerySet(models.QuerySet):
    def for_user(self, user):
        """A clerk sees inspections of their town's units and those their town made (cross-inspection)."""
        from registry.choices import Role

        if getattr(user, "role", None) == Role.TOWN_CLERK:
            return self.filter(models.Q(unit__town_id=user.town_id) | models.Q(inspecting_town_id=user.town_id))
        return _scoped_by_town(self, user, "unit__town_id")

    def with_cases(self):
        """Inspections after which a case was filed or the matter referred to the judiciary (立案/移送)."""
        cases = Measure.objects.filter(inspection=models.OuterRef("pk"), kind__in=CASE_MEASURES)
        return self.filter(models.Exists(cases))


class Inspection(models.Model):
    """Phase 4 (专项执法): an inspection of a unit, with findings per worker and measures."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项行动"), null=True, blank=True, on_delete=models.PROTECT)
    unit = models.ForeignKey("registry.Unit", verbose_name=_("被检查单位"), related_name="inspections", on_delete=models.PROTECT)
    inspected_on = models.DateField(_("检查日期"))
    inspecting_department = models.ForeignKey(
        "registry.Department", verbose_name=_("检查部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    inspecting_town = models.ForeignKey(
        "registry.Town", verbose_name=_("检查镇（街道）"), null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    inspectors = models.ManyToManyField(Inspector, verbose_name=_("执法人员"), blank=True)
    inspector_names = models.CharField(_("检查人员"), max_length=200, blank=True)
    is_cross_inspection = models.BooleanField(_("交叉互检"), default=False)
    random_draw = models.ForeignKey(
        RandomDraw, verbose_name=_("来自双随机抽取"), null=True, blank=True, on_delete=models.SET_NULL, related_name="inspections"
    )
    place = models.CharField(_("检查地点"), max_length=200, blank=True)
    problems = models.TextField(_("发现问题"), blank=True)
    refused_cooperation = models.BooleanField(_("拒不配合检查"), default=False)
    referred_to = models.ForeignKey(
        "registry.Department", verbose_name=_("移送主管部门"), null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    recorded_by = models.ForeignKey("registry.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("执法检查")
        verbose_name_plural = _("执法检查")

    def __str__(self):
        return f"{self.unit} {self.inspected_on}"

    def clean(self):
        if self.refused_cooperation and not self.referred_to_id:
            raise ValidationError({"referred_to": _("单位拒不配合检查的，须上报市直有关主管部门。")})
        if not self.inspecting_department_id and not self.inspecting_town_id:
            raise ValidationError(_("请填写检查部门或检查镇（街道）。"))


class FindingQuerySet(models.QuerySet):
    def for_user(self, user):
        """The findings of the inspections the user sees (`Inspection.objects.for_user`); a bureau's, of its scheme.

        A forgery check's findings (no inspection) are never listed here. A bureau sees a worker's
        finding in the category it supervises only, as it sees only its scheme's workers.
        """
        findings = self.filter(inspection__in=Inspection.objects.for_user(user))
        scheme = getattr(user, "scheme", None)
        return findings.filter(category__scheme=scheme) if scheme else findings


class Finding(models.Model):
    """What an inspection (or a forgery check) found for one worker."""

    inspection = models.ForeignKey(Inspection, null=True, blank=True, related_name="findings", on_delete=models.CASCADE)
    worker = models.ForeignKey("registry.Worker", verbose_name=_("从业人员"), related_name="findings", on_delete=models.PROTECT)
    result = models.CharField(_("检查结果"), max_length=20, choices=FindingResult.choices)
    category = models.ForeignKey(
        "registry.CertificateCategory", verbose_name=_("作业类别"), null=True, blank=True, on_delete=models.PROTECT
    )
    certificate = models.ForeignKey(
        "registry.Certificate", verbose_name=_("所持证书"), null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    verification_method = models.CharField(
        _("核验方式"), max_length=20, choices=VerificationMethod.choices, blank=True
    )
    training_need = models.ForeignKey(
        "registry.TrainingNeed", verbose_name=_("生成的培训需求"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")

    @property
    def is_violation(self):
        return self.result != FindingResult.CERTIFIED


class IllegalFollowUp(Exception):
    """A measure cannot move to that follow-up status from where it is."""


class Measure(models.Model):
    """An enforcement measure taken after an inspection, and its follow-up.

    Follow-up is a small state machine (待整改 → 已整改 → 已复查 → 已结案, or straight to 已结案
    for a fine or a case); each step keeps its own date, `followed_up_on` is the latest.
    """

    TRANSITIONS = {
        MeasureStatus.OPEN: (MeasureStatus.RECTIFIED, MeasureStatus.CLOSED),
        MeasureStatus.RECTIFIED: (MeasureStatus.RECHECKED, MeasureStatus.CLOSED),
        MeasureStatus.RECHECKED: (MeasureStatus.CLOSED,),
        MeasureStatus.CLOSED: (),
    }
    STEP_DATE_FIELDS = {
        MeasureStatus.RECTIFIED: "rectified_on",
        MeasureStatus.RECHECKED: "rechecked_on",
        MeasureStatus.CLOSED: "closed_on",
    }

    inspection = models.ForeignKey(Inspection, related_name="measures", on_delete=models.CASCADE)
    kind = models.CharField(_("处理措施"), max_length=20, choices=MeasureKind.choices)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    fine_amount = models.DecimalField(_("罚款金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    case_number = models.CharField(_("案号"), max_length=60, blank=True)
    status = models.CharField(_("跟进状态"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.OPEN)
    followed_up_on = models.DateField(_("跟进日期"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    rechecked_on = models.DateField(_("复查日期"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("处理措施")
        verbose_name_plural = _("处理措施")

    def clean(self):
        if self.kind == MeasureKind.RECTIFY_ORDER and not self.deadline:
            raise ValidationError({"deadline": _("责令整改须填写整改期限。")})
        if self.kind == MeasureKind.FINE and not self.fine_amount:
            raise ValidationError({"fine_amount": _("罚款须填写金额。")})

    def next_statuses(self):
        return self.TRANSITIONS[MeasureStatus(self.status)]

    def follow_up(self, status, on):
        """Move to `status` on day `on`, keeping that step's date; IllegalFollowUp if not allowed."""
        if status not in self.next_statuses():
            raise IllegalFollowUp(status)
        self.status = status
        setattr(self, self.STEP_DATE_FIELDS[status], on)
        self.followed_up_on = on
        self.save(update_fields=["status", self.STEP_DATE_FIELDS[status], "followed_up_on"])

    follow_up.alters_data = True


class ExposureEntry(models.Model):
    """Phase 5 (总结提升): a violation chosen for the public exposure list — no personal data."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("执法检查"), related_name="exposures", on_delete=models.PROTECT)
    violation = models.CharField(_("违法行为"), max_length=200)
    measure = models.CharField(_("处理结果"), max_length=200)
    published_on = models.DateField(_("曝光日期"))
    medium = models.CharField(_("曝光媒体"), max_length=100, blank=True)
    is_published = models.BooleanField(_("已公开"), default=True)
    chosen_by = models.ForeignKey("registry.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("曝光")
        verbose_name_plural = _("曝光")


class ForgeryCheck(models.Model):
    """A bureau's check of a flagged certificate: who checked, when, how, and the outcome."""

    class Outcome(models.TextChoices):
        GENUINE = "genuine", _("核验为真")
        FORGED = "forged", _("确认伪造")

    certificate = models.ForeignKey("registry.Certificate", related_name="forgery_checks", on_delete=models.CASCADE)
    signal = models.CharField(_("疑点"), max_length=20, choices=ForgerySignal.choices)
    outcome = models.CharField(_("结论"), max_length=10, choices=Outcome.choices)
    method = models.CharField(_("核验方式"), max_length=20, choices=VerificationMethod.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    checked_by = models.ForeignKey("registry.User", null=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(_("核验时间"), auto_now_add=True)
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("证书核验")
        verbose_name_plural = _("证书核验")
