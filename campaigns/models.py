"""Campaigns of the notice: a campaign runs in phases that may overlap."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import PhaseKind


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

    @transaction.atomic
    def copy_shifted(self, days, name=None):
        """A new campaign with every date moved by `days` days, phases included."""
        shift = datetime.timedelta(days=days)
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
                description=phase.description,
            )
            for phase in self.phases.all()
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
