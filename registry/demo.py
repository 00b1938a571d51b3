"""Demo data: a realistic ledger in all 20 towns, the notice's campaign shifted to today, and one
login per role.

`seed()` is what `manage.py seed_demo` runs; tests call it directly. Everything random comes from
one `random.Random(seed)` consumed in a fixed order, so the same seed on the same day gives the same
data. Certificate and training dates are drawn relative to today (so every status is present
whenever the demo is loaded); birth dates relative to 1 January of this year (so ages stay real).
"""

import datetime
import random
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from campaigns.choices import PhaseKind
from campaigns.models import Campaign
from campaigns.reference import notice_campaign as notice_campaign_data

from . import validators
from .choices import CertificateStatus, NeedKind, NeedSource, NeedStatus, Role, Scheme, TownKind, Verification
from .models import (
    Certificate,
    CertificateCategory,
    Department,
    Town,
    TrainingInstitution,
    TrainingNeed,
    Unit,
    User,
    Worker,
    add_years,
)

DEMO_PASSWORD = "jinjiang2019"
DEMO_CAMPAIGN_SUFFIX = "（演示）"
BATCH_SIZE = 5000
WORKERS_PER_UNIT = 8


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    town: str = ""  # short name
    department: str = ""


DEMO_LOGINS = (
    DemoLogin("anban", Role.SAFETY_OFFICE),
    DemoLogin("qingyang", Role.TOWN_CLERK, town="青阳"),
    DemoLogin("anhai", Role.TOWN_CLERK, town="安海"),
    DemoLogin("yingji", Role.EMERGENCY_BUREAU),
    DemoLogin("shichang", Role.MARKET_BUREAU),
    DemoLogin("zhujian", Role.DEPARTMENT, department="住建局"),
)


@dataclass
class SeedResult:
    units: int = 0
    workers: int = 0
    certificates: int = 0
    needs: int = 0
    campaign: Campaign = None


# Bigger industrial towns keep bigger ledgers (weights are shares of the workers).
TOWN_WEIGHTS = {
    "青阳": 3, "梅岭": 3, "西园": 3, "罗山": 5, "新塘": 4, "灵源": 4, "安海": 12, "磁灶": 10, "陈埭": 14,
    "东石": 6, "深沪": 5, "金井": 5, "池店": 7, "内坑": 6, "龙湖": 6, "永和": 4, "英林": 5, "紫帽": 2,
    "西滨": 4, "经济开发区": 6,
}

# trade word in the name → (industry, factory-style name or "", {category key: weight})
TRADES = {
    "鞋业": ("皮革、毛皮、羽毛及其制品和制鞋业", "鞋厂",
             {"op-1-2": 5, "se-9-n1": 5, "se-2-g1": 2, "se-3-r1": 2, "op-2-1": 1, "se-1-a": 1}),
    "纺织": ("纺织业", "织造厂", {"op-1-2": 5, "se-2-g1": 3, "se-2-g3": 1, "se-9-n1": 4, "se-3-r1": 1, "op-2-1": 1}),
    "服装": ("纺织服装、服饰业", "服装厂", {"op-1-2": 4, "se-9-n1": 3, "se-2-g1": 2, "op-4-2": 1, "op-3-2": 1}),
    "陶瓷": ("非金属矿物制品业", "陶瓷厂",
             {"se-9-n1": 5, "se-6-q2": 3, "op-1-2": 4, "op-1-1": 2, "op-2-1": 2, "se-2-g1": 1}),
    "建材": ("非金属矿物制品业", "建材厂",
             {"se-9-n1": 4, "se-6-q2": 3, "se-6-q1": 2, "op-1-2": 3, "op-2-1": 2, "op-3-1": 1}),
    "食品": ("食品制造业", "食品厂",
             {"se-2-g1": 3, "se-3-r1": 3, "op-4-1": 3, "se-9-n1": 3, "op-1-2": 3, "se-1-a": 1}),
    "机械": ("通用设备制造业", "机械厂",
             {"op-2-1": 5, "se-6-q2": 4, "se-6-q1": 2, "op-1-2": 3, "se-9-n1": 2, "op-2-3": 1}),
    "五金": ("金属制品业", "五金厂", {"op-2-1": 5, "op-1-2": 3, "se-9-n1": 2, "se-6-q2": 2, "op-2-2": 1}),
    "化工": ("化学原料和化学制品制造业", "",
             {"op-9-14": 2, "op-9-16": 2, "op-9-10": 1, "op-1-2": 3, "se-3-r1": 2, "se-4-p": 1, "se-2-g1": 2,
              "se-1-a": 1}),
    "包装": ("造纸和纸制品业", "包装厂", {"se-9-n1": 5, "op-1-2": 4, "se-2-g1": 2, "se-3-r1": 1}),
    "塑胶": ("橡胶和塑料制品业", "塑胶厂", {"op-1-2": 4, "se-9-n1": 3, "se-3-r1": 1, "op-2-1": 1}),
    "物流": ("装卸搬运和仓储业", "", {"se-9-n1": 7, "se-6-q2": 2, "op-1-2": 1, "op-4-1": 1}),
    "物业管理": ("物业管理", "",
                 {"se-5-t": 3, "op-1-2": 4, "op-1-1": 1, "op-4-2": 2, "op-3-2": 2, "se-8-y2": 1}),
    "建设工程": ("建筑安装业", "", {"op-3-1": 4, "op-3-2": 2, "op-1-2": 3, "op-2-1": 3, "se-6-q2": 1}),
    "燃气": ("燃气生产和供应业", "", {"se-4-p": 5, "se-3-r2": 2, "se-1-a": 2, "op-1-2": 1}),
}
DEFAULT_TRADE_WEIGHTS = {
    "鞋业": 3, "纺织": 2, "服装": 2, "陶瓷": 1, "建材": 1, "食品": 2, "机械": 2, "五金": 2, "化工": 0.5,
    "包装": 1.5, "塑胶": 1, "物流": 1, "物业管理": 1, "建设工程": 1, "燃气": 0.3,
}
# What each place is known for: 陈埭 shoes, 磁灶 ceramics, 深沪/英林 clothing, the city streets services.
TOWN_TRADES = {
    "陈埭": {"鞋业": 12}, "磁灶": {"陶瓷": 10, "建材": 5}, "安海": {"食品": 5, "鞋业": 4},
    "深沪": {"服装": 5, "纺织": 4, "食品": 3}, "英林": {"服装": 8}, "龙湖": {"纺织": 4, "鞋业": 4, "食品": 3},
    "内坑": {"鞋业": 4, "建材": 3}, "东石": {"纺织": 3, "食品": 3}, "池店": {"鞋业": 3, "物流": 3},
    "西滨": {"鞋业": 3, "塑胶": 2}, "青阳": {"物业管理": 6, "建设工程": 3}, "梅岭": {"物业管理": 6, "建设工程": 3},
    "西园": {"物业管理": 5, "建设工程": 3}, "罗山": {"鞋业": 3, "物流": 2}, "灵源": {"陶瓷": 3, "化工": 1},
    "新塘": {"包装": 3}, "经济开发区": {"机械": 5, "纺织": 3, "化工": 2}, "永和": {"鞋业": 3, "服装": 2},
    "紫帽": {"陶瓷": 2, "建材": 3}, "金井": {"食品": 3, "鞋业": 2},
}

BRAND_CHARS = "鸿恒华金万永宏鑫嘉顺远新荣泰福德盛兴源隆利达丰辉祥瑞昌和通联益安晋海明光富豪亿协"
ROADS = ("世纪大道", "泉安路", "晋新路", "安平路", "工业路", "兴业路", "长兴路", "和平路", "创业路", "科技路",
         "发展大道", "阳光路", "迎宾路", "中兴路", "繁荣路", "振兴路")

LOCAL_SURNAMES = {
    "陈": 12, "林": 8, "黄": 6, "吴": 6, "许": 6, "施": 5, "蔡": 5, "洪": 4, "王": 4, "李": 4, "张": 4, "郑": 3,
    "庄": 3, "杨": 3, "苏": 2, "丁": 2, "柯": 2, "曾": 2, "周": 2, "颜": 2, "谢": 2, "郭": 2, "刘": 2, "蒋": 1,
    "龚": 1, "尤": 1, "骆": 1, "粘": 1, "董": 1, "赖": 1,
}
OTHER_SURNAMES = {
    "王": 8, "李": 8, "张": 7, "刘": 6, "陈": 5, "杨": 4, "赵": 4, "黄": 3, "周": 3, "吴": 3, "徐": 3, "孙": 3,
    "胡": 3, "朱": 2, "高": 2, "何": 2, "罗": 2, "郭": 2, "马": 2, "梁": 2, "宋": 1, "郑": 1, "谢": 1, "韩": 1,
    "唐": 1, "冯": 1, "邓": 1, "曹": 1, "彭": 1, "田": 1, "袁": 1,
}
MALE_CHARS = "伟强军明辉建志文国华平勇杰俊鹏斌海龙峰涛清福金荣振宏永忠德秋成东林山水祥达鸿泽宇航浩晨阳凯亮超波毅坤"
FEMALE_CHARS = "丽娜芳燕红梅玲静婷霞秀英慧琴艳雪萍兰珍凤莉敏洁颖佳惠"

# Where workers' ID numbers say they come from: Jinjiang (350582; before 1992 also 350522/352422),
# elsewhere in Fujian, and the provinces many of Jinjiang's factory workers come from.
OTHER_FUJIAN = ("350583", "350581", "350524", "350525", "350526", "350521")
OTHER_PROVINCES = ("510722", "511321", "341221", "411522", "430524", "522121", "500236", "420922", "530627")
MOBILE_PREFIXES = ("130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
                   "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180",
                   "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "198", "199")
ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

VALID, DUE_SOON, OVERDUE, EXPIRED = "valid", "due_soon", "overdue", "expired"
CERTIFICATE_STATES = {VALID: 62, DUE_SOON: 12, OVERDUE: 13, EXPIRED: 13}
# statuses of needs still being worked on, and of needs closed without a certificate
PENDING_NEED_STATUSES = {
    NeedStatus.OPEN: 72, NeedStatus.REGISTERED: 12, NeedStatus.TRAINED: 5, NeedStatus.FAILED: 3,
    NeedStatus.CANCELLED: 8,
}


def _pick(rng, weights):
    """A key of `weights` drawn by weight (dicts keep their literal order, so this is deterministic)."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def _split(total, weights, minimum=0):
    """`total` shared out by weight (largest remainder), each share at least `minimum`."""
    rest = total - minimum * len(weights)
    raw = [rest * weight / sum(weights) for weight in weights]
    shares = [int(value) for value in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (shares[i] - raw[i], i))
    for i in by_remainder[: rest - sum(shares)]:
        shares[i] += 1
    return [share + minimum for share in shares]


def org_code_check(first8):
    """GB 11714 check character of an organisation code (the 9th-17th characters' last one)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(first8, weights))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def demo_campaign():
    return Campaign.objects.filter(name__endswith=DEMO_CAMPAIGN_SUFFIX, created_from__isnull=False).first()


def notice_campaign():
    document_number = notice_campaign_data()["document_number"]
    return Campaign.objects.filter(document_number=document_number, created_from__isnull=True).order_by("pk").first()


def create_demo_campaign(today):
    """The notice's campaign shifted so that today falls in the middle of training and enforcement."""
    notice = notice_campaign()
    phases = {phase.kind: phase for phase in notice.phases.all()}
    training, enforcement = phases[PhaseKind.TRAINING], phases[PhaseKind.ENFORCEMENT]
    overlap_start = max(training.starts_on, enforcement.starts_on)
    overlap_end = min(training.ends_on, enforcement.ends_on)
    target = overlap_start + (overlap_end - overlap_start) / 2
    return notice.copy_shifted((today - target).days, name=notice.name + DEMO_CAMPAIGN_SUFFIX)


def ensure_logins(reset_passwords=False):
    """The demo logins, created when missing. Returns (login, user, password or None when changed)."""
    rows = []
    for login in DEMO_LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None or reset_passwords:
            user = user or User(username=login.username)
            user.role = login.role
            user.town = Town.objects.get(short_name=login.town) if login.town else None
            user.department = Department.objects.get(name=login.department) if login.department else None
            user.set_password(DEMO_PASSWORD)
            user.save()
            rows.append((login, user, DEMO_PASSWORD))
        else:
            # hashing is slow on purpose; only check passwords we did not just set
            rows.append((login, user, DEMO_PASSWORD if user.check_password(DEMO_PASSWORD) else None))
    return rows


class ResetBlocked(Exception):
    """Other records (inspections, submissions …) still point at the demo ledger."""


def reset():
    """Delete every ledger row and their history, and the demo campaign.

    Plain DELETEs on purpose: a queryset delete would make simple_history write one history row
    per deleted demo row. Rows of other apps that point at the ledger make this fail.
    """
    models = [TrainingNeed, Certificate, Worker, Unit]
    tables = [m.history.model._meta.db_table for m in models] + [m._meta.db_table for m in models]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
            Campaign.objects.filter(name__endswith=DEMO_CAMPAIGN_SUFFIX, created_from__isnull=False).delete()
    except IntegrityError as error:
        raise ResetBlocked(str(error)) from error


class _Generator:
    def __init__(self, rng, today):
        self.rng = rng
        self.today = today
        self.anchor_year = today.year
        self.taken_ids = set()
        self.taken_credit_codes = set()
        self.taken_unit_keys = set()
        keys = sorted({key for _, _, profile in TRADES.values() for key in profile})
        self.categories = {c.key: c for c in CertificateCategory.objects.filter(key__in=keys, is_leaf=True)}
        missing = [key for key in keys if key not in self.categories]
        if missing:
            raise LookupError(f"certificate categories missing from the reference data: {missing}")
        self.institution = (
            TrainingInstitution.objects.filter(scheme=Scheme.SPECIAL_EQUIPMENT, is_active=True).order_by("pk").first()
        )

    def days_ago(self, low, high):
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    # --- units -----------------------------------------------------------------------------

    def unit(self, town):
        rng = self.rng
        weights = {**DEFAULT_TRADE_WEIGHTS, **TOWN_TRADES.get(town.short_name, {})}
        trade = _pick(rng, weights)
        industry, factory, _ = TRADES[trade]
        place = "" if town.kind == TownKind.ZONE else town.short_name
        for attempt in range(50):
            brand = "".join(rng.sample(BRAND_CHARS, 3 if attempt > 20 else 2))
            style = rng.random()
            if style < 0.12 and factory:
                name = f"晋江市{place}{brand}{factory}"
            elif style < 0.27:
                name = f"福建{brand}{trade}有限公司"
            elif style < 0.33:
                name = f"福建省{brand}{trade}股份有限公司"
            else:
                name = f"晋江市{place}{brand}{trade}有限公司"
            key = validators.unit_name_key(name)
            if key not in self.taken_unit_keys:
                break
        self.taken_unit_keys.add(key)
        prefix = town.name if town.kind == TownKind.ZONE else f"晋江市{town.name}"
        return Unit(
            town=town,
            name=name,
            name_key=key,
            credit_code=self.credit_code(),
            address=f"{prefix}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
            industry=industry,
            contact_person=self.person_name(local=True, male=rng.random() < 0.7),
            contact_phone=self.mobile(),
        ), trade

    def credit_code(self):
        rng = self.rng
        while True:
            if rng.random() < 0.75:  # issued since 2015: organisation codes starting MA
                org = "MA" + "".join(rng.choice(ORG_CHARS) for _ in range(6))
            else:
                org = "".join(rng.choice("0123456789") for _ in range(8))
            first17 = "91350582" + org + org_code_check(org)
            code = first17 + validators.credit_check_char(first17)
            if code not in self.taken_credit_codes:
                self.taken_credit_codes.add(code)
                return code

    # --- people ----------------------------------------------------------------------------

    def person_name(self, local, male):
        rng = self.rng
        surname = _pick(rng, LOCAL_SURNAMES if local else OTHER_SURNAMES)
        chars = MALE_CHARS if male else FEMALE_CHARS
        given = rng.choice(chars) if rng.random() < 0.35 else rng.choice(chars) + rng.choice(chars)
        return surname + given

    def mobile(self):
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def id_number(self, origin, male):
        rng = self.rng
        age = int(rng.triangular(19, 61, 38))
        born = datetime.date(self.anchor_year - age, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        if origin == "local":
            region = "350582" if born.year >= 1992 else _pick(rng, {"350582": 6, "350522": 3, "352422": 1})
        elif origin == "fujian":
            region = rng.choice(OTHER_FUJIAN)
        else:
            region = rng.choice(OTHER_PROVINCES)
        while True:
            first17 = f"{region}{born:%Y%m%d}{rng.randrange(500) * 2 + (1 if male else 0):03d}"
            number = first17 + validators.id_check_char(first17)
            if number not in self.taken_ids:
                self.taken_ids.add(number)
                return number

    def worker(self, unit):
        origin = _pick(self.rng, {"local": 60, "fujian": 12, "other": 28})
        male = self.rng.random() < 0.88
        return Worker(
            unit=unit,
            town_id=unit.town_id,
            name=self.person_name(local=origin != "other", male=male),
            id_number=self.id_number(origin, male),
            mobile=self.mobile(),
        )

    # --- certificates and needs ------------------------------------------------------------

    def certificate(self, worker, category):
        rng, today = self.rng, self.today
        state = _pick(rng, CERTIFICATE_STATES)
        last_reviewed_on = valid_until = None
        if category.scheme == Scheme.SPECIAL_OPERATION:
            # valid 6 years, reviewed every 3 years: the dates follow from where the next review falls
            if state == VALID and rng.random() < 0.7:
                issued_on = self.days_ago(30, 3 * 365 - 62)
            elif state == VALID:
                issued_on = self.days_ago(3 * 365 + 1, 6 * 365 - 120)
                last_reviewed_on = min(add_years(issued_on, 3) - datetime.timedelta(days=rng.randint(0, 50)), today)
            elif state == DUE_SOON:
                issued_on = add_years(today + datetime.timedelta(days=rng.randint(0, 59)), -3)
            elif state == OVERDUE:
                issued_on = add_years(self.days_ago(1, 400), -3)
            else:
                issued_on = add_years(self.days_ago(1, 1500), -6)
            number = "T" + worker.id_number
            authority = "福建省应急管理厅" if issued_on.year >= 2019 else "福建省安全生产监督管理局"
        else:
            # valid 4 years, review applied for a month before expiry: the dates follow from expiry
            offset = {VALID: (91, 4 * 365 - 30), DUE_SOON: (31, 90), OVERDUE: (0, 29), EXPIRED: (-1500, -1)}[state]
            valid_until = today + datetime.timedelta(days=rng.randint(*offset))
            if state == VALID and rng.random() < 0.25:
                issued_on = add_years(valid_until, -8)
                last_reviewed_on = add_years(valid_until, -4) - datetime.timedelta(days=rng.randint(30, 90))
            else:
                issued_on = add_years(valid_until, -4)
            number = worker.id_number
            authority = "泉州市市场监督管理局" if issued_on.year >= 2019 else "泉州市质量技术监督局"
        certificate = Certificate(
            worker=worker,
            town_id=worker.town_id,
            category=category,
            number=number,
            issued_on=issued_on,
            valid_until=valid_until,
            last_reviewed_on=last_reviewed_on,
            issuing_authority=authority,
        )
        certificate.compute_dates()
        self.verification(certificate)
        return certificate

    def verification(self, certificate):
        draw = self.rng.random()
        if draw < 0.004:
            certificate.verification = Verification.FORGED
            certificate.note = "全国联网查询无此证"
        elif draw < 0.25:
            certificate.verification = Verification.GENUINE
            checked = self.days_ago(1, 180)
            certificate.verified_at = timezone.make_aware(datetime.datetime.combine(checked, datetime.time(10)))
            certificate.verification_method = (
                "应急管理部特种作业操作证查询"
                if certificate.category.scheme == Scheme.SPECIAL_OPERATION
                else "特种设备作业人员证书查询"
            )

    def need(self, worker, category, kind, certificate=None, statuses=PENDING_NEED_STATUSES):
        rng = self.rng
        status = _pick(rng, statuses)
        need = TrainingNeed(
            worker=worker,
            town_id=worker.town_id,
            category=category,
            kind=kind,
            certificate=certificate,
            source=NeedSource.DUE_REVIEW if kind == NeedKind.REVIEW and rng.random() < 0.6 else NeedSource.ENTERED,
            status=status,
        )
        if status in (NeedStatus.REGISTERED, NeedStatus.TRAINED, NeedStatus.FAILED):
            need.registered_on = self.days_ago(20, 150)
            if category.scheme == Scheme.SPECIAL_EQUIPMENT:
                need.institution = self.institution
        if status in (NeedStatus.TRAINED, NeedStatus.FAILED):
            need.trained_on = min(need.registered_on + datetime.timedelta(days=rng.randint(5, 20)), self.today)
        if status == NeedStatus.FAILED:
            need.exam_on = min(need.trained_on + datetime.timedelta(days=rng.randint(3, 15)), self.today)
        if status == NeedStatus.CANCELLED:
            need.closed_on = self.days_ago(1, 120)
            need.note = rng.choice(("已离职", "调岗，不再从事该作业", "重复登记"))
        return need

    def certified_need(self, certificate):
        """The closed training that led to a recently issued certificate."""
        issued = certificate.issued_on
        need = TrainingNeed(
            worker=certificate.worker,
            town_id=certificate.town_id,
            category=certificate.category,
            kind=NeedKind.INITIAL,
            status=NeedStatus.CERTIFIED,
            certificate=certificate,
            registered_on=issued - datetime.timedelta(days=self.rng.randint(40, 90)),
            trained_on=issued - datetime.timedelta(days=self.rng.randint(20, 39)),
            exam_on=issued - datetime.timedelta(days=self.rng.randint(5, 19)),
            closed_on=issued,
        )
        if certificate.category.scheme == Scheme.SPECIAL_EQUIPMENT:
            need.institution = self.institution
        return need

    def ledger_of(self, worker, profile):
        """A worker's certificates and training needs for the one or two jobs they do."""
        rng, today = self.rng, self.today
        jobs = [_pick(rng, profile)]
        if rng.random() < 0.15:
            second = _pick(rng, profile)
            if second != jobs[0]:
                jobs.append(second)
        holder = rng.random() < 0.66
        certificates, needs = [], []
        for index, key in enumerate(jobs):
            category = self.categories[key]
            if holder and (index == 0 or rng.random() < 0.7):
                certificate = self.certificate(worker, category)
                certificates.append(certificate)
                status = certificate.status_on(today)
                due = status in (CertificateStatus.REVIEW_DUE_SOON, CertificateStatus.REVIEW_OVERDUE)
                if due and rng.random() < 0.7:
                    needs.append(self.need(worker, category, NeedKind.REVIEW, certificate))
                elif status == CertificateStatus.EXPIRED and rng.random() < 0.5:
                    # an expired certificate means training and exams from the start
                    needs.append(self.need(worker, category, NeedKind.INITIAL))
                elif status == CertificateStatus.VALID and certificate.issued_on > today - datetime.timedelta(days=365):
                    if rng.random() < 0.4:
                        needs.append(self.certified_need(certificate))
            elif rng.random() < 0.6:
                needs.append(self.need(worker, category, NeedKind.INITIAL))
        return certificates, needs


def _bulk_create(model, objects):
    # No history rows for demo data: simple_history's bulk_create_with_history was measured at
    # 2.3 times the time of a plain bulk_create (100,000 workers: 66 s against 28 s on SQLite).
    model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    if objects and objects[-1].pk is None:
        raise RuntimeError("seed_demo needs a database that returns primary keys from bulk inserts")


def seed(workers=2000, seed=2019, today=None, progress=None):
    """Fill every town with units, workers, certificates and needs; create the demo campaign.

    Town by town, so memory stays flat for 100,000 workers. The caller decides about logins.
    """
    today = today or timezone.localdate()
    rng = random.Random(seed)
    towns = list(Town.objects.order_by("code"))
    if workers < len(towns):
        raise ValueError(f"at least {len(towns)} workers are needed, one per town")
    result = SeedResult()
    with transaction.atomic():
        generator = _Generator(rng, today)
        shares = _split(workers, [TOWN_WEIGHTS.get(t.short_name, 3) for t in towns], minimum=1)
        next_report = workers / 4
        for town, count in zip(towns, shares):
            unit_count = min(count, max(1, round(count / WORKERS_PER_UNIT)))
            drawn = [generator.unit(town) for _ in range(unit_count)]
            units = [unit for unit, _ in drawn]
            _bulk_create(Unit, units)
            sizes = [rng.paretovariate(1.3) for _ in units]
            # every unit has at least one worker; the rest go to units by their drawn size
            members = list(range(unit_count)) + rng.choices(range(unit_count), weights=sizes, k=count - unit_count)
            per_unit = [0] * unit_count
            for index in members:
                per_unit[index] += 1
            town_workers, town_certificates, town_needs = [], [], []
            for (unit, trade), size in zip(drawn, per_unit):
                profile = TRADES[trade][2]
                for _ in range(size):
                    worker = generator.worker(unit)
                    certificates, needs = generator.ledger_of(worker, profile)
                    town_workers.append(worker)
                    town_certificates += certificates
                    town_needs += needs
            _bulk_create(Worker, town_workers)
            _bulk_create(Certificate, town_certificates)
            _bulk_create(TrainingNeed, town_needs)
            # bulk_create skips the saves that keep what each worker carries from their certificates and needs
            Worker.objects.filter(town=town).refresh_derived()
            result.units += len(units)
            result.workers += len(town_workers)
            result.certificates += len(town_certificates)
            result.needs += len(town_needs)
            if progress and result.workers >= next_report and result.workers < workers:
                progress(f"已生成 {result.workers}/{workers} 名从业人员…")
                next_report += workers / 4
        result.campaign = create_demo_campaign(today)
        create_demo_inspectors(generator, towns)
    if connection.vendor == "postgresql":
        # bulk-loaded tables have no planner statistics until autovacuum gets round to them
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return result


INSPECTOR_DEPARTMENTS = {"应急局": 8, "市场监管局": 8, "住建局": 4}
INSPECTORS_PER_TOWN = 3


def create_demo_inspectors(generator, towns):
    """Inspector lists for the 双随机 draws: the two bureaus, a city department and every town."""
    from campaigns.models import Inspector

    if Inspector.objects.exists():  # kept across --reset; lists a real office maintains stay as they are
        return
    inspectors = []
    for name, count in INSPECTOR_DEPARTMENTS.items():
        department = Department.objects.get(name=name)
        for number in range(1, count + 1):
            inspectors.append(Inspector(
                name=generator.person_name(True, generator.rng.random() < 0.6),
                badge_number=f"F{department.order:02d}{number:04d}",
                department=department,
            ))
    for town in towns:
        for number in range(1, INSPECTORS_PER_TOWN + 1):
            inspectors.append(Inspector(
                name=generator.person_name(True, generator.rng.random() < 0.6),
                badge_number=f"Z{town.code[-3:]}{number:03d}",
                town=town,
            ))
    Inspector.objects.bulk_create(inspectors)
