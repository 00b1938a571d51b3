"""Dashboard benchmark: the city dashboard (/reports/) on a ledger of 1,000,000 workers in PostgreSQL.

    createdb -h 127.0.0.1 -U postgres helper_dashboard          # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_dashboard .venv/bin/python bench/dashboard.py

The database is migrated and filled once; a later run with the same --workers reuses it. Two ways
to fill it:

- `--fill sql` (default): the ledger is generated inside PostgreSQL with INSERT … SELECT over
  generate_series (no rows cross the wire, no Python objects): units, workers, certificates in
  every state of both schemes, training needs in every status, training classes and enrolments,
  inspections with findings and measures, and the demo campaign around today. Rows are laid out
  as seed_demo and the ledger imports lay them out — units town by town, each unit's workers
  together, certificates and needs in their workers' order. 1,000,000 workers take two to three
  minutes on this machine.
- `--fill seed_demo`: `manage.py seed_demo --workers N`, the realistic generator. It builds
  every row as a Python object (about 0.75 ms a worker on this machine: 20,000 workers in 17 s),
  so a million take a quarter of an hour — usable, but too slow to repeat.

The issue's requirement is that the dashboard answers in under a second. Each page is requested
through Django's test client as the role that uses it (the safety office sees every town and
both schemes; the market bureau its scheme; the clerk of the biggest town their row and the
city's totals); the median of --repeat runs counts after one warm-up run. The floor is the login
page rendered in the same run (no ledger query). Query counts are printed too: they must not
depend on the number of workers. Prints one JSON object.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT = BENCH_DIR.parent
# Run as a script, this folder leads sys.path, where bench/import_export.py would shadow
# django-import-export's package `import_export`: take the folder off the path.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]
UNIT_PREFIX = "基准测试单位"
WORKERS_PER_UNIT = 8
BENCH_USERS = {
    "bench_anban": {"role": "safety_office"},
    "bench_shichang": {"role": "market_bureau"},
    "bench_chendai": {"role": "town_clerk", "town": "陈埭"},
}
PAGES = {
    "dashboard": "/reports/",
    "dashboard_xlsx": "/reports/dashboard.xlsx",
    "league": "/reports/league/",
    "forecast": "/reports/forecast/",
}
LEDGER_TABLES = (
    "campaigns_measure", "campaigns_finding", "campaigns_inspection_inspectors", "campaigns_exposureentry",
    "campaigns_inspection", "campaigns_enrolment", "campaigns_trainingclass", "campaigns_forgerycheck",
    "registry_trainingneed", "registry_certificate", "registry_worker", "registry_unit",
    "registry_historicaltrainingneed", "registry_historicalcertificate", "registry_historicalworker",
    "registry_historicalunit",
)


def setup_django():
    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinjiang_cert.settings")
    import django

    django.setup()


# ---------------------------------------------------------------------------------- the ledger


def _execute(cursor, sql, params=None):
    """Run the statements of `sql` (separated by ";" at line ends) one by one; the seconds they took."""
    started = time.perf_counter()
    for statement in sql.split(";\n"):
        cursor.execute(statement, params)
    return time.perf_counter() - started


def fill_with_sql(workers):
    """Generate the ledger inside PostgreSQL: {step: seconds}."""
    from django.db import connection, transaction

    from registry.demo import TOWN_WEIGHTS
    from registry.models import CertificateCategory, Town, TrainingInstitution

    slots = []
    for town in Town.objects.order_by("code"):
        slots += [town.pk] * TOWN_WEIGHTS.get(town.short_name, 3)
    categories = list(CertificateCategory.objects.filter(is_leaf=True).order_by("pk").values_list("pk", flat=True))
    institution = TrainingInstitution.objects.order_by("pk").first()
    units = max(1, workers // WORKERS_PER_UNIT)
    params = {"slots": slots, "n_slots": len(slots), "units": units, "workers": workers, "categories": categories,
              "n_categories": len(categories), "prefix": UNIT_PREFIX, "institution": institution.pk}
    steps = {}
    with transaction.atomic(), connection.cursor() as cursor:
        quoted = ", ".join(connection.ops.quote_name(table) for table in LEDGER_TABLES)
        steps["truncate"] = _execute(cursor, f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        cursor.execute("SELECT setseed(0.2019)")
        steps["units"] = _execute(cursor, """
            INSERT INTO registry_unit (town_id, name, name_key, credit_code, address, industry, contact_person,
                                       contact_phone, is_active, version, created_at, updated_at)
            SELECT (%(slots)s::bigint[])[1 + i * %(n_slots)s / %(units)s], %(prefix)s || i || '号有限公司',
                   %(prefix)s || i || '号有限公司', '', '', '制造业', '', '', i %% 200 <> 0, 1,
                   now() - (i %% 900) * interval '1 day', now()
            FROM generate_series(0::bigint, %(units)s - 1) AS i""", params)
        steps["workers"] = _execute(cursor, """
            INSERT INTO registry_worker (unit_id, town_id, name, id_number, mobile, is_active, version, created_at,
                                         updated_at)
            SELECT first.id + i * %(units)s / %(workers)s,
                   (%(slots)s::bigint[])[1 + (i * %(units)s / %(workers)s) * %(n_slots)s / %(units)s],
                   '基准' || i, '', '139' || lpad((i %% 100000000)::text, 8, '0'),
                   i %% 100 <> 0, 1, now() - ((i * 104729) %% 730) * interval '1 day', now()
            FROM generate_series(0::bigint, %(workers)s - 1) AS i,
                 (SELECT min(id) AS id FROM registry_unit) AS first""",
                                    params)
        # Two thirds of the workers hold a certificate; its dates follow the category's rules (special
        # operations: reviewed every 3 years, valid 6; special equipment: valid 4, review a month before
        # expiry), spread so that every status occurs.
        steps["certificates"] = _execute(cursor, """
            WITH drawn AS MATERIALIZED (
                SELECT w.id AS worker_id, w.town_id,
                       (%(categories)s::bigint[])[1 + floor(random() * %(n_categories)s)::int] AS cid,
                       random() AS r_date, random() AS r_review, random() AS r_forged
                FROM registry_worker w WHERE random() < 0.66
            ), holders AS (
                SELECT d.*, c.* FROM drawn d JOIN registry_certificatecategory c ON c.id = d.cid
            ), dated AS (
                SELECT h.*,
                       CASE WHEN h.review_interval_years IS NOT NULL
                            THEN current_date - floor(h.r_date * 7 * 365)::int
                            ELSE (current_date + floor(h.r_date * 5 * 365)::int - 365
                                  - make_interval(years => h.validity_years))::date END AS issued
                FROM holders h
            ), reviewed AS (
                SELECT d.*, (d.issued + make_interval(years => d.validity_years))::date AS valid_until,
                       CASE WHEN d.review_interval_years IS NOT NULL AND d.r_review < 0.75
                                 AND d.issued < current_date - make_interval(years => d.review_interval_years)
                            THEN (d.issued + make_interval(years => d.review_interval_years) - interval '20 days')::date
                       END AS last_reviewed
                FROM dated d
            ), due AS (
                SELECT r.*,
                       CASE WHEN r.review_interval_years IS NOT NULL
                            THEN LEAST((COALESCE(r.last_reviewed, r.issued)
                                        + make_interval(years => r.review_interval_years))::date, r.valid_until)
                            ELSE r.valid_until - r.review_lead_days END AS next_review
                FROM reviewed r
            )
            INSERT INTO registry_certificate (worker_id, town_id, category_id, number, issued_on, valid_until, last_reviewed_on,
                                              next_review_on, review_reminder_on, issuing_authority, verification,
                                              verification_method, note, version, created_at, updated_at)
            SELECT worker_id, town_id, id, 'T' || worker_id, issued, valid_until, last_reviewed, next_review,
                   next_review - review_reminder_days, '',
                   CASE WHEN r_forged < 0.004 THEN 'forged' WHEN r_forged < 0.25 THEN 'genuine' ELSE 'unverified' END,
                   '', '', 1, now(), now()
            FROM due""", params)
        # what Certificate.save() keeps (WorkerQuerySet.refresh_derived), in one pass over the certificates
        steps["standing"] = _execute(cursor, """
            UPDATE registry_worker w
            SET operation_standing_until = s.operation, equipment_standing_until = s.equipment
            FROM (SELECT c.worker_id,
                         max(LEAST(c.valid_until, c.next_review_on)) FILTER (WHERE k.scheme = 'special_operation')
                             AS operation,
                         max(LEAST(c.valid_until, c.next_review_on)) FILTER (WHERE k.scheme = 'special_equipment')
                             AS equipment
                  FROM registry_certificate c JOIN registry_certificatecategory k ON k.id = c.category_id
                  WHERE c.verification <> 'forged' GROUP BY c.worker_id) AS s
            WHERE w.id = s.worker_id""")
        steps["needs"] = _execute(cursor, """
            WITH picked AS (
                SELECT w.id AS worker_id, w.town_id,
                       (%(categories)s::bigint[])[1 + floor(random() * %(n_categories)s)::int] AS category_id,
                       random() AS r_kind, random() AS r_status, floor(random() * 540)::int AS age
                FROM registry_worker w WHERE random() < 0.45
            ), staged AS (
                SELECT p.*, CASE WHEN r_status < 0.60 THEN 'open' WHEN r_status < 0.70 THEN 'registered'
                                 WHEN r_status < 0.75 THEN 'trained' WHEN r_status < 0.78 THEN 'failed'
                                 WHEN r_status < 0.93 THEN 'certified' ELSE 'cancelled' END AS status
                FROM picked p
            )
            INSERT INTO registry_trainingneed (worker_id, town_id, category_id, kind, source, status, registered_on,
                                               trained_on, exam_on, closed_on, institution_id, note, version,
                                               created_at, updated_at)
            SELECT worker_id, town_id, category_id, CASE WHEN r_kind < 0.75 THEN 'initial' ELSE 'review' END, 'entered', status,
                   CASE WHEN status <> 'open' THEN current_date - age + 10 END,
                   CASE WHEN status IN ('trained', 'failed', 'certified') THEN current_date - age / 2 END,
                   CASE WHEN status IN ('failed', 'certified') THEN current_date - age / 3 END,
                   CASE WHEN status IN ('certified', 'cancelled') THEN current_date - age / 4 END,
                   CASE WHEN status <> 'open' THEN %(institution)s END, '', 1,
                   now() - age * interval '1 day', now()
            FROM staged""", params)
        # and the schemes each worker holds a certificate or need of (refresh_derived again)
        steps["schemes"] = _execute(cursor, """
            UPDATE registry_worker w
            SET in_special_operation = s.operation, in_special_equipment = s.equipment
            FROM (SELECT e.worker_id, bool_or(k.scheme = 'special_operation') AS operation,
                         bool_or(k.scheme = 'special_equipment') AS equipment
                  FROM (SELECT worker_id, category_id FROM registry_certificate
                        UNION ALL SELECT worker_id, category_id FROM registry_trainingneed) AS e
                  JOIN registry_certificatecategory k ON k.id = e.category_id
                  GROUP BY e.worker_id) AS s
            WHERE w.id = s.worker_id""")
        steps["training"] = _execute(cursor, """
            INSERT INTO campaigns_trainingclass (institution_id, category_id, name, starts_on, ends_on, place, capacity,
                                                 created_at)
            SELECT %(institution)s, (%(categories)s::bigint[])[1 + i %% %(n_categories)s], '基准培训班' || i,
                   current_date - ((i * 3) %% 300)::int - 10, current_date - ((i * 3) %% 300)::int, '晋江', 100, now()
            FROM generate_series(0::bigint, 199) AS i;
            INSERT INTO campaigns_enrolment (training_class_id, need_id, enrolled_at, attended, exam_result)
            SELECT first.id + n.id %% 200, n.id, now(), n.status <> 'registered',
                   CASE n.status WHEN 'certified' THEN 'passed' WHEN 'failed' THEN 'failed' ELSE 'pending' END
            FROM registry_trainingneed n, (SELECT min(id) AS id FROM campaigns_trainingclass) AS first
            WHERE n.status IN ('registered', 'trained', 'failed', 'certified') AND n.id %% 2 = 0""", params)
        steps["enforcement"] = _execute(cursor, """
            INSERT INTO campaigns_inspection (unit_id, inspected_on, inspecting_town_id, inspector_names,
                                              is_cross_inspection, place, problems, refused_cooperation, created_at)
            SELECT first.id + (i * 31) %% %(units)s, current_date - (i %% 200)::int,
                   (%(slots)s::bigint[])[1 + i %% %(n_slots)s],
                   '', false, '', '', i %% 500 = 0, now()
            FROM generate_series(0::bigint, %(workers)s / 50 - 1) AS i,
                 (SELECT min(id) AS id FROM registry_unit) AS first;
            INSERT INTO campaigns_finding (inspection_id, worker_id, result, category_id, verification_method, note,
                                           created_at)
            SELECT i.id, w.id,
                   CASE WHEN random() < 0.8 THEN 'certified'
                        ELSE (ARRAY['no_certificate', 'forged', 'expired'])[1 + floor(random() * 3)::int] END,
                   (%(categories)s::bigint[])[1 + floor(random() * %(n_categories)s)::int], '', '', now()
            FROM campaigns_inspection i
            JOIN LATERAL (SELECT id FROM registry_worker WHERE unit_id = i.unit_id LIMIT 3) AS w ON true;
            INSERT INTO campaigns_measure (inspection_id, kind, case_number, status, note, created_at)
            SELECT i.id, (ARRAY['rectify_order', 'fine', 'case_filed', 'judicial_referral'])[1 + i.id %% 4], '',
                   'open', '', now()
            FROM campaigns_inspection i WHERE i.id %% 10 = 0""", params)
    with connection.cursor() as cursor:
        steps["analyze"] = _execute(cursor, "VACUUM ANALYZE")
    return steps


def ensure_ledger(workers, fill, reset):
    """The ledger of `workers` workers, made once; returns how it was filled and how long it took."""
    from django.core.management import call_command
    from django.utils import timezone

    from registry import demo
    from registry.models import Unit, Worker

    call_command("migrate", verbosity=0)
    have = Worker.objects.count()
    if have == workers and not reset:
        return {"method": "reused", "seconds": 0}
    foreign = Unit.objects.exclude(name__startswith=UNIT_PREFIX).exists() and demo.demo_campaign() is None
    if foreign and not reset:
        raise SystemExit("this database holds a ledger that is not the benchmark's: use a database of its own "
                         "(or --reset to replace its ledger)")
    print(f"filling the ledger with {workers} workers ({fill}) …", file=sys.stderr)
    started = time.perf_counter()
    if fill == "seed_demo":
        call_command("seed_demo", workers=workers, reset=have > 0, verbosity=0)
        steps = {}
    else:
        steps = fill_with_sql(workers)
    if demo.demo_campaign() is None:
        demo.create_demo_campaign(timezone.localdate())
    return {"method": fill, "seconds": round(time.perf_counter() - started, 1),
            "steps": {step: round(seconds, 1) for step, seconds in steps.items()}}


def bench_users():
    from registry.models import Town, User

    users = {}
    for username, fields in BENCH_USERS.items():
        town = Town.objects.get(short_name=fields["town"]) if "town" in fields else None
        users[username], _created = User.objects.update_or_create(
            username=username, defaults={"role": fields["role"], "town": town}
        )
    return users


# ------------------------------------------------------------------------------------- timing


def timed(client, url, repeat):
    """(median seconds, queries of one request) over `repeat` requests after one warm-up request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries = [], None
    for attempt in range(repeat + 1):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        if attempt:
            timings.append(elapsed)
        queries = len(captured)
    return statistics.median(timings), queries


def cpu_of_one_request(client, url):
    """CPU seconds one request costs the database server and this process, measured without parallel query.

    Wall time on a shared machine depends on what else runs; CPU time does not. Read from
    /proc for the backend serving this connection, so only when PostgreSQL runs on this machine.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        if not stat.exists():
            return None
        cursor.execute("SET max_parallel_workers_per_gather = 0")

    def backend():
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    client.get(url)
    database, process = backend(), time.process_time()
    client.get(url)
    result = {"database_cpu_s": round(backend() - database, 2), "python_cpu_s": round(time.process_time() - process, 2)}
    with connection.cursor() as cursor:
        cursor.execute("RESET max_parallel_workers_per_gather")
    return result


def machine_load():
    try:
        return [round(value, 1) for value in os.getloadavg()]
    except OSError:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--fill", choices=("sql", "seed_demo"), default="sql")
    parser.add_argument("--reset", action="store_true", help="fill the ledger again even if it has --workers workers")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"which pages to time (default: {','.join(PAGES)})")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from registry.models import Certificate, TrainingNeed, Worker

    if connection.vendor != "postgresql":
        print("warning: the requirement is measured on PostgreSQL; this is " + connection.vendor, file=sys.stderr)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    ledger = ensure_ledger(args.workers, args.fill, args.reset)
    users = bench_users()

    floor, floor_queries = timed(Client(), "/accounts/login/", args.repeat)
    pages = {}
    for username, user in users.items():
        client = Client()
        client.force_login(user)
        for name, url in PAGES.items():
            if name not in args.pages.split(","):
                continue
            seconds, queries = timed(client, url, args.repeat)
            pages[f"{name} as {BENCH_USERS[username]['role']}"] = {
                "median_ms": round(seconds * 1000, 1), "queries": queries, "ratio_to_floor": round(seconds / floor, 1),
            }
    client = Client()
    client.force_login(users["bench_anban"])
    serial_cpu = cpu_of_one_request(client, PAGES["dashboard"])
    dashboard_ms = pages["dashboard as safety_office"]["median_ms"]
    result = {
        "database": connection.vendor,
        "workers": Worker.objects.count(),
        "certificates": Certificate.objects.count(),
        "training_needs": TrainingNeed.objects.count(),
        "fill": ledger,
        "repeat": args.repeat,
        "floor_login_page_ms": round(floor * 1000, 1),
        "pages": pages,
        "dashboard_ms": dashboard_ms,
        "dashboard_cpu_without_parallel_query": serial_cpu,
        "load_average_1_5_15_min": machine_load(),
        "cpus": os.cpu_count(),
        "under_one_second": all(page["median_ms"] < 1000 for name, page in pages.items()
                                if name.startswith("dashboard as")),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
