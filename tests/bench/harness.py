"""Load harness (a script, not a test): the district on PostgreSQL behind gunicorn, each page
measured side by side with a bare Django view on the same server (#19).

    .venv/bin/python tests/bench/harness.py [--duration 4] [--rounds 3] [--markdown FILE]

What it does, in order:
1. migrates the bench database (DATABASE_URL, default postgres://…:54329/hongge_bench), seeds
   the district with `manage.py seed_demo --scale` unless ten streets are there already
   (`--seed` calls it anyway), then runs ANALYZE (`--no-analyze` leaves the statistics be);
2. starts gunicorn on 127.0.0.1:PORT as `make run` does (DEBUG off, EMBEDDED, 2 workers of 4
   threads, --preload) with `tests.bench.settings`: the portal's URLs plus /bench/bare/ and
   /bench/bare-post/, public rate limits raised for the run only (through the environment
   variables config/settings.py reads);
3. logs in once per role over HTTP (login form, CSRF) and reuses each session cookie;
4. drives every endpoint with wrk in alternation with its bare view (bare, page, bare, page…,
   ROUNDS rounds of DURATION seconds each, 2 threads, 8 connections) and reports requests/s,
   p50/p95/p99, the ratio to the bare view and the queries one request makes;
5. times 50 single requests (after 3 warm-ups) of every staff page #19 names, as its role,
   against the targets (100 ms, the command center of a street 150 ms, the admin tree 200 ms),
   and of #17's staff tools (the whistle export and a work order PDF reported without a
   target; the bulk dispatch list, the gift hand-over and the SMS outbox against 100 ms);
6. times tree writes in-process: a community inserted at a street's left edge (then deleted)
   and a grid moved to another community and back;
7. checks the tree is consistent afterwards (`governance.tree.find_problems`), removes the
   whistles the run posted (and, on the harness's own broker, the tasks they queued), and
   prints the load average at start, when the load began, after the HTTP runs and at the end.
"""

import argparse
import http.client
import json
import math
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
BENCH_DIR = ROOT / "var" / "bench"
RUN_MARKER = f"bench-{secrets.token_hex(4)}"

ENVIRONMENT = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:54329/hongge_bench",
    "REDIS_URL": "redis://127.0.0.1:63799/18",
    "CELERY_BROKER_URL": "redis://127.0.0.1:63799/19",
}
# Production-like, as `make run` serves: DEBUG off, plain HTTP on loopback (EMBEDDED turns off
# the HTTPS redirect and secure cookies), no second factor so the demo logins work.
SERVER_ENVIRONMENT = {
    "DEBUG": "0",
    "EMBEDDED": "1",
    "TWO_FACTOR_REQUIRED": "0",
    "SECURE_COOKIES": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "LOG_LEVEL": "WARNING",
    # Only for the run: the load comes from one address and one mobile number.
    "PUBLIC_FORM_RATE_PER_IP": "100000000/h",
    "PUBLIC_FORM_RATE_PER_MOBILE": "100000000/h",
    "PUBLIC_LOOKUP_RATE_PER_IP": "100000000/h",
}
for name, value in ENVIRONMENT.items():
    os.environ.setdefault(name, value)
os.environ.setdefault("SECRET_KEY", f"bench-only-{secrets.token_urlsafe(40)}")
os.environ.setdefault("STATIC_ROOT", str(BENCH_DIR / "static"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

PASSWORD = "hongge-demo-2026"
COUNT_HEADER = "X-Bench-Queries"


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


def manage(*args):
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)


# --- 1. the district database


def prepare_database(seed, analyze, migrate):
    if migrate:
        # Checks are the test suite's business; a half-edited admin elsewhere must not stop a run.
        manage("migrate", "--noinput", "--verbosity", "0", "--skip-checks")
    django.setup()
    from django.db import connection

    from governance.models import NodeKind, OrgNode

    if connection.vendor != "postgresql":
        sys.exit("The harness measures PostgreSQL: point DATABASE_URL at a PostgreSQL database.")
    if seed or OrgNode.objects.filter(kind=NodeKind.STREET).count() < 10:
        started = time.perf_counter()
        manage("seed_demo", "--scale")
        print(f"seed_demo --scale: {time.perf_counter() - started:.0f} s")
    if analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # With DEBUG off, as the server runs: only then is the hashed manifest written, without
    # which every page would hash each asset it links.
    os.environ["DEBUG"] = "0"
    manage("collectstatic", "--noinput", "--verbosity", "0")
    connection.close()


def district_summary():
    from governance.models import OrgNode
    from grids.models import Household, Resident
    from services.whistles.models import Whistle
    from volunteers.models import VolunteerProfile

    return {
        "nodes": OrgNode.objects.count(),
        "households": Household.objects.count(),
        "residents": Resident.objects.count(),
        "volunteers": VolunteerProfile.objects.count(),
        "whistles": Whistle.objects.count(),
    }


# --- 2. the server


class Server:
    def __init__(self, port):
        self.port = port
        self.process = None

    def __enter__(self):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        environment = {
            **os.environ,
            **SERVER_ENVIRONMENT,
            "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        }
        self.log = open(BENCH_DIR / "gunicorn.log", "w")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "120",
                "--graceful-timeout",
                "5",
                "--preload",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn did not start; see {BENCH_DIR / 'gunicorn.log'}")
            try:
                if b'"ok": true' in get(self.port, "/healthz/")[2]:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        self.__exit__()
        sys.exit(f"gunicorn did not answer on port {self.port} within 90 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()  # gunicorn's arbiter stops its own workers
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def request(port, method, path, body=None, headers=None, connection=None):
    """(status, headers, body) of one request; reuses `connection` when given."""
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    if connection is None:
        conn.close()
    return response.status, response, data


def get(port, path, cookie="", connection=None, count=False):
    headers = {"Cookie": cookie} if cookie else {}
    if count:
        headers[COUNT_HEADER] = "1"
    return request(port, "GET", path, headers=headers, connection=connection)


def cookies_of(response):
    found = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            found[key.strip()] = rest.split(";", 1)[0]
    return found


def csrf_of(port, path, cookie=""):
    """The CSRF cookie and form token a GET of `path` hands out."""
    status, response, body = get(port, path, cookie)
    assert status == 200, f"GET {path}: {status}"
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    csrf_cookie = cookies_of(response).get("csrftoken") or re.search(
        r"csrftoken=([^;]+)", cookie
    ).group(1)
    return csrf_cookie, token


def log_in(port, username):
    """The Cookie header of a session of `username`, logged in through the login form."""
    csrf_cookie, token = csrf_of(port, "/accounts/login/")
    body = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    status, response, _ = request(
        port,
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Cookie": f"csrftoken={csrf_cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    session = cookies_of(response).get("sessionid")
    if status != 302 or not session:
        sys.exit(
            f"Logging in as {username} over http://127.0.0.1:{port}/ failed ({status}, "
            f"session cookie {'set' if session else 'not set'}): is SESSION_COOKIE_SECURE on?"
        )
    return f"csrftoken={csrf_cookie}; sessionid={session}"


# --- 4. throughput with wrk


def wrk(port, endpoint, duration):
    environment = {
        **os.environ,
        "BENCH_METHOD": endpoint.get("method", "GET"),
        "BENCH_BODY": endpoint.get("body", ""),
        "BENCH_COOKIE": endpoint.get("cookie", ""),
        "BENCH_CONTENT_TYPE": endpoint.get("content_type", ""),
    }
    output = subprocess.run(
        [
            "wrk",
            "--threads",
            "2",
            "--connections",
            "8",
            "--duration",
            f"{duration}s",
            "--timeout",
            "30s",
            "--script",
            str(HERE / "report.lua"),
            f"http://127.0.0.1:{port}{endpoint['path']}",
        ],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    ).stdout
    result = json.loads(output.split("BENCH ", 1)[1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def throughput(port, endpoint, bare, rounds, duration):
    """Alternate bare and page (A B A B …): both see the same moments of a noisy machine."""
    bare_runs, page_runs = [], []
    for _ in range(rounds):
        bare_runs.append(wrk(port, bare, duration))
        page_runs.append(wrk(port, endpoint, duration))

    def summary(runs):
        return {
            "rps": statistics.mean(run["rps"] for run in runs),
            "requests": sum(run["requests"] for run in runs),
            "errors": sum(run["status_errors"] + run["socket_errors"] for run in runs),
            # wrk reports zeros when no request finished (a page slower than a round).
            **{
                p: statistics.median(run[p] for run in runs if run["requests"]) / 1000
                if any(run["requests"] for run in runs)
                else math.nan
                for p in ("p50", "p95", "p99")
            },
        }

    page, ceiling = summary(page_runs), summary(bare_runs)
    page["ratio"] = page["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0
    page["bare_rps"] = ceiling["rps"]
    return page


def queries_of(port, endpoint):
    headers = {COUNT_HEADER: "1"}
    if endpoint.get("cookie"):
        headers["Cookie"] = endpoint["cookie"]
    if endpoint.get("content_type"):
        headers["Content-Type"] = endpoint["content_type"]
    status, response, _ = request(
        port, endpoint.get("method", "GET"), endpoint["path"], endpoint.get("body"), headers
    )
    expected = endpoint.get("expect", 200)
    if status != expected:
        sys.exit(f"{endpoint['label']}: {endpoint['path']} answered {status}, not {expected}")
    return int(response.getheader(COUNT_HEADER, "-1"))


# --- 5. single requests


def single_requests(port, path, cookie, count=50, warm_up=3):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(warm_up):
        status, _, _ = get(port, path, cookie, connection)
        if status != 200:
            sys.exit(f"{path} answered {status} to {cookie and 'a logged-in'} GET")
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        get(port, path, cookie, connection)
        timings.append((time.perf_counter() - started) * 1000)
    connection.close()
    status, response, body = get(port, path, cookie, count=True)
    return {
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "queries": int(response.getheader(COUNT_HEADER, "-1")),
        "kb": len(body) / 1024,
    }


# --- 6. tree writes


def tree_writes(samples):
    from django.db import connection
    from django.db.models import F

    from governance import tree
    from governance.models import NodeKind, OrgNode

    # The largest street: an insert at its left edge renumbers every node after it.
    street = (
        OrgNode.objects.filter(kind=NodeKind.STREET).order_by(F("lft") - F("rght"), "pk").first()
    )
    communities = list(street.get_children().order_by("lft")[:2])
    inserts = []
    for i in range(samples):
        node = OrgNode(kind=NodeKind.COMMUNITY, name=f"压测{i}", code=f"{RUN_MARKER}-{i}")
        started = time.perf_counter()
        node.insert_at(street, position="first-child", save=True)
        inserts.append((time.perf_counter() - started) * 1000)
        OrgNode.objects.get(pk=node.pk).delete()
    # The last grid of a community: moved away as another community's last child and back as
    # this one's, so the tree ends as it began.
    home, away = communities
    grid = home.get_children().order_by("-lft").first()
    moves = []
    for _ in range(math.ceil(samples / 2)):
        for target in (away, home):
            grid = OrgNode.objects.get(pk=grid.pk)
            started = time.perf_counter()
            OrgNode.tree.move_node(grid, OrgNode.objects.get(pk=target.pk), "last-child")
            moves.append((time.perf_counter() - started) * 1000)
    problems = tree.find_problems()
    if problems:
        sys.exit(f"The tree writes left the tree inconsistent: {problems[:5]}")
    street.refresh_from_db()
    size = street.get_descendant_count() + 1
    connection.close()
    return {
        "insert": (statistics.median(inserts), percentile(inserts, 0.95), len(inserts)),
        "move": (statistics.median(moves), percentile(moves, 0.95), len(moves)),
        "street": street.code,
        "street_nodes": size,
        "grid": grid.code,
        "grid_nodes": grid.get_descendant_count() + 1,
    }


# --- the pages


def staff_pages(port, cookies):
    """(role, label, path, target ms or None for a download reported without one, at most
    how many requests or None)."""
    from services.whistles.models import Status, Whistle
    from volunteers.models import Redemption, RedemptionStatus

    community = community_id()
    whistle = re.search(rb'href="/whistles/(\d+)/"', get(port, "/whistles/", cookies["cc"])[2])
    dispatched = (
        Whistle.objects.filter(community_id=community, dispatched_at__isnull=False)
        .order_by("-dispatched_at")
        .values_list("pk", flat=True)
        .first()
    )
    reserved = (
        Redemption.objects.filter(status=RedemptionStatus.RESERVED, reward__node_id=community)
        .values_list("pickup_code", flat=True)
        .first()
    )
    pages = [
        ("cc", "staff whistle list", "/whistles/", 100),
        ("cc", "staff whistle detail", f"/whistles/{int(whistle.group(1))}/", 100),
        ("cc", "wishes (manage)", "/wishes/manage/", 100),
        ("cc", "stations (manage)", "/stations/manage/", 100),
        ("cc", "volunteers (admin)", "/admin/volunteers/volunteerprofile/", 100),
        ("cc", "approvals", "/v/approvals/", 100),
        ("cc", "households (admin)", "/admin/grids/household/", 100),
        ("cc", "residents (admin)", "/admin/grids/resident/", 100),
        ("cc", "care ledger (admin)", "/admin/grids/carerecord/", 100),
        ("gw", "my work", "/m/", 100),
        ("sc", "command center, street, 365 days", "/command/?days=365", 150),
        ("cc", "command center, community, 365 days", f"/command/{community}/?days=365", 100),
        ("sc", "admin tree list", "/admin/governance/orgnode/", 200),
        # #17's staff tools. The households import's left-out rows exist only in the session
        # of a cadre's own import preview: not reachable without one, so not measured.
        ("cc", "whistle export (xlsx)", "/whistles/export.xlsx", None),
        ("cc", "bulk dispatch (accepted whistles)", f"/whistles/?status={Status.ACCEPTED}", 100),
        ("ad", "SMS outbox (admin, superuser)", "/admin/governance/outboundsms/", 100),
    ]
    if dispatched:
        pages.append(("cc", "work order (PDF)", f"/whistles/{dispatched}/order.pdf", None))
    if reserved:
        # The hand-over looks the code up: 20 a minute a user (a guess is a lookup), so fewer
        # requests than the others, or the limit's message would be what is measured.
        pages.append(("cc", "gift hand-over", f"/v/handover/?code={reserved}", 100, 15))
    return [page if len(page) == 5 else (*page, None) for page in pages]


# The street whose cadres, community (its first) and grid (that community's first) the
# staff pages are measured as: the demo street by default, or a district street (--street).
STREET = {"code": "HX"}


def community_id():
    from governance.models import OrgNode

    return OrgNode.objects.get(code=f"{STREET['code']}-01").pk


def bench_logins(street_code):
    """The usernames to log in as, per role. On the demo street, the demo logins; on another
    street, bench-only accounts (bench_<role>_<street>, the demo password) made here on the
    bench database, so the pages are measured at a district street's volume."""
    from django.contrib.auth.hashers import make_password

    from governance.models import OrgNode, Role, User

    demo = {"cc": "community_cadre", "sc": "street_cadre", "gw": "grid_worker", "ad": "admin"}
    if street_code == "HX":
        return demo
    places = {
        "sc": (Role.STREET_CADRE, street_code, True),
        "cc": (Role.COMMUNITY_CADRE, f"{street_code}-01", True),
        "gw": (Role.GRID_WORKER, f"{street_code}-01-01", False),
    }
    password = make_password(PASSWORD)
    logins = {"ad": "admin"}
    for role_key, (role, code, staff) in places.items():
        username = f"bench_{role_key}_{street_code}".lower()
        User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "node": OrgNode.objects.get(code=code),
                "is_staff": staff,
                "password": password,
                "full_name": "压测账号",
            },
        )
        logins[role_key] = username
    return logins


def public_post(port):
    from services.stations.models import Station
    from services.whistles.models import Category

    csrf_cookie, token = csrf_of(port, "/report/")
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "category": Category.objects.filter(active=True).order_by("pk").first().pk,
            "description": f"路灯不亮了（{RUN_MARKER}）",
            "community": community_id(),
            "address": "3号楼东侧",
            "reporter_name": "测试",
            "reporter_mobile": "13800138000",
            "website": "",
        }
    )
    station = Station.objects.filter(active=True).exclude(latitude=None).first()
    near = f"/stations/?lat={station.latitude}&lng={station.longitude}"
    form = "application/x-www-form-urlencoded"
    cookie = f"csrftoken={csrf_cookie}"
    return (
        near,
        {
            "label": "public whistle POST (vs bare POST)",
            "path": "/report/",
            "method": "POST",
            "body": body,
            "cookie": cookie,
            "content_type": form,
            "expect": 302,
            "ratio": 0.25,
        },
        {
            "label": "bare POST",
            "path": "/bench/bare-post/",
            "method": "POST",
            "body": f"csrfmiddlewaretoken={token}",
            "cookie": cookie,
            "content_type": form,
            "expect": 302,
        },
    )


def remove_posted_whistles():
    """Delete the run's whistles, and on the harness's own broker the tasks they queued (no
    worker runs during a bench; left there they would be run against rows deleted here)."""
    from config.celery import app
    from services.whistles.models import Whistle

    posted = Whistle.objects.filter(description__contains=RUN_MARKER)
    count = posted.count()
    posted.delete()
    if os.environ["CELERY_BROKER_URL"] == ENVIRONMENT["CELERY_BROKER_URL"]:
        app.control.purge()
    return count


# --- the report


class Verdicts:
    met = total = 0

    def record(self, passed):
        self.total += 1
        self.met += bool(passed)
        return "PASS" if passed else "FAIL"


def ms(value):
    return "—" if math.isnan(value) else f"{value:.0f}"


def load_text():
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cores)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8120)
    parser.add_argument("--duration", type=int, default=4, help="seconds per wrk round")
    parser.add_argument("--rounds", type=int, default=3, help="bare/page pairs per endpoint")
    parser.add_argument("--requests", type=int, default=50, help="single requests per page")
    parser.add_argument("--tree-samples", type=int, default=20)
    parser.add_argument("--seed", action="store_true", help="call seed_demo --scale anyway")
    parser.add_argument("--no-analyze", dest="analyze", action="store_false")
    parser.add_argument("--no-migrate", dest="migrate", action="store_false")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    parser.add_argument(
        "--street",
        default="HX",
        help="measure the staff pages as the cadres of this street (default: the demo street "
        "HX; a district street such as DF has ~44,000 households)",
    )
    parser.add_argument(
        "--only",
        type=re.compile,
        help="measure only the endpoints and pages whose label or path matches this regex "
        "(tree writes only when it matches 'tree write')",
    )
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    lines = []
    verdicts = Verdicts()

    def out(line=""):
        print(line, flush=True)
        lines.append(line)

    load_before = load_text()
    prepare_database(options.seed, options.analyze, options.migrate)
    district = district_summary()
    STREET["code"] = options.street
    logins = bench_logins(options.street)
    print(f"district: {', '.join(f'{n:,} {what}' for what, n in district.items())}")
    with Server(options.port) as server:
        port = server.port
        cookies = {role: log_in(port, username) for role, username in logins.items()}
        near, post, bare_post = public_post(port)
        bare = {"label": "bare view", "path": "/bench/bare/"}
        endpoints = [
            ({"label": "public /report/ form", "path": "/report/", "ratio": 0.25}, bare),
            ({"label": "public /wishes/", "path": "/wishes/", "ratio": 0.25}, bare),
            ({"label": "public /stations/ near a point", "path": near, "ratio": 0.25}, bare),
            ({"label": "public /track/", "path": "/track/", "ratio": 0.25}, bare),
            (post, bare_post),
            (
                {
                    "label": "staff whistle list (community cadre)",
                    "path": "/whistles/",
                    "cookie": cookies["cc"],
                },
                bare,
            ),
            (
                {
                    "label": "command center, street, 365 days",
                    "path": "/command/?days=365",
                    "cookie": cookies["sc"],
                },
                bare,
            ),
            (
                {
                    "label": "admin tree list (street cadre)",
                    "path": "/admin/governance/orgnode/",
                    "cookie": cookies["sc"],
                },
                bare,
            ),
        ]
        if options.only:
            endpoints = [pair for pair in endpoints if wanted(options.only, pair[0])]
        load_during = load_text()
        print(f"load average at start: {load_before}")
        rows = []
        for endpoint, ceiling in endpoints:
            queries = queries_of(port, endpoint)
            queries_of(port, ceiling)
            result = throughput(port, endpoint, ceiling, options.rounds, options.duration)
            result["queries"] = queries
            result["target"] = endpoint.get("ratio")  # #19 item 4
            rows.append((endpoint["label"], ceiling["label"], result))
            print(
                f"  {endpoint['label']}: {result['rps']:.1f} req/s, "
                f"{result['ratio']:.3f}× {ceiling['label']}",
                flush=True,
            )
        singles = []
        for role, label, path, target, most in staff_pages(port, cookies):
            if options.only and not wanted(options.only, {"label": label, "path": path}):
                continue
            count = min(options.requests, most or options.requests)
            result = single_requests(port, path, cookies[role], count)
            result["requests"] = count
            singles.append((label, path, target, result))
            print(f"  {label}: p95 {result['p95']:.0f} ms", flush=True)
        load_after_http = load_text()
    django.setup()
    measure_writes = not options.only or options.only.search("tree write")
    writes = tree_writes(options.tree_samples) if measure_writes else None
    posted = remove_posted_whistles()
    load_after = load_text()

    out(f"District: {', '.join(f'{n:,} {what}' for what, n in district.items())}.")
    out(f"Staff pages as the cadres of street {options.street} ({', '.join(logins.values())}).")
    out(
        f"gunicorn: 2 workers × 4 threads, DEBUG off; wrk: 2 threads, 8 connections, "
        f"{options.rounds} rounds of {options.duration:g} s per endpoint, alternated with its "
        "bare view."
    )
    out(
        f"Load average: {load_before} at start; {load_during} when the load began; "
        f"{load_after_http} after the HTTP runs; {load_after} at the end."
    )
    out()
    out(
        "| endpoint | req/s | p50 / p95 / p99 ms | ratio to bare (bare req/s) | target | "
        "queries/request |"
    )
    out("|---|---|---|---|---|---|")
    for label, ceiling, r in rows:
        errors = f", {r['errors']} errors" if r["errors"] else ""
        target = "—"
        if r["target"]:
            target = f"≥ {r['target']}× {verdicts.record(r['ratio'] >= r['target'])}"
        out(
            f"| {label} | {r['rps']:.1f} | {ms(r['p50'])} / {ms(r['p95'])} / {ms(r['p99'])} | "
            f"{r['ratio']:.3f}× {ceiling} ({r['bare_rps']:.0f}{errors}) | {target} | "
            f"{r['queries']} |"
        )
    out()
    out(f"Single requests, one at a time, {options.requests} after 3 warm-ups:")
    out()
    out("| staff page | p50 ms | p95 ms | target | | queries | KB |")
    out("|---|---|---|---|---|---|---|")
    for label, path, target, r in singles:
        verdict = verdicts.record(r["p95"] < target) if target else "—"
        fewer = f", {r['requests']} requests" if r["requests"] != options.requests else ""
        out(
            f"| {label} (`{path}`{fewer}) | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{f'< {target} ms' if target else 'no target'} | {verdict} | {r['queries']} | "
            f"{r['kb']:.0f} |"
        )
    if writes:
        report_tree_writes(writes, verdicts, out)
    out(f"Targets met: {verdicts.met} of {verdicts.total}.")
    print(f"\n(removed the {posted} whistles the run posted)")
    if options.markdown:
        options.markdown.write_text("\n".join(lines) + "\n")
    # A failed target fails the run, so a script or CI job can tell.
    sys.exit(0 if verdicts.met == verdicts.total else 1)


def wanted(only, endpoint):
    return bool(only.search(endpoint["label"]) or only.search(endpoint["path"]))


def report_tree_writes(writes, verdicts, out):
    out(f"Tree writes in street {writes['street']} ({writes['street_nodes']:,} nodes):")
    out()
    out("| tree write | p50 ms | p95 ms | target | |")
    out("|---|---|---|---|---|")
    for label, key, target in (
        ("insert a community at the street's left edge", "insert", 20),
        (
            f"move grid {writes['grid']} ({writes['grid_nodes']} nodes) to another community",
            "move",
            100,
        ),
    ):
        p50, p95, n = writes[key]
        verdict = verdicts.record(p95 < target)
        out(f"| {label} ({n} times) | {p50:.0f} | {p95:.0f} | < {target} ms | {verdict} |")
    out()


if __name__ == "__main__":
    main()
