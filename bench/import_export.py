"""Import benchmark: a 50,000-row Attachment 1 ledger (.xlsx) against reading it with openpyxl.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_import_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_import_bench .venv/bin/python bench/import_export.py

The ledger is generated as towns fill it (附件1, title, town line, 报送时间, header, merged unit
cells, the note and signature lines): 2,000 units of 25 workers, half of them with an ID
number, categories written the ways clerks write them (电工、焊工（复审）、登高架设 …). Each run
imports it into an emptied bench town (the first import of a town: every unit, worker, need
and history row is new), timed from the file's bytes to the committed transaction, against
reading every cell of the same bytes with openpyxl's read-only mode; the best of five runs of
each counts. Peak memory is measured in a child process (peak RSS after one import minus its
RSS when idle, Django set up and connected). Prints one JSON object; the issue asks for a ratio
of at most 1.5 and less than 300 MB of growth.

`bench_import()` is the import half; the export half lives in bench/export.py for now.
`--no-history` measures with JINJIANG_CERT_IMPORT_HISTORY off; `--rows N` another size.
"""

import datetime
import importlib.util
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
# Run as a script, this folder leads sys.path, and this file's name would shadow
# django-import-export's package `import_export`: take the folder off the path.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]


def _export_bench():
    """bench/export.py, for its Django set-up and peak-RSS reading (shared, not copied)."""
    spec = importlib.util.spec_from_file_location("bench_export", BENCH_DIR / "export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_export = _export_bench()
setup_django, _peak_rss_mb = _export.setup_django, _export._peak_rss_mb

BENCH_TOWN = "西滨"
WORKERS_PER_UNIT = 25
REPEAT = 5
CATEGORY_TEXTS = (
    "电工", "低压电工", "焊工", "电焊工", "高处作业", "登高架设", "制冷与空调作业", "电工（复审）",
    "焊工（复审）", "电工、高处作业", "高压电工", "熔化焊接与热切割", "制冷", "电工(低压电工作业)",
)


def ledger_xlsx(rows):
    """The bytes of a `rows`-row Attachment 1 workbook, written with openpyxl (merged unit cells)."""
    from openpyxl import Workbook

    from registry import validators

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "附件1"
    for line in (["附件1"], ["特种作业人员情况汇总表"], [f"{BENCH_TOWN}镇（街道）"], ["报送时间：2019年6月28日"]):
        sheet.append(line)
    sheet.append(["序号", "生产经营单位名称", "从业人员姓名", "身份证号码", "培训类别", "手机号码（必填）"])
    first_data_row = 6
    for n in range(rows):
        id_number = ""
        if n % 2 == 0:
            born = datetime.date(1965, 1, 1) + datetime.timedelta(days=n // 2 // 1000 * 37)
            first17 = f"350582{born:%Y%m%d}{n // 2 % 1000:03d}"
            id_number = first17 + validators.id_check_char(first17)
        unit = f"晋江市基准导入{n // WORKERS_PER_UNIT:05d}鞋业有限公司" if n % WORKERS_PER_UNIT == 0 else None
        mobile = f"138{n:08d}" if n % 3 else int(f"139{n:08d}")  # some typed as numbers
        sheet.append([n + 1, unit, f"李{n:06d}", id_number, CATEGORY_TEXTS[n % len(CATEGORY_TEXTS)], mobile])
    for start in range(first_data_row, first_data_row + rows, WORKERS_PER_UNIT):
        end = min(start + WORKERS_PER_UNIT - 1, first_data_row + rows - 1)
        if end > start:
            sheet.merge_cells(start_row=start, end_row=end, start_column=2, end_column=2)
    sheet.append(["注：培训类别为电工、焊工、高处作业、制冷与空调作业，已持证的每三年要复审一次。"])
    sheet.append(["填表人：", None, "审核人：", None, "联系电话："])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def empty_bench_town():
    """Remove what earlier runs imported into the bench town, with history, in plain SQL.

    The models archive on delete; joined deletes with fresh statistics take a second.
    """
    from django.db import connection, transaction

    from registry.models import LedgerImport, Town, TrainingNeed, Unit, Worker

    town = Town.objects.get(short_name=BENCH_TOWN)
    need, worker, unit = (model._meta.db_table for model in (TrainingNeed, Worker, Unit))
    need_history, worker_history, unit_history = (
        model.history.model._meta.db_table for model in (TrainingNeed, Worker, Unit)
    )
    statements = [
        f"DELETE FROM {need_history} h USING {worker} w, {unit} u WHERE h.worker_id = w.id AND w.unit_id = u.id AND u.town_id = %s",
        f"DELETE FROM {need} n USING {worker} w, {unit} u WHERE n.worker_id = w.id AND w.unit_id = u.id AND u.town_id = %s",
        f"DELETE FROM {worker_history} h USING {unit} u WHERE h.unit_id = u.id AND u.town_id = %s",
        f"DELETE FROM {worker} w USING {unit} u WHERE w.unit_id = u.id AND u.town_id = %s",
        f"DELETE FROM {unit_history} WHERE town_id = %s",
        f"DELETE FROM {unit} WHERE town_id = %s",
        f"DELETE FROM {LedgerImport._meta.db_table} WHERE town_id = %s",
    ]
    tables = f"{unit}, {worker}, {need}, {need_history}, {worker_history}, {unit_history}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {tables}")  # fresh statistics, or the joins below run as nested loops
        with transaction.atomic():
            for statement in statements:
                cursor.execute(statement, [town.pk])
        if connection.vendor == "postgresql":
            # as autovacuum would soon: every run starts from the same tables, not from the dead rows of the last
            cursor.execute(f"VACUUM ANALYZE {tables}")
    return town


def read_once(content):
    """The floor: every cell of the workbook read with openpyxl in read-only mode."""
    from openpyxl import load_workbook

    started = time.perf_counter()
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = [row for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return time.perf_counter() - started, len(rows)


def import_once(town, content):
    from registry.ledger_import import import_ledger

    started = time.perf_counter()
    result = import_ledger(content, "基准附件1.xlsx", town=town, form=1)
    seconds = time.perf_counter() - started
    if not result.committed or result.errors:
        raise SystemExit(f"the bench ledger did not import: {result.as_dict()['errors'][:3]}")
    return seconds, result


def use_history(history):
    from django.conf import settings

    settings.JINJIANG_CERT_IMPORT_HISTORY = history


def measure_memory(rows, history=True):
    """In a fresh process: peak RSS growth of one import over the idle process, in MB."""
    setup_django()
    from django.db import connection

    use_history(history)
    content = ledger_xlsx(rows)
    town = empty_bench_town()
    connection.ensure_connection()
    idle = _peak_rss_mb()
    import_once(town, content)
    growth = _peak_rss_mb() - idle
    empty_bench_town()
    return growth


def bench_import(rows=50_000, history=True):
    """Import `rows` rows REPEAT times into an emptied town; best times, ratio, peak memory."""
    setup_django()
    from django.db import connection

    use_history(history)
    content = ledger_xlsx(rows)
    import_times, read_times = [], []
    for _run in range(REPEAT):
        town = empty_bench_town()
        seconds, result = import_once(town, content)
        import_times.append(seconds)
        read_times.append(read_once(content)[0])
    again_seconds, again = import_once(town, content)  # the same file again: nothing new
    empty_bench_town()
    child = subprocess.run(
        [sys.executable, __file__, "--measure-memory", "--rows", str(rows), *([] if history else ["--no-history"])],
        capture_output=True, text=True, check=True, env=os.environ,
    )
    import_seconds, read_seconds = min(import_times), min(read_times)
    return {
        "database": connection.vendor,
        "history": history,
        "rows": len(result.rows),
        "file_mb": round(len(content) / 2**20, 2),
        "entries_created": result.entries_created,
        "workers_created": result.workers_created,
        "units_created": result.units_created,
        "import_seconds": round(import_seconds, 3),
        "baseline_openpyxl_read_only_seconds": round(read_seconds, 3),
        "ratio": round(import_seconds / read_seconds, 3),
        "reimport_seconds": round(again_seconds, 3),
        "reimport_entries_created": again.entries_created,
        "peak_memory_growth_mb": round(float(child.stdout.strip().splitlines()[-1]), 1),
    }


if __name__ == "__main__":
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 50_000
    history = "--no-history" not in sys.argv
    if "--measure-memory" in sys.argv:
        print(measure_memory(rows, history))
    else:
        print(json.dumps(bench_import(rows, history), ensure_ascii=False))
