"""Load demo data: a realistic ledger in every town, a campaign running today, one login per role."""

import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from registry import demo
from registry.models import Unit, Worker


def _width(text):
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text, width):
    # Chinese characters take two columns in a terminal; ljust would count them as one
    return text + " " * (width - _width(text))


def format_table(header, rows):
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, width) for cell, width in zip(row, widths)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


class Command(BaseCommand):
    help = _(
        "生成演示数据：全部 20 个镇（街道）的单位、从业人员、证书和培训需求，一个正在进行的演示专项行动，"
        "以及每个角色一个登录账号。重复运行不会重复生成，只重新列出账号。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2000, help=_("从业人员人数（默认 2000）"))
        parser.add_argument("--seed", type=int, default=2019, help=_("随机种子：同一种子同一天生成相同数据（默认 2019）"))
        parser.add_argument(
            "--reset", action="store_true", help=_("先删除已有的演示台账（单位、人员、证书、培训需求及其历史）再重新生成")
        )

    def handle(self, *args, workers, seed, reset, **options):
        if workers < 20:
            raise CommandError(_("--workers 至少为 20（每个镇（街道）至少 1 名从业人员）。"))
        existing = demo.demo_campaign()
        if existing is None and Unit.objects.exists():
            # a warning, not an error: `make run` calls seed_demo before starting the server
            self.stderr.write(
                self.style.WARNING(_("台账中已有数据，且不是演示数据：seed_demo 只用于空台账，未做任何改动。"))
            )
            return
        if existing is not None and not reset:
            self.stdout.write(
                _("演示数据已存在（%(units)d 个单位，%(workers)d 名从业人员），未重复生成；如需重新生成请加 --reset。")
                % {"units": Unit.objects.count(), "workers": Worker.objects.count()}
            )
            self.print_logins(demo.ensure_logins())
            return
        if existing is not None:
            try:
                demo.reset()
            except demo.ResetBlocked as error:
                raise CommandError(
                    _("无法删除演示台账：其他记录（如执法检查、报送）仍引用其中的单位或人员（%(error)s）。")
                    % {"error": error}
                ) from error
            self.stderr.write(_("已删除原有演示台账。"))

        started = time.monotonic()
        result = demo.seed(workers=workers, seed=seed, progress=self.stderr.write)
        self.stderr.write(_("用时 %(seconds).1f 秒。") % {"seconds": time.monotonic() - started})
        self.stdout.write(
            _(
                "已生成演示数据：%(units)d 个单位，%(workers)d 名从业人员，%(certificates)d 本证书，"
                "%(needs)d 条培训需求（随机种子 %(seed)d）。"
            )
            % {**vars(result), "seed": seed}
        )
        phases = "、".join(phase.name for phase in result.campaign.current_phases())
        self.stdout.write(
            _("演示专项行动“%(name)s”：%(starts)s 至 %(ends)s，今天处于：%(phases)s。")
            % {"name": result.campaign.name, "starts": result.campaign.starts_on, "ends": result.campaign.ends_on,
               "phases": phases}
        )
        self.print_logins(demo.ensure_logins(reset_passwords=reset))

    def print_logins(self, logins):
        rows = []
        for login, user, password in logins:
            scope = str(user.town or user.department or "")
            rows.append([user.username, password or _("（已另设，未改动）"), user.get_role_display(), scope])
        self.stdout.write("")
        self.stdout.write(_("演示账号："))
        self.stdout.write(format_table([_("用户名"), _("密码"), _("角色"), _("镇（街道）/单位")], rows))
