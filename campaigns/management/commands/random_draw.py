"""双随机 from the command line: draw units and inspectors with a given seed.

    python manage.py random_draw --units 10 --inspectors 2 --town 安海 --seed 20190901 --json

prints exactly one JSON object {"seed", "units": [{"id", "name", "town"}], "inspectors": [{"id",
"name"}]}, the same for the same seed and the same registry. The draw is stored (seed and
population, like a draw made in the browser) unless --dry-run is given; storing does not change
the population, so running it again prints the same object.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from campaigns.draws import DrawError
from campaigns.enforcement_services import make_random_draw
from campaigns.models import Campaign
from registry.models import Department, Town


class Command(BaseCommand):
    help = "双随机抽取：从在册单位中抽取检查对象、从执法人员名单中抽取执法人员（相同种子和数据结果相同）"

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, required=True, help="抽取单位数 N")
        parser.add_argument("--inspectors", type=int, default=0, help="抽取执法人员数 M（默认 0）")
        parser.add_argument("--town", help="只从该镇（街道）的单位中抽取（名称、简称或区划代码）")
        parser.add_argument("--department", help="执法人员名单所属部门（如 应急局）")
        parser.add_argument("--inspector-town", help="执法人员名单所属镇（街道）")
        parser.add_argument("--weighted", action="store_true", help="有无证人员的单位按 3 倍权重抽取")
        parser.add_argument("--seed", type=int, required=True, help="随机种子（非负整数）")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument("--dry-run", action="store_true", help="只抽取不保存")

    def handle(self, *args, **options):
        if options["units"] < 1:
            raise CommandError("抽取单位数须为正整数。")
        if options["inspectors"] < 0:
            raise CommandError("抽取执法人员数不能为负数。")
        if not 0 <= options["seed"] < 2**63:
            raise CommandError("随机种子须为非负整数。")
        town = self._town(options["town"])
        inspector_town = self._town(options["inspector_town"])
        department = None
        if options["department"]:
            department = Department.objects.filter(name=options["department"].strip()).first()
            if department is None:
                raise CommandError(f"找不到市有关单位“{options['department']}”。")
        try:
            result = make_random_draw(
                seed=options["seed"], unit_count=options["units"], inspector_count=options["inspectors"],
                town=town, department=department, inspector_town=inspector_town, weighted=options["weighted"],
                campaign=Campaign.objects.current(), store=not options["dry_run"],
            )
        except DrawError as error:
            if error.what == "units":
                raise CommandError(f"抽取单位数 {error.asked} 超过可抽取的在册单位数 {error.available}。") from None
            raise CommandError(
                f"抽取执法人员数 {error.asked} 超过可抽取的执法人员数 {error.available}（已除去需回避的人员）。"
            ) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
        else:
            self.stdout.write(f"随机种子：{result.seed}")
            for number, unit in enumerate(result.units, start=1):
                self.stdout.write(f"{number}. {unit['name']}（{unit['town']}）")
            if result.inspectors:
                self.stdout.write("执法人员：" + "、".join(inspector["name"] for inspector in result.inspectors))
        if result.random_draw is not None:
            self.stderr.write(f"已保存抽取记录 #{result.random_draw.pk}")

    def _town(self, text):
        if not text:
            return None
        town = Town.objects.resolve(text)
        if town is None:
            raise CommandError(f"找不到镇（街道）“{text}”。")
        return town
