from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TOWN_CLERK = "town_clerk", _("镇（街道）安办")
    SAFETY_OFFICE = "safety_office", _("市安办")
    EMERGENCY_BUREAU = "emergency_bureau", _("市应急管理局")
    MARKET_BUREAU = "market_bureau", _("市市场监督管理局")
    DEPARTMENT = "department", _("市有关单位")


class TownKind(models.TextChoices):
    STREET = "street", _("街道")
    TOWN = "town", _("镇")
    ZONE = "zone", _("开发区")


class Scheme(models.TextChoices):
    SPECIAL_OPERATION = "special_operation", _("特种作业")
    SPECIAL_EQUIPMENT = "special_equipment", _("特种设备")

    @property
    def attachment(self):
        """The notice's attachment number for this scheme's ledger rows."""
        return 1 if self == Scheme.SPECIAL_OPERATION else 2


class CategoryLevel(models.TextChoices):
    CLASS = "class", _("类别")
    ITEM = "item", _("项目")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVIEW_DUE_SOON = "review_due_soon", _("即将复审")
    REVIEW_OVERDUE = "review_overdue", _("逾期未复审")
    EXPIRED = "expired", _("已过期")


CERTIFICATE_STATUS_COLOURS = {
    CertificateStatus.VALID: "green",
    CertificateStatus.REVIEW_DUE_SOON: "amber",
    CertificateStatus.REVIEW_OVERDUE: "red",
    CertificateStatus.EXPIRED: "grey",
}


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", _("未核验")
    GENUINE = "genuine", _("核验为真")
    FORGED = "forged", _("伪造")


class NeedKind(models.TextChoices):
    INITIAL = "initial", _("取证")
    REVIEW = "review", _("复审")


class NeedSource(models.TextChoices):
    ENTERED = "entered", _("手工录入")
    IMPORTED = "imported", _("导入")
    DUE_REVIEW = "due_review", _("复审到期生成")
    INSPECTION = "inspection", _("执法检查发现")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待培训")
    REGISTERED = "registered", _("已报名")
    TRAINED = "trained", _("已培训")
    FAILED = "failed", _("考试未通过")
    CERTIFIED = "certified", _("已发证")
    CANCELLED = "cancelled", _("已撤销")


OPEN_NEED_STATUSES = (NeedStatus.OPEN, NeedStatus.REGISTERED, NeedStatus.TRAINED, NeedStatus.FAILED)
