"""Import a town's Attachment 1/2 ledger from the command line; see registry.ledger_import."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from registry.ledger_import import ImportNotAllowed, import_ledger
from registry.models import Town, User

SHOWN_ISSUES = 50


class Command(BaseCommand):
    help = _(
        "导入镇（街道）的附件1/附件2台账（.xlsx、.xls或.csv），每条记为待培训需求：python manage.py import_ledger 文件 "
        "[--town 镇（街道）] [--form 1|2] [--dry-run] [--skip-invalid] [--json]。已导入或试运行无错误时退出码为0，"
        "因错误未导入时为1。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("台账文件"))
        parser.add_argument("--town", help=_("镇（街道）：名称、简称或区划代码；默认按表中“____镇（街道）”行或工作表名"))
        parser.add_argument("--form", type=int, choices=(1, 2), help=_("1 特种作业（附件1），2 特种设备（附件2）；默认按表名"))
        parser.add_argument("--dry-run", action="store_true", help=_("只检查，不写入"))
        parser.add_argument("--skip-invalid", action="store_true", help=_("只导入无误的行，跳过有错误的行"))
        parser.add_argument("--json", action="store_true", help=_("输出一个JSON对象"))
        parser.add_argument("--user", help=_("记为上传人的用户名（按其权限导入）"))

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
        town = None
        if options["town"]:
            town = Town.objects.resolve(options["town"])
            if town is None:
                raise CommandError(_("找不到镇（街道）“%(town)s”（可用名称、简称或区划代码）。") % {"town": options["town"]})
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("找不到用户“%(user)s”。") % {"user": options["user"]})
        try:
            result = import_ledger(
                path.read_bytes(), path.name, user=user, town=town, form=options["form"],
                skip_invalid=options["skip_invalid"], dry_run=options["dry_run"],
            )
        except ImportNotAllowed as error:
            raise CommandError(str(error)) from None

        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.print_summary(result)
        if not (result.committed or (result.dry_run and result.can_commit)):
            raise CommandError(_("有错误，未导入任何内容。") if result.errors else _("没有可导入的内容。"), returncode=1)

    def print_summary(self, result):
        for label, issues in ((_("错误"), result.errors), (_("提示"), result.warnings)):
            for issue in issues[:SHOWN_ISSUES]:
                place = "".join(
                    (
                        _("工作表“%(sheet)s” ") % {"sheet": issue.sheet} if issue.sheet else "",
                        _("第%(row)s行 ") % {"row": issue.row} if issue.row else "",
                        _("“%(column)s”列 ") % {"column": issue.column} if issue.column else "",
                    )
                )
                self.stdout.write(f"{label}：{place}{issue.message}")
            if len(issues) > SHOWN_ISSUES:
                self.stdout.write(_("……另有%(count)s条%(label)s") % {"count": len(issues) - SHOWN_ISSUES, "label": label})
        figures = _("培训需求 %(entries)s 条，人员 %(workers)s 人，单位 %(units)s 个") % {
            "entries": result.entries_created,
            "workers": result.workers_created,
            "units": result.units_created,
        }
        if result.committed:
            self.stdout.write(self.style.SUCCESS(_("已导入：新增%(figures)s。") % {"figures": figures}))
        elif result.dry_run and result.can_commit:
            self.stdout.write(self.style.SUCCESS(_("试运行，未写入：将新增%(figures)s。") % {"figures": figures}))
