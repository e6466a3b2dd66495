"""Benchmark: the API's visit list under load, beside a bare Django JSON view, in the same run.

Run from the project root (PostgreSQL on 127.0.0.1 and, by default, Redis for the throttle counts and the
visit list's page cache):
    .venv/bin/python bench/api_load.py
    .venv/bin/python bench/api_load.py --duration 30 --connections 16 --worker-class gthread

What it does:
1. Creates the PostgreSQL database ``--database`` (default ``sambang_bench_api``; it refuses an existing
   one) and migrates it with the production settings (``config.settings.production``, with SECRET_KEY,
   ALLOWED_HOSTS=127.0.0.1 and SECURE_SSL_REDIRECT=false set as ``make prod`` does).
2. Fills it with ``--visits`` visits (default 10,000) of one host, each with its own delegation from one of
   20 guest institutions, over six years, and a protocol user who works for that host (not a superuser:
   the host scoping is part of what is measured), with an API token (``Authorization: Token …``, as an
   integration sends it).
3. Starts gunicorn with 2 workers on a free loopback port, serving the production settings plus, only
   in this benchmark's own settings and URLconf (written to a temporary folder, never the product's
   urls), one bare view ``/bench/bare/``: a plain Django function returning ``JsonResponse`` of a
   constant payload, the very JSON of one visit-list page (same size, same shape), through the same
   middleware. gunicorn's access log is off for both.
4. Loads three targets alternately, ``--rounds`` times each, ``--duration`` seconds per measurement after a
   warm-up, with ``wrk`` (Debian: ``apt install wrk``) or, without it, a threaded Python client in two
   processes: ``GET /api/v1/visits/?page_size=50`` (50 rows a page, the project's default) again and again,
   as a polling integration asks, which the page cache (``visits.api_cache``, on with ``CACHE_URL``) serves
   after the first time; the same list with one more query parameter unique to each request, so that
   every request misses that cache and reads and renders its rows; and ``/bench/bare/``.
5. Prints requests per second and p99 latency of each, and the ratios (target: the visit list ≥ 50 % of
   the bare view's requests per second). Then stops gunicorn and drops the database, also on error.

Worker class: ``gthread`` (4 threads per worker) by default. An integration, and a reverse proxy with
upstream keep-alive, reuses its connections; gunicorn's ``sync`` worker closes the connection after every
response, so under ``sync`` a load test measures TCP set-up as much as the application, while ``gthread``
keeps connections alive and lets one thread wait for PostgreSQL while another runs. On this machine
gthread served about 2.5 times the requests of sync for both targets (bench/README.md).
``--worker-class sync`` measures what ``Procfile.prod`` runs today.

Database connections: ``DATABASE_CONN_MAX_AGE`` is 60 s here (``--conn-max-age``; the settings' default is
0, a new PostgreSQL connection per request, which a deployment under load should not keep: README,
Configuration). The bare view opens no connection either way.
"""

import argparse
import contextlib
import datetime as dt
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = ROOT / ".venv" / "bin"

SITE_SETTINGS = '''
"""The benchmark's own settings: production's, with the bare view's URLconf (bench/api_load.py)."""
from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench_api_urls"
'''

SITE_URLS = '''
"""The benchmark's own URLconf: the product's URLs plus one bare JSON view (bench/api_load.py)."""
import functools
import json
from pathlib import Path

from django.http import JsonResponse
from django.urls import path

from config import urls as product


@functools.cache
def payload() -> dict:
    return json.loads((Path(__file__).parent / "payload.json").read_text(encoding="utf-8"))


def bare(request):
    """A constant payload of one visit-list page, serialized on every request as any JSON view does."""
    return JsonResponse(payload())


urlpatterns = [path("bench/bare/", bare), *product.urlpatterns]
handler400 = product.handler400
'''


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database",
        default="postgres://postgres@127.0.0.1:5432/sambang_bench_api",
        help="PostgreSQL URL of a database that does not exist yet (created, then dropped)",
    )
    parser.add_argument(
        "--cache",
        default="redis://127.0.0.1:6379/13",
        help="CACHE_URL for the throttle counts, as make prod has one (empty: each worker's memory)",
    )
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=20, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per target")
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each target, alternating")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--client-threads", type=int, default=2, help="wrk threads (or client processes)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="gthread")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--conn-max-age", type=int, default=60, help="DATABASE_CONN_MAX_AGE, seconds")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (gunicorn's log)")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin_connection(url: str):
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(url)
    connection = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    return connection, db["NAME"]


def postgres_create(url: str) -> None:
    """Create the database named in ``url``; refuse to touch one that exists."""
    from psycopg import sql

    connection, name = _admin_connection(url)
    with connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            sys.exit(
                f"PostgreSQL database {name!r} already exists; this benchmark creates and drops its own."
            )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def postgres_drop(url: str) -> None:
    from psycopg import sql

    connection, name = _admin_connection(url)
    with connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def populate(visits: int) -> str:
    """Create the host, guests, ``visits`` visits and the API user; returns the user's token."""
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from knox.models import AuthToken

    from delegations.models import Delegation
    from visits.enums import VisitKind, VisitStatus
    from visits.models import HostMembership, Institution, Region, Venue, Visit
    from visits.roles import PROTOCOL

    zones = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]
    host_region = Region.objects.create(
        code="35.73", name="Kota Malang", kind="kota", timezone="Asia/Jakarta"
    )
    host = Institution.objects.create(
        name="Pemerintah Kota Malang", region=host_region, organizer_email="protokol@malang.example.org"
    )
    venues = Venue.objects.bulk_create(
        Venue(institution=host, name=f"Ruang Rapat {i}", capacity=20 + 10 * i) for i in range(10)
    )
    guests = []
    for i in range(20):
        region = Region.objects.create(
            code=f"9{i // 10}.{i:02d}", name=f"Kabupaten Tamu {i}", kind="kabupaten", timezone=zones[i % 3]
        )
        guests.append(Institution.objects.create(name=f"Pemerintah Kabupaten Tamu {i}", region=region))
    delegations = Delegation.objects.bulk_create(
        Delegation(
            institution=guests[i % len(guests)],
            leader_name=f"Ketua {i}",
            leader_position="Wakil Bupati",
            leader_email=f"ketua{i}@tamu.example.org",
            size=8,
            request_letter_number=f"000/{i}/2025",
            request_letter_date=dt.date(2025, 1, 1),
        )
        for i in range(visits)
    )
    statuses = [VisitStatus.SCHEDULED, VisitStatus.COMPLETED, VisitStatus.REPORTED, VisitStatus.REQUESTED]
    first = dt.datetime(2020, 1, 6, 1, 0, tzinfo=dt.UTC)
    Visit.objects.bulk_create(
        (
            Visit(
                host=host,
                delegation=delegations[i],
                kind=VisitKind.COMPARATIVE_STUDY,
                title=f"Studi komparasi {i}: tata kelola pemerintahan dan pelayanan publik",
                start=first + dt.timedelta(hours=5 * i),
                end=first + dt.timedelta(hours=5 * i + 3),
                timezone="Asia/Jakarta",
                venue=venues[i % len(venues)],
                status=statuses[i % len(statuses)],
                topics=["pelayanan publik", "smart city"],
            )
            for i in range(visits)
        ),
        batch_size=2000,
    )
    user = User.objects.create_user(username="integrasi", password=secrets.token_urlsafe(16))
    user.groups.add(Group.objects.get_or_create(name=PROTOCOL)[0])
    HostMembership.objects.create(user=user, host=host)
    _row, token = AuthToken.objects.create(user=user)
    return token


def get(url: str, token: str | None = None) -> tuple[int, bytes]:
    headers = {"Authorization": f"Token {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback http only
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback http
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_ready(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            get(base + "/api/v1/")
            return
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within a minute")


# --- Load clients --------------------------------------------------------------------------------------


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def cpu_seconds(server_pid: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by each process of gunicorn (master and workers), Redis and
    PostgreSQL (every backend), and by this process's finished children (the load client), read from
    /proc: ``{group: {pid: seconds}}``; {} off Linux."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    totals: dict[str, dict[int, float]] = {"gunicorn": {}, "redis": {}, "postgres": {}}
    proc = Path("/proc")
    if not proc.is_dir():
        return {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue
        session = int(fields[3])  # the server runs in its own session, led by gunicorn's master
        group = "gunicorn" if session == server_pid else name.split("-")[0].split(":")[0]
        if group in totals:
            totals[group][int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    children = os.times()
    totals["client"] = {0: children.children_user + children.children_system}
    return totals


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds per group between two ``cpu_seconds`` readings, counting only the processes alive at
    both (a PostgreSQL backend that ended in between took its seconds with it)."""
    return {
        group: sum(
            seconds - before[group][pid] for pid, seconds in after[group].items() if pid in before[group]
        )
        for group in after
    }


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


# wrk's request function for the "every request a new page" target: one more query parameter, unique per
# request (each wrk thread has its own Lua state, hence the thread's number in it), which the list ignores
# but its page cache counts as a different page.
FRESH_LUA = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
local counter = 0
function request()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "&fresh=" .. thread_id .. "-" .. counter)
end
"""


def run_wrk(url: str, token: str | None, args, duration: int, fresh: bool = False) -> dict:
    command = ["wrk", f"-t{args.client_threads}", f"-c{args.connections}", f"-d{duration}s", "--latency"]
    if token:
        command += ["-H", f"Authorization: Token {token}"]
    if fresh:
        script = Path(tempfile.gettempdir()) / f"sambang-bench-fresh-{os.getpid()}.lua"
        script.write_text(FRESH_LUA, encoding="utf-8")
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1)),
        "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1)),
        "bad": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def _client_process(
    host: str, port: int, path: str, token: str | None, threads: int, duration: float, fresh: bool, queue
):
    """One client process: ``threads`` keep-alive connections, each sending requests back to back (with
    ``fresh``, each request's path made unique by one more query parameter, as ``FRESH_LUA`` does)."""
    headers = {"Authorization": f"Token {token}"} if token else {}
    latencies, bad = [], [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def loop():
        mine, failures = [], 0
        connection = HTTPConnection(host, port, timeout=30)
        prefix = f"{path}&fresh={os.getpid()}-{threading.get_ident()}-"
        while (start := time.perf_counter()) < deadline:
            try:
                connection.request("GET", f"{prefix}{len(mine)}" if fresh else path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except OSError:
                failures += 1
                connection.close()
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)
            bad[0] += failures

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put((latencies, bad[0]))


def run_python(url: str, token: str | None, args, duration: int, fresh: bool = False) -> dict:
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    processes = max(1, args.client_threads)
    per_process = max(1, args.connections // processes)
    queue = multiprocessing.Queue()
    children = [
        multiprocessing.Process(
            target=_client_process,
            args=(parts.hostname, parts.port, path, token, per_process, duration, fresh, queue),
        )
        for _ in range(processes)
    ]
    began = time.perf_counter()
    for child in children:
        child.start()
    results = [queue.get() for _ in children]
    elapsed = time.perf_counter() - began
    for child in children:
        child.join()
    latencies = sorted(latency for batch, _bad in results for latency in batch)
    return {
        "rps": len(latencies) / elapsed,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] * 1000,
        "p50_ms": statistics.median(latencies) * 1000,
        "bad": sum(bad for _batch, bad in results),
        "socket_errors": "",
    }


# --- The run -------------------------------------------------------------------------------------------


def run(args, tmp: Path, stack: contextlib.ExitStack) -> int:
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk"))
    if args.client == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt install wrk (Debian/Ubuntu), or use --client python.")
    if not use_wrk:
        print("wrk is not installed (apt install wrk); using the threaded Python client instead.")
    load = run_wrk if use_wrk else run_python

    (tmp / "bench_api_site.py").write_text(textwrap.dedent(SITE_SETTINGS), encoding="utf-8")
    (tmp / "bench_api_urls.py").write_text(textwrap.dedent(SITE_URLS), encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "bench_api_site",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": args.database,
        "DATABASE_CONN_MAX_AGE": str(args.conn_max_age),
        "CACHE_URL": args.cache,
        "SAMBANG_VAR_DIR": str(tmp),
        # The throttle stays on (its cache round trip is part of each request), at a rate the load never hits.
        "SAMBANG_API_RATE_USER": "100000000/minute",
    }
    os.environ.update(env)
    sys.path.insert(0, str(tmp))

    postgres_create(args.database)
    stack.callback(postgres_drop, args.database)
    started = time.monotonic()
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    token = populate(args.visits)
    # What autovacuum does on a live database soon after a bulk load: planner statistics (without them
    # PostgreSQL plans the page's joins for 10 visits and sorts all 10,000) and the visibility map (the
    # pagination's COUNT then reads the (host, start) index only).
    from django.db import connection as django_connection

    with django_connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"setup: migrated and {args.visits} visits created in {time.monotonic() - started:.0f} s")

    # The bare view's payload: the visit list's own first page, fetched through Django in this process.
    from django.test import Client

    page = Client(HTTP_AUTHORIZATION=f"Token {token}").get(
        "/api/v1/visits/", {"page_size": 50}, HTTP_HOST="127.0.0.1"
    )
    body = page.json()
    if page.status_code != 200 or body["count"] != args.visits or len(body["results"]) != 50:
        raise RuntimeError(f"the visit list answered {page.status_code}: {page.content[:300]!r}")
    (tmp / "payload.json").write_bytes(page.content)
    from django.db import connections

    connections.close_all()

    port = free_port()
    log = open(tmp / "gunicorn.log", "wb")  # noqa: SIM115 - closed by the exit stack
    stack.callback(log.close)
    command = [
        str(VENV_BIN / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        # Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads the connections
        # over them. Without it the first worker to accept may take most of wrk's 8 keep-alive connections:
        # the bare view measured ≈ 700 req/s (one worker busy) in some rounds and ≈ 2,000 (both) in others.
        "--reuse-port",
        # gunicorn 27's control socket defaults to one path per user: another instance would remove it.
        "--no-control-socket",
    ]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )

    def stop():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()

    stack.callback(stop)
    base = f"http://127.0.0.1:{port}"
    wait_ready(base)
    # "visit list" asks for the same page again and again, as a polling integration does: with CACHE_URL
    # set, the page cache (visits.api_cache) serves it after the first time. "list, new page" makes every
    # request's URL unique, so each one misses that cache and reads and renders its rows.
    targets = {
        "visit list": (f"{base}/api/v1/visits/?page_size=50", token, False),
        "list, new page": (f"{base}/api/v1/visits/?page_size=50", token, True),
        "bare view": (f"{base}/bench/bare/", None, False),
    }
    for name, (url, key, fresh) in targets.items():
        status, content = get(url, key)
        if status != 200:
            raise RuntimeError(f"{name} answered {status}: {content[:300]!r}")
        print(f"{name}: {url.removeprefix(base)} answers {len(content):,} bytes")
        load(url, key, args, args.warmup, fresh)

    print(
        f"load: {'wrk' if use_wrk else 'Python client'}, {args.connections} connections, "
        f"{args.client_threads} client threads; gunicorn {args.workers} {args.worker_class} workers"
        + (f" × {args.threads} threads" if args.worker_class == "gthread" else "")
        + f"; {args.rounds} × {args.duration} s per target, alternating"
    )
    results: dict[str, list[dict]] = {name: [] for name in targets}
    for round_number in range(1, args.rounds + 1):
        for name, (url, key, fresh) in targets.items():
            before = cpu_seconds(server.pid)
            figures = load(url, key, args, args.duration, fresh)
            after = cpu_seconds(server.pid)
            requests = figures["rps"] * args.duration
            used = cpu_used(before, after)
            figures["cpu_ms"] = {k: v * 1000 / requests for k, v in used.items()} if requests else {}
            results[name].append(figures)
            print(
                f"  round {round_number} {name:14s}: {figures['rps']:8.1f} req/s  p50 {figures['p50_ms']:7.1f} ms  "
                f"p99 {figures['p99_ms']:7.1f} ms  non-200 {figures['bad']}"
                + (f"  socket errors: {figures['socket_errors']}" if figures["socket_errors"] else "")
            )
    summary = {
        name: {key: statistics.mean(f[key] for f in rows) for key in ("rps", "p50_ms", "p99_ms")}
        for name, rows in results.items()
    }
    for name, figures in summary.items():
        print(
            f"{name:14s}: {figures['rps']:8.1f} requests/s, p99 {figures['p99_ms']:.1f} ms (mean of rounds)"
        )
    print("CPU per request, ms (mean of rounds; the machine's cores are shared by all of these):")
    for name, rows in results.items():
        parts = [k for k in rows[0]["cpu_ms"]]
        cpu = {k: statistics.mean(f["cpu_ms"][k] for f in rows) for k in parts}
        print(
            f"  {name:14s}: "
            + ", ".join(f"{k} {v:.2f}" for k, v in cpu.items())
            + f"; all {sum(cpu.values()):.2f}"
        )
    ratio = summary["visit list"]["rps"] / summary["bare view"]["rps"]
    verdict = "meets" if ratio >= 0.5 else "MISSES"
    print(
        f"ratio: the visit list serves {ratio:.0%} of the bare view's requests/s ({verdict} the target of ≥ 50 %)"
    )
    fresh_ratio = summary["list, new page"]["rps"] / summary["bare view"]["rps"]
    print(f"       a new page on every request (no page cache): {fresh_ratio:.0%} of the bare view's")
    failures = sum(f["bad"] for rows in results.values() for f in rows)
    if failures:
        print(f"{failures} answers were not 200: see {tmp / 'gunicorn.log'}")
        return 1
    return 0 if ratio >= 0.5 else 2


def main() -> int:
    args = parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sambang-bench-api-"))
    with contextlib.ExitStack() as stack:
        if not args.keep:
            stack.callback(shutil.rmtree, tmp, True)
        else:
            print(f"keeping {tmp}")
        return run(args, tmp, stack)


if __name__ == "__main__":
    sys.exit(main())
