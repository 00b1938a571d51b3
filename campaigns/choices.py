from django.db import models
from django.utils.translation import gettext_lazy as _


class PhaseKind(models.TextChoices):
    MOBILISATION = "mobilisation", _("动员部署")
    SURVEY = "survey", _("检查摸底")
    TRAINING = "training", _("集中培训")
    ENFORCEMENT = "enforcement", _("专项执法")
    SUMMARY = "summary", _("总结提升")
