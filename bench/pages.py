"""Page benchmark: list and detail pages (and the dashboard) on a large demo ledger.

    createdb -h 127.0.0.1 -U postgres jinjiang_bench_pages     # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jinjiang_bench_pages .venv/bin/python bench/pages.py --workers 100000

The database is migrated and filled with `seed_demo --workers N` once (a later run with the same
N reuses it). Each page is requested through Django's test client as the role that uses it, the
median of REPEAT runs counts, and the floor is the login page rendered in the same run (a page
with no ledger query), so the ratio says what the ledger work costs on this machine. The query
count of every page is printed too: it must not depend on N. Prints one JSON object.
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT = BENCH_DIR.parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]
REPEAT = 7


def setup_django():
    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinjiang_cert.settings")
    import django

    django.setup()


def ensure_ledger(workers):
    from django.core.management import call_command
    from django.db import connection

    from registry.models import Worker

    call_command("migrate", verbosity=0)
    have = Worker.objects.count()
    if have != workers:
        print(f"seeding {workers} workers (have {have}) …", file=sys.stderr)
        call_command("seed_demo", workers=workers, reset=have > 0, verbosity=0, stdout=io.StringIO())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh bulk rows have no planner statistics yet
            cursor.execute("ANALYZE")


def timed(client, url):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = None
    for attempt in range(REPEAT + 1):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        if attempt:  # the first request warms caches and is not counted
            timings.append(elapsed)
        queries = len(captured)
        reset_queries()
    return statistics.median(timings), queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=100_000)
    args = parser.parse_args()
    setup_django()
    from django.test import Client
    from django.urls import reverse

    from registry.models import Certificate, Unit, User, Worker

    ensure_ledger(args.workers)
    users = {"anban": User.objects.get(username="anban"), "clerk": User.objects.get(username="qingyang"),
             "market": User.objects.get(username="shichang")}
    clerk = users["clerk"]
    clerk_unit = Unit.objects.for_user(clerk).order_by("pk").first()
    clerk_worker = Worker.objects.for_user(clerk).order_by("pk").first()

    anonymous = Client()
    floor, floor_queries = timed(anonymous, reverse("login"))
    pages = {
        "home (safety office)": ("anban", reverse("home")),
        "units list (safety office)": ("anban", reverse("registry:unit_list")),
        "workers list (safety office)": ("anban", reverse("registry:worker_list")),
        "workers search by name (safety office)": ("anban", reverse("registry:worker_list") + "?q=陈"),
        "workers without certificate (safety office)": ("anban", reverse("registry:worker_list") + "?status=none"),
        "certificates overdue (safety office)": ("anban", reverse("registry:certificate_list") + "?status=review_overdue"),
        "training needs (safety office)": ("anban", reverse("registry:need_list")),
        "workers list (clerk)": ("clerk", reverse("registry:worker_list")),
        "workers list (market bureau)": ("market", reverse("registry:worker_list")),
        "training needs (clerk)": ("clerk", reverse("registry:need_list")),
        "unit detail (clerk)": ("clerk", reverse("registry:unit_detail", args=[clerk_unit.pk])),
        "worker detail (clerk)": ("clerk", reverse("registry:worker_detail", args=[clerk_worker.pk])),
    }
    pages["dashboard (safety office)"] = ("anban", reverse("reports:dashboard"))
    results = {}
    for label, (who, url) in pages.items():
        client = Client()
        client.force_login(users[who])
        seconds, queries = timed(client, url)
        results[label] = {"ms": round(seconds * 1000, 1), "ratio_to_floor": round(seconds / floor, 1), "queries": queries}
    print(json.dumps({
        "database": os.environ.get("DATABASE_URL", "sqlite"),
        "workers": Worker.objects.count(),
        "certificates": Certificate.objects.count(),
        "floor_login_page_ms": round(floor * 1000, 1),
        "pages": results,
    }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
