"""The registry: towns, units, workers, certificate categories, certificates and training needs.

Every model that holds ledger data has a `for_user(user)` queryset method; views, exports and
reports reach ledger data only through it.
"""

import datetime
import re

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import validators
from .choices import (
    OPEN_NEED_STATUSES,
    CategoryLevel,
    CertificateStatus,
    NeedKind,
    NeedSource,
    NeedStatus,
    Role,
    Scheme,
    TownKind,
    Verification,
)


def add_years(day, years):
    """The same day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def today():
    return timezone.localdate()


def scope_for_user(queryset, user, town_lookup, in_scheme):
    """The one scoping rule of the ledger.

    A town clerk sees their town (`town_lookup` leads from the row to its town's id); the safety
    office sees everything; a bureau sees what `in_scheme(queryset, scheme)` keeps of its scheme;
    a city department and anonymous users see no ledger data.
    """
    role = getattr(user, "role", None)
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if role == Role.TOWN_CLERK:
        return queryset.filter(**{town_lookup: user.town_id})
    if role == Role.SAFETY_OFFICE:
        return queryset.all()
    if role in (Role.EMERGENCY_BUREAU, Role.MARKET_BUREAU):
        return in_scheme(queryset, user.scheme)
    return queryset.none()


def mask_mobile(mobile):
    """A mobile number as the bureaus see it: 139****1234."""
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else mobile


class ArchivableMixin:
    """Deleting archives: the row and its history stay, it leaves the ledger's lists."""

    def archive(self):
        self.is_active = False
        self.save(update_fields=["is_active", "updated_at"])

    archive.alters_data = True

    def delete(self, *args, **kwargs):
        # nothing a clerk entered is lost
        self.archive()
        return 0, {}


class TownQuerySet(models.QuerySet):
    def resolve(self, text):
        """The town a person means by its name (青阳街道), short name (青阳) or code; None if none."""
        text = validators.nfkc(text).replace(" ", "").replace("_", "")
        if not text:
            return None
        if re.fullmatch(r"\d{12}", text) and text.endswith("000"):
            text = text[:9]
        candidates = {text}
        for suffix in ("镇（街道）", "镇(街道)", "街道办事处", "街道", "镇"):
            if text.endswith(suffix) and len(text) > len(suffix):
                candidates.add(text[: -len(suffix)])
        return self.filter(Q(name__in=candidates) | Q(short_name__in=candidates) | Q(code__in=candidates)).first()

    def for_user(self, user):
        if getattr(user, "role", None) == Role.TOWN_CLERK:
            return self.filter(pk=user.town_id)
        return self.all()


class Town(models.Model):
    """One of the 20 ledger-keeping places: 6 streets, 13 towns and the development zone."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    short_name = models.CharField(_("简称"), max_length=20, unique=True, help_text=_("表格“____镇（街道）”处所填"))
    kind = models.CharField(_("类型"), max_length=10, choices=TownKind.choices)
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = TownQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("镇（街道）")
        verbose_name_plural = _("镇（街道）")

    def __str__(self):
        return self.name


class Department(models.Model):
    """A city department of the notice's distribution list (市有关单位); files monthly summaries."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("市有关单位")
        verbose_name_plural = _("市有关单位")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A person who signs in; exactly one role, with the town or department it belongs to."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.SAFETY_OFFICE)
    town = models.ForeignKey(Town, verbose_name=_("镇（街道）"), null=True, blank=True, on_delete=models.PROTECT)
    department = models.ForeignKey(
        Department, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.TOWN_CLERK) | Q(town__isnull=False), name="town_clerk_has_town"
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.DEPARTMENT) | Q(department__isnull=False), name="department_user_has_department"
            ),
        ]

    def clean(self):
        super().clean()
        if self.role == Role.TOWN_CLERK and not self.town_id:
            raise ValidationError({"town": _("镇（街道）安办用户必须指定所属镇（街道）。")})
        if self.role == Role.DEPARTMENT and not self.department_id:
            raise ValidationError({"department": _("市有关单位用户必须指定所属单位。")})

    @property
    def scheme(self):
        """The certificate scheme a bureau supervises; None for roles that see both or neither."""
        return {Role.EMERGENCY_BUREAU: Scheme.SPECIAL_OPERATION, Role.MARKET_BUREAU: Scheme.SPECIAL_EQUIPMENT}.get(
            self.role
        )

    @property
    def is_town_clerk(self):
        return self.role == Role.TOWN_CLERK

    @property
    def is_city_reader(self):
        """Safety office and bureaus read every town (a bureau within its scheme)."""
        return self.role in (Role.SAFETY_OFFICE, Role.EMERGENCY_BUREAU, Role.MARKET_BUREAU)


class CertificateCategoryQuerySet(models.QuerySet):
    def for_scheme(self, scheme):
        return self.filter(scheme=scheme) if scheme else self

    def for_user(self, user):
        return self.for_scheme(getattr(user, "scheme", None))

    def leaves(self):
        return self.filter(is_leaf=True)


class CertificateCategory(models.Model):
    """A class or item of a certificate catalogue, with its scheme's validity and review rules."""

    scheme = models.CharField(_("体系"), max_length=20, choices=Scheme.choices)
    key = models.SlugField(_("内部编码"), max_length=40, unique=True, help_text=_("稳定的内部键，不随官方编号变化"))
    code = models.CharField(_("官方代号"), max_length=20, blank=True)
    name = models.CharField(_("名称"), max_length=80)
    parent = models.ForeignKey(
        "self", verbose_name=_("所属类别"), null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )
    level = models.CharField(_("层级"), max_length=10, choices=CategoryLevel.choices)
    is_leaf = models.BooleanField(_("可发证项目"), default=True)
    form_label = models.CharField(_("汇总表培训类别"), max_length=30)
    synonyms = models.JSONField(_("同义词"), default=list, blank=True)
    validity_years = models.PositiveSmallIntegerField(_("有效期（年）"))
    review_interval_years = models.PositiveSmallIntegerField(
        _("复审周期（年）"), null=True, blank=True, help_text=_("为空表示有效期届满前复审")
    )
    review_lead_days = models.PositiveSmallIntegerField(
        _("复审提前申请（天）"), help_text=_("复审须在到期日前多少天内（特种作业60天）或至少提前多少天（特种设备30天）申请")
    )
    review_reminder_days = models.PositiveSmallIntegerField(
        _("复审提醒（天）"), help_text=_("下次复审日期前多少天起显示“即将复审”")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = CertificateCategoryQuerySet.as_manager()

    class Meta:
        ordering = ["scheme", "order"]
        verbose_name = _("证书类别")
        verbose_name_plural = _("证书类别")

    def __str__(self):
        return f"{self.code} {self.name}" if self.code else self.name

    @property
    def attachment(self):
        return Scheme(self.scheme).attachment

    def next_review_on(self, issued_on, valid_until, last_reviewed_on=None):
        """The date by which the holder must have been reviewed (复审).

        Special operations: every `review_interval_years` from issue or the last review, never
        after expiry. Special equipment: the review must be applied for at least
        `review_lead_days` before expiry.
        """
        if self.review_interval_years:
            base = max(d for d in (issued_on, last_reviewed_on) if d)
            return min(add_years(base, self.review_interval_years), valid_until)
        return valid_until - datetime.timedelta(days=self.review_lead_days)

    def reminder_on(self, next_review_on):
        """From this day on the certificate shows as "review due soon"."""
        return next_review_on - datetime.timedelta(days=self.review_reminder_days)


class UnitQuerySet(models.QuerySet):
    def for_user(self, user):
        # units are businesses, not personal data: both bureaus supervise every unit
        return scope_for_user(self, user, "town_id", lambda queryset, scheme: queryset)

    def active(self):
        return self.filter(is_active=True)

    def with_uncertified_workers(self):
        return self.filter(Exists(Worker.objects.filter(unit=OuterRef("pk"), is_active=True).uncertified()))


class Unit(ArchivableMixin, models.Model):
    """A production or business unit (生产经营单位) in one town."""

    town = models.ForeignKey(Town, verbose_name=_("镇（街道）"), related_name="units", on_delete=models.PROTECT)
    name = models.CharField(_("单位名称"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validators.validate_credit_code]
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    industry = models.CharField(_("行业"), max_length=50, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("在册"), default=True, help_text=_("归档（关闭）的单位不再出现在台账中"))
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # History rows are read per object (by id); the copies of foreign keys need no index, and the user
    # needs no database constraint: both only slow the bulk writes of a ledger import.
    history = HistoricalRecords(
        excluded_fields=["name_key", "updated_at"], no_db_index=["town"], user_db_constraint=False
    )
    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["town__order", "name"]
        verbose_name = _("生产经营单位")
        verbose_name_plural = _("生产经营单位")
        indexes = [models.Index(fields=["town", "name_key"])]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="unit_credit_code_unique"
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = validators.normalize_unit_name(self.name)
        self.name_key = validators.unit_name_key(self.name)
        self.credit_code = validators.normalize_credit_code(self.credit_code)
        update_fields = kwargs.get("update_fields")
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding and (update_fields is None or "town" in update_fields):
            # the town is kept on the unit's workers, certificates and needs (see Worker.town)
            moved = Q(town_id=self.town_id)
            Worker.objects.filter(unit=self).exclude(moved).update(town_id=self.town_id)
            for model in (Certificate, TrainingNeed):
                model.objects.filter(worker__unit=self).exclude(moved).update(town_id=self.town_id)


# The last day each worker holds a certificate of the scheme in good standing (null: none).
STANDING_FIELDS = {
    Scheme.SPECIAL_OPERATION: "operation_standing_until",
    Scheme.SPECIAL_EQUIPMENT: "equipment_standing_until",
}
# Whether a worker holds any certificate or training need of the scheme: a bureau's scope.
SCHEME_FIELDS = {
    Scheme.SPECIAL_OPERATION: "in_special_operation",
    Scheme.SPECIAL_EQUIPMENT: "in_special_equipment",
}
DERIVED_FIELDS = (*STANDING_FIELDS.values(), *SCHEME_FIELDS.values())


def _in_standing(on, scheme=None):
    if scheme:
        return Q(**{f"{STANDING_FIELDS[scheme]}__gte": on})
    return Q(operation_standing_until__gte=on) | Q(equipment_standing_until__gte=on)


class WorkerQuerySet(models.QuerySet):
    def for_user(self, user):
        return scope_for_user(self, user, "town_id", lambda queryset, scheme: queryset.in_scheme(scheme))

    def in_scheme(self, scheme):
        """Workers holding a certificate or a training need of this scheme (read from `refresh_derived`'s flags)."""
        return self.filter(**{SCHEME_FIELDS[scheme]: True})

    def active(self):
        return self.filter(is_active=True)

    def certified(self, on=None, scheme=None):
        """Workers with at least one certificate (of `scheme`) that is valid and not overdue for review on `on`.

        Read from the workers' standing dates (`refresh_derived`): a certificate is in
        good standing on D when D is on or before both its expiry and its next review.
        """
        return self.filter(_in_standing(on or today(), scheme))

    def uncertified(self, on=None, scheme=None):
        return self.exclude(_in_standing(on or today(), scheme))

    def refresh_derived(self):
        """Recompute what these workers carry from their certificates and needs, in one UPDATE.

        Their standing dates (the last day a certificate of each scheme is in good standing) and
        their schemes (holding a certificate or a need of it). Certificate.save() and
        TrainingNeed.save() call it for their worker; bulk writes call it for theirs.
        """
        values = {}
        for scheme, field in STANDING_FIELDS.items():
            last_day = (
                Certificate.objects.filter(worker=OuterRef("pk"), category__scheme=scheme)
                .exclude(verification=Verification.FORGED)
                .order_by().values("worker").annotate(until=Max(Least("valid_until", "next_review_on"))).values("until")
            )
            values[field] = Subquery(last_day)
        for scheme, field in SCHEME_FIELDS.items():
            values[field] = Exists(Certificate.objects.filter(worker=OuterRef("pk"), category__scheme=scheme)) | Exists(
                TrainingNeed.objects.filter(worker=OuterRef("pk"), category__scheme=scheme))
        return self.update(**values)

    def uncertified_in(self, category, on=None):
        return self.exclude(
            Exists(Certificate.objects.in_good_standing(on).filter(worker=OuterRef("pk"), category=category))
        )


class Worker(ArchivableMixin, models.Model):
    """A special-operations or special-equipment worker (从业人员) of one unit."""

    # no index of its own: the (unit, name) index below serves every lookup by unit
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), related_name="workers", on_delete=models.PROTECT, db_index=False
    )
    # the unit's town, kept here (and on the worker's certificates and needs) so that scoping and
    # the city's figures read one column instead of joining a million rows to their units
    town = models.ForeignKey(  # indexed with is_active below
        Town, verbose_name=_("镇（街道）"), related_name="+", on_delete=models.PROTECT, editable=False, db_index=False,
        # copied from the unit, whose own town the database checks: a second check per row
        # would cost a 50,000-row import a second
        db_constraint=False,
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(
        _("身份证号码"), max_length=18, blank=True, validators=[validators.validate_id_number]
    )
    mobile = models.CharField(_("手机号码"), max_length=11, blank=True, validators=[validators.validate_mobile])
    is_active = models.BooleanField(_("在册"), default=True)
    # Derived from the certificates and needs by `refresh_derived()` whenever one is saved; never
    # typed, never written by the worker's own save. STANDING_FIELDS and SCHEME_FIELDS name them.
    operation_standing_until = models.DateField(_("特种作业持证有效至"), null=True, blank=True, editable=False)
    equipment_standing_until = models.DateField(_("特种设备持证有效至"), null=True, blank=True, editable=False)
    in_special_operation = models.BooleanField(_("涉及特种作业"), default=False, editable=False)
    in_special_equipment = models.BooleanField(_("涉及特种设备"), default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # The history records the town and schemes as the worker row holds them (bulk imports copy
    # each row's rendering to its history row); the standing dates change with the calendar of
    # certificates, not with the worker, and are left out.
    history = HistoricalRecords(
        excluded_fields=["updated_at", *STANDING_FIELDS.values()], no_db_index=["unit", "town"],
        user_db_constraint=False,
    )
    objects = WorkerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("从业人员")
        verbose_name_plural = _("从业人员")
        indexes = [
            models.Index(fields=["unit", "name"]),
            models.Index(fields=["mobile"]),
            # a town's workers; the city's head counts per town (all, certified) are read from this index alone
            models.Index(fields=["town", "is_active", *DERIVED_FIELDS], name="worker_town_standing_idx"),
            # lists sort by name then pk; with this index a page of the city's workers is an index scan
            models.Index(fields=["name", "id"]),
            # the few archived workers, read to leave their certificates and needs out of the city's figures
            models.Index(fields=["id"], condition=Q(is_active=False), name="worker_archived_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id_number"], condition=~Q(id_number=""), name="worker_id_number_unique")
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = validators.normalize_person_name(self.name)
        self.id_number = validators.normalize_id_number(self.id_number)
        if self.mobile:
            self.mobile = validators.normalize_mobile(self.mobile)
        update_fields = kwargs.get("update_fields")
        moves = update_fields is None or "unit" in update_fields
        if moves:
            self.town_id = self.unit.town_id
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "town"}
        adding = self._state.adding
        if not adding and update_fields is None:
            # the derived fields are the certificates' and needs' to write: a worker loaded before
            # one of them changed must not put back the old values
            kwargs["update_fields"] = [field.name for field in self._meta.concrete_fields
                                       if not field.primary_key and field.name not in DERIVED_FIELDS]
        super().save(*args, **kwargs)
        if moves and not adding:
            # a worker moved to another town's unit takes their certificates and needs along
            for related in (self.certificates, self.training_needs):
                related.exclude(town_id=self.town_id).update(town_id=self.town_id)

    @property
    def masked_mobile(self):
        return mask_mobile(self.mobile)

    @property
    def masked_id_number(self):
        return f"{self.id_number[:6]}********{self.id_number[-4:]}" if len(self.id_number) == 18 else self.id_number



class OfActiveWorkersMixin:
    def of_active_workers(self):
        """Rows of workers still in the ledger (not archived).

        Spelt as "not of an archived worker": an anti-join on the few archived workers, read from
        their partial index, instead of joining every row to its worker.
        """
        return self.exclude(Exists(Worker.objects.filter(pk=OuterRef("worker_id"), is_active=False)))


class CertificateQuerySet(OfActiveWorkersMixin, models.QuerySet):
    def for_user(self, user):
        return scope_for_user(
            self, user, "town_id", lambda queryset, scheme: queryset.filter(category__scheme=scheme)
        )

    def with_status(self, on=None):
        """Annotate `status_code` computed in the database from the stored rule dates."""
        on = on or today()
        return self.annotate(
            status_code=Case(
                When(valid_until__lt=on, then=Value(CertificateStatus.EXPIRED.value)),
                When(next_review_on__lt=on, then=Value(CertificateStatus.REVIEW_OVERDUE.value)),
                When(review_reminder_on__lte=on, then=Value(CertificateStatus.REVIEW_DUE_SOON.value)),
                default=Value(CertificateStatus.VALID.value),
                output_field=models.CharField(),
            )
        )

    def with_status_code(self, status, on=None):
        on = on or today()
        if status == CertificateStatus.EXPIRED:
            return self.expired_on(on)
        if status == CertificateStatus.REVIEW_OVERDUE:
            return self.review_overdue_on(on)
        if status == CertificateStatus.REVIEW_DUE_SOON:
            return self.filter(valid_until__gte=on, next_review_on__gte=on, review_reminder_on__lte=on)
        return self.filter(valid_until__gte=on, next_review_on__gte=on, review_reminder_on__gt=on)

    def expired_on(self, on=None):
        return self.filter(valid_until__lt=on or today())

    def review_overdue_on(self, on=None):
        on = on or today()
        return self.filter(valid_until__gte=on, next_review_on__lt=on)

    def in_good_standing(self, on=None):
        """Valid and not overdue for review: the holder may work (due-soon included)."""
        on = on or today()
        return self.exclude(verification=Verification.FORGED).filter(valid_until__gte=on, next_review_on__gte=on)

    def review_due_within(self, days, on=None):
        """Certificates whose next review falls within `days` days from `on` (not yet overdue)."""
        on = on or today()
        return self.filter(
            valid_until__gte=on, next_review_on__gte=on, next_review_on__lte=on + datetime.timedelta(days=days)
        )


class Certificate(models.Model):
    """A certificate held by a worker for one catalogue item.

    `next_review_on` and `review_reminder_on` are computed from the category's rules on every
    save (and by `compute_dates()` for bulk writes); they are never typed.
    """

    worker = models.ForeignKey(Worker, verbose_name=_("持证人"), related_name="certificates", on_delete=models.PROTECT)
    town = models.ForeignKey(  # the worker's: set on save, moved along by Worker.save() (see Worker.town)
        Town, verbose_name=_("镇（街道）"), related_name="+", on_delete=models.PROTECT, editable=False,
        db_constraint=False,
    )
    category = models.ForeignKey(
        CertificateCategory, verbose_name=_("作业类别（项目）"), related_name="certificates", on_delete=models.PROTECT
    )
    number = models.CharField(_("证书编号"), max_length=40, blank=True, db_index=True)
    issued_on = models.DateField(_("初领日期"))
    valid_until = models.DateField(_("有效期至"))
    last_reviewed_on = models.DateField(_("最近复审日期"), null=True, blank=True)
    next_review_on = models.DateField(_("下次复审日期"), editable=False, db_index=True)
    review_reminder_on = models.DateField(editable=False, db_index=True)
    issuing_authority = models.CharField(_("发证机关"), max_length=100, blank=True)
    verification = models.CharField(
        _("核验"), max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED
    )
    verified_by = models.ForeignKey(
        User, verbose_name=_("核验人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    verification_method = models.CharField(_("核验方式"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], no_db_index=["town"])
    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["valid_until", "pk"]
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        indexes = [models.Index(fields=["worker", "category"]), models.Index(fields=["valid_until"])]

    def __str__(self):
        return f"{self.category.name} {self.number}".strip()

    def clean(self):
        super().clean()
        errors = {}
        if self.category_id and not self.category.is_leaf:
            errors["category"] = _("请选择具体的作业项目，而不是大类。")
        if self.issued_on and self.valid_until and self.valid_until <= self.issued_on:
            errors["valid_until"] = _("有效期至必须晚于初领日期。")
        if self.issued_on and self.last_reviewed_on and self.last_reviewed_on < self.issued_on:
            errors["last_reviewed_on"] = _("复审日期不能早于初领日期。")
        if errors:
            raise ValidationError(errors)

    def compute_dates(self):
        if not self.valid_until and self.issued_on:
            self.valid_until = add_years(self.issued_on, self.category.validity_years)
        self.next_review_on = self.category.next_review_on(self.issued_on, self.valid_until, self.last_reviewed_on)
        self.review_reminder_on = self.category.reminder_on(self.next_review_on)

    def save(self, *args, **kwargs):
        self.number = validators.nfkc(self.number).upper()
        self.compute_dates()
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "worker" in update_fields:
            self.town_id = self.worker.town_id
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {"next_review_on", "review_reminder_on", "valid_until"}
            if "worker" in update_fields:
                kwargs["update_fields"].add("town")
        super().save(*args, **kwargs)
        Worker.objects.filter(pk=self.worker_id).refresh_derived()

    def status_on(self, on=None):
        on = on or today()
        if self.valid_until < on:
            return CertificateStatus.EXPIRED
        if self.next_review_on < on:
            return CertificateStatus.REVIEW_OVERDUE
        if self.review_reminder_on <= on:
            return CertificateStatus.REVIEW_DUE_SOON
        return CertificateStatus.VALID

    @property
    def status(self):
        return self.status_on()

    def record_review(self, reviewed_on, valid_until=None):
        """A passed review (复审) moves the next review date; a renewal may give a new expiry."""
        self.last_reviewed_on = reviewed_on
        if valid_until:
            self.valid_until = valid_until
        elif not self.category.review_interval_years:
            # special equipment: review renews the certificate for another validity period
            self.valid_until = add_years(self.valid_until, self.category.validity_years)
        self.version += 1
        self.save()

    record_review.alters_data = True


class TrainingInstitution(models.Model):
    """A qualified training body; the notice names 福建省特检院泉州分院 for special equipment."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    scheme = models.CharField(_("体系"), max_length=20, choices=Scheme.choices, blank=True)
    phone = models.CharField(_("联系电话"), max_length=60, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    categories = models.ManyToManyField(CertificateCategory, verbose_name=_("可培训类别"), blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("培训机构")
        verbose_name_plural = _("培训机构")

    def __str__(self):
        return self.name


class TrainingNeedQuerySet(OfActiveWorkersMixin, models.QuerySet):
    def for_user(self, user):
        return scope_for_user(
            self, user, "town_id", lambda queryset, scheme: queryset.filter(category__scheme=scheme)
        )

    def open(self):
        return self.filter(status__in=OPEN_NEED_STATUSES)

    def for_attachment(self, number):
        scheme = Scheme.SPECIAL_OPERATION if int(number) == 1 else Scheme.SPECIAL_EQUIPMENT
        return self.filter(category__scheme=scheme)


class TrainingNeed(models.Model):
    """A worker's need to be trained for a category: initial (取证) or review (复审).

    The open needs of a town are the rows of its Attachment 1 (special operations) and
    Attachment 2 (special equipment).
    """

    worker = models.ForeignKey(Worker, verbose_name=_("从业人员"), related_name="training_needs", on_delete=models.PROTECT)
    town = models.ForeignKey(  # the worker's: set on save, moved along by Worker.save() (see Worker.town)
        Town, verbose_name=_("镇（街道）"), related_name="+", on_delete=models.PROTECT, editable=False,
        db_constraint=False,
    )
    category = models.ForeignKey(
        CertificateCategory, verbose_name=_("培训类别"), related_name="training_needs", on_delete=models.PROTECT
    )
    kind = models.CharField(_("类型"), max_length=10, choices=NeedKind.choices, default=NeedKind.INITIAL)
    source = models.CharField(_("来源"), max_length=12, choices=NeedSource.choices, default=NeedSource.ENTERED)
    status = models.CharField(_("状态"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("相关证书"),
        null=True,
        blank=True,
        related_name="training_needs",
        on_delete=models.SET_NULL,
        # few needs have one and nothing lists needs by certificate: no index to maintain on imports
        db_index=False,
        help_text=_("复审需求所复审的证书，或考试通过后颁发的证书"),
    )
    institution = models.ForeignKey(
        TrainingInstitution, verbose_name=_("培训机构"), null=True, blank=True, on_delete=models.PROTECT,
        db_index=False,  # institutions are few and never deleted; imports write needs without one
    )
    registered_on = models.DateField(_("报名日期"), null=True, blank=True)
    trained_on = models.DateField(_("培训完成日期"), null=True, blank=True)
    exam_on = models.DateField(_("考试日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    ledger_import = models.ForeignKey(
        "LedgerImport", verbose_name=_("来自导入"), null=True, blank=True, related_name="training_needs",
        on_delete=models.SET_NULL,
        # provenance only (Django nulls it when an import record goes): no per-row database check
        # to pay for on a 50,000-row import
        db_constraint=False,
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        no_db_index=["worker", "town", "category", "certificate", "institution", "ledger_import"],
        user_db_constraint=False,
    )
    objects = TrainingNeedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("培训需求")
        verbose_name_plural = _("培训需求")
        # no (status, kind) index: most needs are open, so the planner never chose it, and
        # every imported need paid for it
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "category", "kind"],
                condition=Q(status__in=[s.value for s in OPEN_NEED_STATUSES]),
                name="one_open_need_per_worker_category_kind",
            )
        ]

    def __str__(self):
        return f"{self.worker} {self.category.name}（{self.get_kind_display()}）"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "worker" in update_fields:
            self.town_id = self.worker.town_id
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "town"}
        super().save(*args, **kwargs)
        Worker.objects.filter(pk=self.worker_id).refresh_derived()

    @property
    def is_open(self):
        return self.status in OPEN_NEED_STATUSES

    @property
    def attachment(self):
        return self.category.attachment

    @property
    def form_category_text(self):
        """The 培训类别 cell of the attachment: label, the item when it says more, （复审） for reviews."""
        label = self.category.form_label
        text = label
        if self.category.level == CategoryLevel.ITEM and self.category.name != label:
            text = f"{label}（{self.category.name}）"
        if self.kind == NeedKind.REVIEW:
            text += "（复审）"
        return text


class LedgerImportQuerySet(models.QuerySet):
    def for_user(self, user):
        # the uploaded files hold personal data of every scheme: the bureaus see none of them
        return scope_for_user(self, user, "town_id", lambda queryset, scheme: queryset.none())


class LedgerImport(models.Model):
    """One uploaded ledger file, from preview to commit.

    The file's bytes are kept here (not in a process's memory or temp folder) so the preview and
    the confirmation may be served by different application processes.
    """

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("待确认")
        COMMITTED = "committed", _("已导入")
        REJECTED = "rejected", _("有错误未导入")
        DISCARDED = "discarded", _("已放弃")

    uploaded_by = models.ForeignKey(User, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL)
    town = models.ForeignKey(
        Town, verbose_name=_("镇（街道）"), null=True, blank=True, on_delete=models.PROTECT,
        help_text=_("上传时指定的镇（街道）；为空时按文件中的镇（街道）行或工作表名确定"),
    )
    form = models.PositiveSmallIntegerField(_("附件"), null=True, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    content = models.BinaryField(_("文件内容"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    skip_invalid = models.BooleanField(_("只导入无误的行"), default=False)
    rows_total = models.PositiveIntegerField(_("数据行数"), default=0)
    entries_created = models.PositiveIntegerField(_("新增培训需求"), default=0)
    workers_created = models.PositiveIntegerField(_("新增人员"), default=0)
    units_created = models.PositiveIntegerField(_("新增单位"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    warning_count = models.PositiveIntegerField(_("提示数"), default=0)
    report = models.JSONField(_("结果明细"), default=dict, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    objects = LedgerImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")

    def __str__(self):
        return self.file_name
