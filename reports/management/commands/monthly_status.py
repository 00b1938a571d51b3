"""monthly_status: who has filed a month's work summary — the completeness grid for one month."""

import json

from django.core.management.base import BaseCommand, CommandError

from reports.monthly import completeness_grid, month_key, parse_month


class Command(BaseCommand):
    help = (
        "Print every reporter's monthly work summary status for one month (all 20 towns, then the city "
        "departments, in the notice's order): not_due, missing, on_time, late, returned or received."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="the month, YYYY-MM (e.g. 2019-06)")
        parser.add_argument("--json", action="store_true", help='one JSON object {"month": ..., "rows": [...]}')

    def handle(self, *args, **options):
        try:
            month = parse_month(options["month"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        grid = completeness_grid([month])
        rows = [
            {"reporter": row.reporter.name, "kind": row.kind.value, "status": row.cells[0].state.value}
            for row in grid.rows
        ]
        if options["json"]:
            self.stdout.write(json.dumps({"month": month_key(month), "rows": rows}, ensure_ascii=False))
            return
        self.stdout.write(f"{month:%Y}年{month.month}月工作总结报送情况")
        width = max(len(row["reporter"]) for row in rows) if rows else 0
        for row, grid_row in zip(rows, grid.rows):
            name = row["reporter"] + "\u3000" * (width - len(row["reporter"]))
            self.stdout.write(f"{name}  {grid_row.kind.label}  {grid_row.cells[0].state.label}")
        totals = "，".join(f"{state.label} {count}" for state, counts, count in grid.state_rows if count)
        self.stdout.write(f"合计 {len(rows)} 家：{totals}")
