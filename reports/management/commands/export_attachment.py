"""export_attachment: a town's Attachment 1/2, or the city workbook, as the notice prints them."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from registry.models import Town, User
from reports import attachments
from reports.xlsx import export_city_workbook, export_town_attachment


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date 应为 YYYY-MM-DD 格式，而不是 {text!r}") from None


class Command(BaseCommand):
    help = (
        "Export a town's Attachment 1 or 2 (--town T --form 1|2), or the city workbook (--all --form 1|2), "
        "to an .xlsx file laid out as the notice prints it."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--town", help="the town by name, short name or code (青阳街道, 青阳, 350582001)")
        which.add_argument("--all", action="store_true", help="the city workbook: a summary sheet and one sheet per town")
        parser.add_argument("--form", type=int, choices=[1, 2], required=True, help="1: 特种作业, 2: 特种设备")
        parser.add_argument("--output", required=True, help="the .xlsx file to write")
        parser.add_argument("--date", type=_date, help="报送时间 on the form, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--user", help="export as this user, within its scope (default: the safety office, which sees every town)"
        )

    def handle(self, *args, **options):
        user = self._user(options["user"])
        form = options["form"]
        try:
            if options["all"]:
                count = export_city_workbook(user, form, options["output"], options["date"])
                where = "全市"
            else:
                town = attachments.resolve_town(user, form, options["town"])
                count = export_town_attachment(user, town, form, options["output"], options["date"])
                where = town.name
        except Town.DoesNotExist:
            raise CommandError(f"找不到镇（街道）“{options['town']}”，或无权导出其附件{form}。") from None
        except PermissionDenied:
            raise CommandError(f"用户无权导出附件{form}。") from None
        if options["verbosity"]:
            self.stdout.write(f"{where} 附件{form}：{count} 行，已写入 {options['output']}")

    def _user(self, username):
        if not username:
            return attachments.command_line_user()
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"找不到用户 {username!r}。") from None
