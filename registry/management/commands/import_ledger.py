import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.ledger_import import ImportNotAllowed, import_ledger
from registry.models import Town, User

SHOWN_ISSUES = 50


class Command(BaseCommand):
    help = (
        "Import a town's Attachment 1/2 ledger (.xlsx, .xls or .csv) as open training needs. "
        "Exit 0 when committed or a dry run found no error, 1 when errors stopped the commit."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the ledger file")
        parser.add_argument("--town", help="town name, short name or code; default: the file's town line or sheet names")
        parser.add_argument("--form", type=int, choices=(1, 2), help="1 special operations, 2 special equipment; default: the title")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--skip-invalid", action="store_true", help="import the rows without errors, skip the others")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--user", help="username to record as importer (and whose town rights apply)")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        town = None
        if options["town"]:
            town = Town.objects.resolve(options["town"])
            if town is None:
                raise CommandError(f"找不到镇（街道）“{options['town']}”（可用名称、简称或区划代码）。")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"找不到用户“{options['user']}”。")
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
            raise CommandError("有错误，未导入任何内容。" if result.errors else "没有可导入的内容。", returncode=1)

    def print_summary(self, result):
        for label, issues in (("错误", result.errors), ("提示", result.warnings)):
            for issue in issues[:SHOWN_ISSUES]:
                place = "".join(
                    part for part in (
                        f"工作表“{issue.sheet}” " if issue.sheet else "",
                        f"第{issue.row}行 " if issue.row else "",
                        f"“{issue.column}”列 " if issue.column else "",
                    )
                )
                self.stdout.write(f"{label}：{place}{issue.message}")
            if len(issues) > SHOWN_ISSUES:
                self.stdout.write(f"……另有{len(issues) - SHOWN_ISSUES}条{label}")
        figures = f"培训需求 {result.entries_created} 条，人员 {result.workers_created} 人，单位 {result.units_created} 个"
        if result.committed:
            self.stdout.write(self.style.SUCCESS(f"已导入：新增{figures}。"))
        elif result.dry_run and result.can_commit:
            self.stdout.write(self.style.SUCCESS(f"试运行，未写入：将新增{figures}。"))
