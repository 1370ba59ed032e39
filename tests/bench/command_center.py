"""Benchmark (not a test): the command center's street page at district scale.

    DATABASE_URL=postgres://... python manage.py seed_demo --scale
    DATABASE_URL=postgres://... python tests/bench/command_center.py [requests] [url]

Reports the number of queries and p50/p95 of the street page (or the page `url` names, e.g.
/command/2/?days=365 for a community) over 50 requests (after a warm-up), as a street cadre
would load it, with the rows its figures are drawn from.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from governance.models import User  # noqa: E402
from grids.models import CareRecord  # noqa: E402
from services.whistles.models import Whistle  # noqa: E402
from volunteers.models import ServiceHours, VolunteerProfile  # noqa: E402


def main(requests=50, url="/command/?days=365"):
    cadre = User.objects.get(username="street_cadre")
    client = Client()
    client.force_login(cadre)
    for _ in range(3):
        assert client.get(url).status_code == 200
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"database: {connection.vendor}; whistles: {Whistle.objects.count():,}; "
        f"volunteers: {VolunteerProfile.objects.count():,}; "
        f"service hours: {ServiceHours.objects.count():,}; "
        f"care records: {CareRecord.objects.count():,}"
    )
    print(f"page {url}: {len(executed)} queries")
    print(f"p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms over {requests} requests")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50, *sys.argv[2:3])
