from django.db import models
from django.utils.translation import gettext_lazy as _


class PhaseKind(models.TextChoices):
    MOBILISATION = "mobilisation", _("动员部署")
    SURVEY = "survey", _("检查摸底")
    TRAINING = "training", _("集中培训")
    ENFORCEMENT = "enforcement", _("专项执法")
    SUMMARY = "summary", _("总结提升")


class PublicityChannel(models.TextChoices):
    TV = "tv", _("电视")
    NEWSPAPER = "newspaper", _("报纸")
    WECHAT = "wechat", _("微信公众号")
    MEETING = "meeting", _("会议")
    POSTER = "poster", _("海报/横幅")
    OTHER = "other", _("其他")


class ExamResult(models.TextChoices):
    PENDING = "pending", _("待考试")
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")
    ABSENT = "absent", _("缺考")


class FindingResult(models.TextChoices):
    CERTIFIED = "certified", _("持证上岗")
    NO_CERTIFICATE = "no_certificate", _("无证上岗")
    FORGED = "forged", _("持假证")
    EXPIRED = "expired", _("证书过期或逾期未复审")


class VerificationMethod(models.TextChoices):
    NATIONAL_LOOKUP = "national_lookup", _("全国联网查询")
    QR_CODE = "qr_code", _("扫描二维码")
    ORIGINAL_SEEN = "original_seen", _("查验原件")
    ISSUER_CONFIRMED = "issuer_confirmed", _("发证机关函证")
    OTHER = "other", _("其他")


class MeasureKind(models.TextChoices):
    RECTIFY_ORDER = "rectify_order", _("责令限期整改")
    FINE = "fine", _("罚款")
    CASE_FILED = "case_filed", _("立案查处")
    JUDICIAL_REFERRAL = "judicial_referral", _("移交司法机关")


# The measures that make an inspection a case (立案/移送): filed for investigation or referred to the judiciary.
CASE_MEASURES = (MeasureKind.CASE_FILED, MeasureKind.JUDICIAL_REFERRAL)


class MeasureStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFIED = "rectified", _("已整改")
    RECHECKED = "rechecked", _("已复查")
    CLOSED = "closed", _("已结案")


class ForgerySignal(models.TextChoices):
    SHARED_NUMBER = "shared_number", _("同一证号多人持有")
    BAD_ID_CHECKSUM = "bad_id_checksum", _("身份证号码校验不通过")
    NUMBER_NOT_ID = "number_not_id", _("特种作业证号不是“T+身份证号”")
    FUTURE_ISSUE = "future_issue", _("发证日期在未来")
    VALIDITY_TOO_LONG = "validity_too_long", _("有效期超过规定年限")
