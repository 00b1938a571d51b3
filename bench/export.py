"""Export benchmark: one town's Attachment 1 of 50,000 rows against openpyxl's write-only mode.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_export_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_export_bench .venv/bin/python bench/export.py

The ledger (units and workers named 基准测试单位…, in 紫帽) is generated once and reused by later
runs. The export (query, layout, file) is timed against writing the same values, already in
memory, with openpyxl's write-only mode; the best of five runs of each counts. Peak memory is
measured in a child process: its peak RSS after the export minus its RSS when idle (Django set
up, connected). Prints one JSON object; the issue asks for a ratio of at most 1.5 and less than
300 MB of growth.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT = BENCH_DIR.parent
# Run as a script, this folder leads sys.path, where bench/import_export.py would shadow
# django-import-export's package `import_export`: take the folder off the path.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]
BENCH_TOWN = "紫帽"
UNIT_PREFIX = "基准测试单位"
WORKERS_PER_UNIT = 25
REPEAT = 5


def setup_django():
    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinjiang_cert.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def ensure_ledger(rows):
    """`rows` open needs of Attachment 1 in the bench town, made once (bulk) and reused."""
    from django.db import connection, transaction

    from registry import validators
    from registry.choices import NeedKind, Scheme
    from registry.models import CertificateCategory, Town, TrainingNeed, Unit, Worker

    town = Town.objects.get(short_name=BENCH_TOWN)
    units = Unit.objects.filter(town=town, name__startswith=UNIT_PREFIX)
    needs = TrainingNeed.objects.filter(worker__unit__in=units)
    if needs.count() == rows and Unit.objects.filter(town=town).count() == units.count():
        return town
    with transaction.atomic():
        # Raw deletes: the models archive on delete and history would write one row per object.
        needs._raw_delete(needs.db)
        workers = Worker.objects.filter(unit__in=units)
        workers._raw_delete(workers.db)
        units._raw_delete(units.db)
        categories = list(CertificateCategory.objects.filter(scheme=Scheme.SPECIAL_OPERATION, is_leaf=True)[:12])
        unit_count = -(-rows // WORKERS_PER_UNIT)
        Unit.objects.bulk_create(
            Unit(town=town, name=name, name_key=validators.unit_name_key(name))
            for name in (f"{UNIT_PREFIX}{n:05d}晋江市鞋业有限公司" for n in range(unit_count))
        )
        unit_ids = list(Unit.objects.filter(town=town, name__startswith=UNIT_PREFIX).values_list("pk", flat=True))
        Worker.objects.bulk_create(
            (
                Worker(unit_id=unit_ids[n // WORKERS_PER_UNIT], town=town, name=f"王{n:06d}", mobile=f"139{n:08d}")
                for n in range(rows)
            ),
            batch_size=5000,
        )
        worker_ids = Worker.objects.filter(unit__in=units).order_by("pk").values_list("pk", flat=True)
        TrainingNeed.objects.bulk_create(
            (
                TrainingNeed(
                    worker_id=worker_id,
                    town=town,
                    category=categories[n % len(categories)],
                    kind=NeedKind.REVIEW if n % 4 == 0 else NeedKind.INITIAL,
                )
                for n, worker_id in enumerate(worker_ids.iterator(chunk_size=5000))
            ),
            batch_size=5000,
        )
    if connection.vendor == "postgresql":
        # as autovacuum would soon: without statistics the planner nests loops over 50,000 rows
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE registry_unit, registry_worker, registry_trainingneed")
    return town


def export_once(town, path):
    from reports.attachments import command_line_user
    from reports.xlsx import export_town_attachment

    started = time.perf_counter()
    count = export_town_attachment(command_line_user(), town, 1, path)
    return time.perf_counter() - started, count


def baseline_once(values, path):
    from openpyxl import Workbook

    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in values:
        sheet.append(row)
    workbook.save(path)
    return time.perf_counter() - started


def _peak_rss_mb():
    """This process's peak resident set. /proc's VmHWM starts afresh at exec, whereas ru_maxrss keeps
    the peak of the parent that forked it, which hides the child's own growth."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure_memory():
    """In a fresh process: peak RSS growth of one export over the idle process, in MB."""
    setup_django()
    from django.db import connection

    from registry.models import Town

    town = Town.objects.get(short_name=BENCH_TOWN)
    connection.ensure_connection()
    idle = _peak_rss_mb()
    with tempfile.TemporaryDirectory() as folder:
        export_once(town, Path(folder) / "memory.xlsx")
    return _peak_rss_mb() - idle


def bench_export(rows=50_000):
    setup_django()
    from django.db import connection

    from reports.attachments import attachment_rows, command_line_user

    town = ensure_ledger(rows)
    values = [tuple(row) for row in attachment_rows(command_line_user(), town, 1)]
    export_times, baseline_times = [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(REPEAT):
            seconds, count = export_once(town, Path(folder) / f"export{run}.xlsx")
            export_times.append(seconds)
            baseline_times.append(baseline_once(values, Path(folder) / f"baseline{run}.xlsx"))
    child = subprocess.run(
        [sys.executable, __file__, "--measure-memory"], capture_output=True, text=True, check=True, env=os.environ
    )
    export_seconds, baseline_seconds = min(export_times), min(baseline_times)
    return {
        "database": connection.vendor,
        "rows": count,
        "export_seconds": round(export_seconds, 3),
        "baseline_write_only_seconds": round(baseline_seconds, 3),
        "ratio": round(export_seconds / baseline_seconds, 3),
        # each export over the baseline run right after it: on a busy machine a steadier figure
        "median_pair_ratio": round(statistics.median(e / b for e, b in zip(export_times, baseline_times)), 3),
        "peak_memory_growth_mb": round(float(child.stdout.strip()), 1),
    }


if __name__ == "__main__":
    if "--measure-memory" in sys.argv:
        print(measure_memory())
    else:
        rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 50_000
        print(json.dumps(bench_export(rows), ensure_ascii=False))
