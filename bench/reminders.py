"""Benchmark: many reminders due at once, sent by one Celery worker with 2 processes to a loopback SMTP server.

The issue asks: "10,000 reminders due at once, 2 worker processes, loopback SMTP: all delivered once, none
lost; print messages per second (target ≥ 100/s) and the workers' peak memory."

What it does, all on loopback and under a fresh temporary directory (``SAMBANG_VAR_DIR``):

1. migrates a fresh database (``manage.py migrate``): SQLite in the temporary directory by default, or the
   PostgreSQL database named by ``--database``, which this script creates and drops;
2. creates ``ceil(N / 100)`` scheduled visits of 100 recipients each (a delegation's leader and members,
   with the factories of ``tests/factories.py``) starting two hours from now, and marks every recipient's
   invitation *sent* (``Message`` rows of kind invite), so that exactly one reminder (120 minutes) is due
   per recipient;
3. starts an aiosmtpd server on 127.0.0.1 in this process that counts the messages per recipient, and one
   ``celery --app celery_app worker --pool=prefork --concurrency=2`` in its own process group;
4. calls ``reminders_queue_due()``, which creates the reminder rows and queues one ``visits.send_message``
   task per row when each visit's transaction commits, and waits (bounded) until every reminder row says
   *sent*;
5. prints the queueing time, the messages per second, what the SMTP server received (exactly once, lost,
   duplicated), each worker process's peak memory and CPU time, and the task run times from the worker log.

Peak memory is VmHWM ("high water mark" of the resident set) from ``/proc/<pid>/status`` and CPU time is
read from ``/proc/<pid>/stat``: Linux only, no extra dependency.

Run from the project root::

    .venv/bin/python bench/reminders.py                      # 10,000 reminders, SQLite + SQLite broker
    .venv/bin/python bench/reminders.py --reminders 1000
    .venv/bin/python bench/reminders.py --broker redis://127.0.0.1:6379/14 \\
        --database postgres://postgres@127.0.0.1:5432/sambang_bench

Exit status: 0 when every reminder was delivered exactly once at ≥ 100 messages/s; 1 when a message was
lost, duplicated or not sent, the worker died, or the wait timed out; 2 when all were delivered exactly
once but below 100 messages/s; 130 when interrupted (Ctrl-C), after cleaning up.
"""

import argparse
import collections
import contextlib
import dataclasses
import datetime as dt
import logging
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_PER_SECOND = 100
RECIPIENTS_PER_VISIT = 100
REMINDER_MINUTES = 120
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TASK_SUCCEEDED = re.compile(r"Task visits\.send_message\[[^\]]+\] succeeded in ([0-9.]+)s")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time N reminders due at once through one Celery worker (2 processes) and loopback SMTP."
    )
    parser.add_argument("--reminders", type=int, default=10_000, help="how many reminders (default 10000)")
    parser.add_argument(
        "--broker",
        help="Celery broker URL, e.g. redis://127.0.0.1:6379/14 (a database used by nothing else: its "
        "default queue is purged). Default: the embedded SQLite broker in the temporary directory.",
    )
    parser.add_argument(
        "--database",
        help="PostgreSQL URL of a database that does not exist yet; it is created, migrated and dropped. "
        "Default: a fresh SQLite file in the temporary directory.",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        help="seconds to wait for every reminder to be sent (default: 10 × the time at 100/s, at least 300)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=2,
        help="worker pool processes (default 2, as the issue asks; change it only to compare)",
    )
    parser.add_argument(
        "--settings",
        default="config.settings.base",
        help="DJANGO_SETTINGS_MODULE for this process, migrate and the worker (default config.settings.base)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (database, broker, worker log)"
    )
    args = parser.parse_args()
    if args.reminders < 1:
        parser.error("--reminders must be at least 1")
    if args.database and not args.database.startswith(("postgres://", "postgresql://")):
        parser.error("--database takes a postgres:// URL (the default is SQLite)")
    if args.timeout is None:
        args.timeout = max(300.0, 10 * args.reminders / TARGET_PER_SECOND)
    return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- processes, read from /proc (Linux) -------------------------------------------------------------------


def proc_status_kb(pid: int, key: str) -> int | None:
    """A ``kB`` value (VmHWM, VmRSS) of ``/proc/<pid>/status``, or None once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def proc_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of ``pid`` (``/proc/<pid>/stat`` fields 14 and 15), or None once gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def proc_children(pid: int) -> list[int]:
    """Direct children of ``pid``, found by scanning ``/proc/*/stat`` for their parent id."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return sorted(children)


def machine_cpu_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot, from the first line of ``/proc/stat``."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def cpu_ticks_by_process() -> dict[int, tuple[str, int]]:
    """Every process's name and user + system clock ticks so far (``/proc/*/stat`` fields 14 and 15).

    For PostgreSQL the ticks of ended children (fields 16 and 17) are added: a backend that lives for one
    task has ended before the second snapshot, and its time shows up in the postmaster that reaped it.
    (Not for other processes: a shell reaping a long test run would count all of that run's time.)"""
    ticks = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, rest = (entry / "stat").read_text().rsplit(")", 1)
        except (FileNotFoundError, ProcessLookupError):
            continue
        name, fields = head.split("(", 1)[1], rest.split()
        used = fields[11:15] if name == "postgres" else fields[11:13]
        ticks[int(entry.name)] = (name, sum(int(value) for value in used))
    return ticks


def other_cpu_seconds(
    before: dict[int, tuple[str, int]], after: dict[int, tuple[str, int]], *, exclude: set[int]
) -> list[tuple[str, float]]:
    """CPU seconds used between two snapshots by processes not in ``exclude``, summed per name, largest
    first. Processes that ended in between are not counted, except PostgreSQL backends."""
    used: collections.Counter[str] = collections.Counter()
    for pid, (name, ticks) in after.items():
        if pid not in exclude:
            used[name] += (ticks - before.get(pid, (name, 0))[1]) / CLOCK_TICKS
    return [(name, seconds) for name, seconds in used.most_common() if seconds >= 0.05]


@dataclasses.dataclass
class WorkerSample:
    """What was seen of the worker's processes: peak VmHWM per pid (kB) and CPU seconds at two moments."""

    parent: int
    peak_kb: dict[int, int] = dataclasses.field(default_factory=dict)
    cpu_start: dict[int, float] = dataclasses.field(default_factory=dict)
    cpu_end: dict[int, float] = dataclasses.field(default_factory=dict)

    def pids(self) -> list[int]:
        return [self.parent, *proc_children(self.parent)]

    def sample(self) -> None:
        for pid in self.pids():
            hwm = proc_status_kb(pid, "VmHWM")
            if hwm is not None:
                self.peak_kb[pid] = max(hwm, self.peak_kb.get(pid, 0))

    def cpu(self) -> dict[int, float]:
        return {pid: seconds for pid in self.pids() if (seconds := proc_cpu_seconds(pid)) is not None}


# --- the loopback SMTP server -----------------------------------------------------------------------------


class CountingHandler:
    """aiosmtpd handler that accepts every message and counts it per envelope recipient (lower-cased)."""

    def __init__(self) -> None:
        self.per_recipient: collections.Counter[str] = collections.Counter()
        self.messages = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages += 1
        self.bytes += len(envelope.original_content or envelope.content or b"")
        for address in envelope.rcpt_tos:
            self.per_recipient[address.lower()] += 1
        return "250 OK"


# --- the database -----------------------------------------------------------------------------------------


def postgres_create(url: str) -> None:
    """Create the (new) database named in ``url``; refuse to touch one that exists."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    db = dj_database_url.parse(url)
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
            sys.exit(
                f"PostgreSQL database {db['NAME']!r} already exists; this benchmark creates and drops its own. "
                f"Drop it (dropdb -h {db['HOST']} -U {db['USER']} {db['NAME']}) or name another one."
            )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))


def postgres_drop(url: str) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    db = dj_database_url.parse(url)
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db["NAME"])))


def create_visits(*, reminders: int) -> tuple[int, int]:
    """Scheduled visits starting two hours from now, every recipient's invitation marked sent.

    ``ceil(reminders / 100)`` visits of 100 recipients each (the last one gets the rest): the delegation's
    leader and members, each with an address of their own, in WITA while the host is in WIB (so the
    e-mail shows both times). Invitations are ``Message`` rows of kind invite with status sent, built from
    ``selectors.invitation_recipients``. Returns (visits, recipients).
    """
    from django.db import transaction
    from django.utils import timezone

    from delegations.models import Member
    from tests.factories import (
        AgendaItemFactory,
        DelegationFactory,
        InstitutionFactory,
        MemberFactory,
        RegionFactory,
        VenueFactory,
        VisitFactory,
    )
    from visits.enums import MessageKind, MessageStatus, VisitStatus
    from visits.models import Message
    from visits.selectors import invitation_recipients

    message_fields = {field.name for field in Message._meta.get_fields()}
    # Whole seconds, so that start − 120 minutes is already past when reminders_queue_due runs.
    start = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=REMINDER_MINUTES)
    visits = math.ceil(reminders / RECIPIENTS_PER_VISIT)
    recipients = 0
    with transaction.atomic():
        host = InstitutionFactory(
            name="Pemerintah Kota Malang (bench)",
            region=RegionFactory(code="35.73", name="Kota Malang", timezone="Asia/Jakarta"),
            organizer_email="protokol@malangkota.example.go.id",
        )
        guest = InstitutionFactory(
            name="Pemerintah Kabupaten Buleleng (bench)",
            region=RegionFactory(code="51.08", name="Kabupaten Buleleng", timezone="Asia/Makassar"),
        )
        venue = VenueFactory(institution=host, name="Ruang Rapat Paripurna")
        for number in range(visits):
            people = min(RECIPIENTS_PER_VISIT, reminders - number * RECIPIENTS_PER_VISIT)
            delegation = DelegationFactory(
                institution=guest, size=people, leader_email=f"ketua-{number:04d}@bulelengkab.example.go.id"
            )
            Member.objects.bulk_create(
                MemberFactory.build(
                    delegation=delegation,
                    email=f"anggota-{number:04d}-{index:03d}@bulelengkab.example.go.id",
                    order=index,
                )
                for index in range(1, people)
            )
            visit = VisitFactory(
                host=host,
                delegation=delegation,
                venue=venue,
                start=start,
                end=start + dt.timedelta(hours=3),
                status=VisitStatus.SCHEDULED,
                invitations_sent_at=start - dt.timedelta(days=14),
            )
            AgendaItemFactory(visit=visit, start=start, end=start + dt.timedelta(minutes=30))
            AgendaItemFactory(
                visit=visit, start=start + dt.timedelta(minutes=30), end=start + dt.timedelta(minutes=150)
            )
            invited = invitation_recipients(visit=visit)
            assert len(invited) == people, (len(invited), people)
            Message.objects.bulk_create(
                Message(
                    visit=visit,
                    kind=MessageKind.INVITE,
                    sequence=visit.sequence,
                    status=MessageStatus.SENT,
                    attempts=1,
                    sent_at=visit.invitations_sent_at,
                    # Every Recipient field that the outbox row stores (recipient_name, _email, …).
                    **{
                        f"recipient_{key}": value
                        for key, value in dataclasses.asdict(person).items()
                        if f"recipient_{key}" in message_fields
                    },
                )
                for person in invited
            )
            recipients += people
    return visits, recipients


# --- the worker -------------------------------------------------------------------------------------------


def worker_start(
    *, env: dict[str, str], log_path: Path, concurrency: int, ready_timeout: float = 90
) -> subprocess.Popen:
    """Start one Celery worker with ``concurrency`` prefork processes in its own process group; wait until
    it is ready (its log says so)."""
    command = [
        str(Path(sys.executable).parent / "celery"),
        "--app",
        "celery_app",
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "--loglevel=INFO",
        f"--hostname=bench-{os.getpid()}@%h",
    ]
    print("worker:   ", " ".join(command), flush=True)
    log = log_path.open("wb")
    worker = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited with status {worker.returncode}:\n{tail(log_path)}")
        if " ready." in log_path.read_text(errors="replace"):
            return worker
        time.sleep(0.2)
    raise RuntimeError(f"the worker was not ready after {ready_timeout:.0f} s:\n{tail(log_path)}")


def worker_stop(worker: subprocess.Popen, *, grace: float = 30) -> None:
    """Warm shutdown (SIGTERM to the main process), then SIGKILL whatever is left of its process group."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(worker.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.wait(timeout=10)


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def task_runtimes(log_path: Path) -> list[float]:
    """Run times of the ``visits.send_message`` tasks that succeeded, from the worker's INFO log."""
    return [float(m.group(1)) for m in TASK_SUCCEEDED.finditer(log_path.read_text(errors="replace"))]


# --- the benchmark ----------------------------------------------------------------------------------------


def postgres_sessions() -> int | None:
    """Sessions ever opened on this PostgreSQL database (``pg_stat_database.sessions``), None on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def reminder_counts() -> dict[str, int]:
    from django.db.models import Count

    from visits.enums import MessageKind
    from visits.models import Message

    rows = Message.objects.filter(kind=MessageKind.REMINDER).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows.order_by()}


def run(args: argparse.Namespace, var_dir: Path, stack: contextlib.ExitStack) -> int:
    smtp_port = free_port()
    os.environ.update(
        DJANGO_SETTINGS_MODULE=args.settings,
        SAMBANG_VAR_DIR=str(var_dir),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
    )
    # Nothing inherited may redirect the mail, the database or the broker elsewhere.
    for name in ("EMAIL_BACKEND", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "EMAIL_USE_SSL"):
        os.environ.pop(name, None)
    for name, value in (("DATABASE_URL", args.database), ("CELERY_BROKER_URL", args.broker)):
        if value:
            os.environ[name] = value
        else:
            os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))

    if args.database:
        postgres_create(args.database)
        stack.callback(postgres_drop, args.database)

    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=os.environ, check=True
    )
    migrate_seconds = time.perf_counter() - started

    import django

    django.setup()
    # aiosmtpd logs every SMTP command at INFO; the root logger of the settings would print them all.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.db import connection, connections

    from celery_app import app
    from visits.enums import MessageKind, MessageStatus
    from visits.models import Message
    from visits.services import reminders_queue_due

    print(f"database:  {connection.vendor} {settings.DATABASES['default']['NAME']}")
    print(f"broker:    {app.conf.broker_url}")
    print(f"smtp:      aiosmtpd on 127.0.0.1:{smtp_port} (in this process)")
    print(f"data dir:  {var_dir}")
    print(f"migrate:   {migrate_seconds:.1f} s")

    stack.callback(connections.close_all)  # before the PostgreSQL database is dropped
    purged = app.control.purge()
    if purged:
        print(f"broker:    purged {purged} task(s) left in the queue by an earlier run")

    def purge_quietly() -> None:
        with contextlib.suppress(Exception):  # cleanup only: a broker that went away has nothing to purge
            app.control.purge()

    stack.callback(purge_quietly)

    started = time.perf_counter()
    visits, recipients = create_visits(reminders=args.reminders)
    print(
        f"setup:     {visits} visit(s), {recipients} recipients with invitations marked sent, "
        f"start in {REMINDER_MINUTES} minutes ({time.perf_counter() - started:.1f} s)"
    )

    handler = CountingHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    smtp.start()

    def smtp_stop() -> None:
        if smtp._thread is not None:  # stop() refuses to run twice
            smtp.stop()

    stack.callback(smtp_stop)

    log_path = var_dir / "worker.log"
    worker = worker_start(env=dict(os.environ), log_path=log_path, concurrency=args.concurrency)
    stack.callback(worker_stop, worker)
    watch = WorkerSample(parent=worker.pid)
    watch.sample()
    watch.cpu_start = watch.cpu()
    print(f"worker:    ready, main pid {worker.pid}, pool pids {proc_children(worker.pid)}", flush=True)

    # The measured part: from the call to reminders_queue_due until every reminder row says sent.
    own_cpu_start = time.process_time()
    machine_start = machine_cpu_ticks()
    processes_start = cpu_ticks_by_process()
    sessions_start = postgres_sessions()
    t0 = time.perf_counter()
    created = reminders_queue_due()
    queued_seconds = time.perf_counter() - t0
    print(
        f"queueing:  reminders_queue_due() created {created} reminders and queued their tasks "
        f"in {queued_seconds:.2f} s ({created / queued_seconds:.0f}/s)",
        flush=True,
    )
    if created != recipients:
        print(f"FAIL: expected {recipients} reminders to be due, reminders_queue_due created {created}")
        return 1

    timed_out = died = gave_up = False
    last_report = t0
    counts: dict[str, int] = {}
    while True:
        counts = reminder_counts()
        now = time.perf_counter()
        if counts.get("sent", 0) >= created:
            break
        watch.sample()
        if counts.get("failed", 0) or counts.get("cancelled", 0):
            # A row that will never say sent: the run cannot succeed, so stop instead of waiting it out.
            gave_up = True
            break
        if worker.poll() is not None:
            died = True
            break
        if now - t0 > args.timeout:
            timed_out = True
            break
        if now - last_report >= 15:
            sent = counts.get("sent", 0)
            print(f"  … {sent}/{created} sent after {now - t0:.0f} s ({sent / (now - t0):.1f}/s)", flush=True)
            last_report = now
        time.sleep(0.2)
    elapsed = time.perf_counter() - t0
    own_cpu = time.process_time() - own_cpu_start
    machine_end = machine_cpu_ticks()
    processes_end = cpu_ticks_by_process()
    watch.sample()
    watch.cpu_end = watch.cpu()

    # Let anything still in flight (a redelivered task) reach the SMTP server before counting.
    time.sleep(2)
    worker_stop(worker)
    smtp_stop()
    time.sleep(0.6)  # PostgreSQL publishes a backend's statistics up to 0.5 s after it ends
    sessions_end = postgres_sessions()

    sent = counts.get("sent", 0)
    rate = sent / elapsed
    expected = {
        address.lower()
        for address in Message.objects.filter(kind=MessageKind.REMINDER).values_list(
            "recipient_email", flat=True
        )
    }
    received = handler.per_recipient
    once = sum(1 for address in expected if received[address] == 1)
    lost = sorted(address for address in expected if received[address] == 0)
    duplicated = {address: n for address, n in received.items() if address in expected and n > 1}
    unexpected = {address: n for address, n in received.items() if address not in expected}
    retried = Message.objects.filter(kind=MessageKind.REMINDER, attempts__gt=1).count()

    print()
    print(f"reminders: {created}")
    if timed_out:
        print(f"TIMEOUT:   only {sent}/{created} sent after {elapsed:.1f} s (--timeout {args.timeout:.0f})")
    if died:
        print(f"WORKER DIED with status {worker.returncode} after {elapsed:.1f} s:\n{tail(log_path)}")
    if gave_up:
        bad = Message.objects.filter(
            kind=MessageKind.REMINDER, status__in=[MessageStatus.FAILED, MessageStatus.CANCELLED]
        ).first()
        print(
            f"GAVE UP:   a reminder row says {bad.status} after {elapsed:.1f} s: {bad.last_error[:500]!r}\n"
            f"           worker log:\n{tail(log_path, 15)}"
        )
    print(f"seconds:   {elapsed:.2f} (from the call to reminders_queue_due until the last row said sent)")
    verdict = "met" if rate >= TARGET_PER_SECOND else "NOT MET"
    so_far = " so far" if timed_out or died or gave_up else ""
    print(f"rate:      {rate:.1f} messages/s{so_far} (target ≥ {TARGET_PER_SECOND}/s: {verdict})")
    print(
        "rows:      "
        + ", ".join(
            f"{status} {counts.get(status, 0)}" for status in ("sent", "queued", "failed", "cancelled")
        )
        + f"; {retried} needed more than one attempt"
    )
    # Cut short, the missing ones were not lost, just not sent yet.
    missing = "not received (the run was cut short)" if timed_out or died or gave_up else "lost"
    size = handler.bytes / handler.messages / 1024 if handler.messages else 0
    print(
        f"smtp:      {handler.messages} messages ({size:.1f} KiB each); {once}/{len(expected)} recipients "
        f"got exactly one, {len(lost)} {missing}, {len(duplicated)} duplicated, {len(unexpected)} unexpected"
    )
    for label, items in (("missing", lost[:5]), ("duplicated", list(duplicated.items())[:5])):
        if items:
            print(f"           first {label}: {items}")
    print("memory:    peak RSS (VmHWM from /proc/<pid>/status, Linux):")
    for pid, kb in watch.peak_kb.items():
        role = "main (consumer)" if pid == watch.parent else "pool process"
        print(f"             pid {pid:>7} {role:<16} {kb / 1024:7.1f} MB")
    print(f"             total {sum(watch.peak_kb.values()) / 1024:.1f} MB")
    print("cpu:       user+system seconds during the measured run (/proc/<pid>/stat):")
    for pid, end in watch.cpu_end.items():
        used = end - watch.cpu_start.get(pid, 0.0)
        role = "main (consumer)" if pid == watch.parent else "pool process"
        print(f"             pid {pid:>7} {role:<16} {used:7.1f} s  ({100 * used / elapsed:.0f}% of one CPU)")
    print(f"             this process (queueing, SMTP server, polling) {own_cpu:.1f} s")
    busy_ticks, total_ticks = (end - start for end, start in zip(machine_end, machine_start, strict=True))
    print(
        f"             whole machine: {os.cpu_count()} CPUs, {100 * busy_ticks / max(total_ticks, 1):.0f}% busy "
        "(/proc/stat; includes the database and broker servers)"
    )
    others = other_cpu_seconds(
        processes_start, processes_end, exclude={os.getpid(), *watch.cpu_end, *watch.cpu_start}
    )
    if others:
        print(
            "             other processes (database, broker, anything else running): "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in others[:6])
        )
    if sessions_start is not None and sessions_end is not None:
        opened = sessions_end - sessions_start
        print(
            f"postgres:  {opened} sessions (connections) opened during the run, "
            f"{opened / max(created, 1):.2f} per reminder (pg_stat_database)"
        )
    runtimes = task_runtimes(log_path)
    if runtimes:
        runtimes.sort()
        p95 = runtimes[min(len(runtimes) - 1, int(0.95 * len(runtimes)))]
        busy = sum(runtimes) / (args.concurrency * elapsed)
        print(
            f"tasks:     {len(runtimes)} succeeded (worker log); run time mean {statistics.mean(runtimes) * 1000:.1f} ms, "
            f"median {statistics.median(runtimes) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
            f"max {runtimes[-1] * 1000:.1f} ms; the {args.concurrency} pool processes were busy {100 * busy:.0f}% of the time"
        )
    print(f"worker log: {log_path}" + ("" if args.keep else " (deleted at exit; --keep keeps it)"))

    if timed_out or died or gave_up or lost or duplicated or unexpected or sent != created:
        print("RESULT:    FAIL")
        return 1
    if rate < TARGET_PER_SECOND:
        print(f"RESULT:    every reminder delivered exactly once, but below {TARGET_PER_SECOND}/s")
        return 2
    print("RESULT:    ok")
    return 0


def main() -> int:
    args = parse_args()
    os.chdir(ROOT)
    var_dir = Path(tempfile.mkdtemp(prefix="sambang-bench-"))
    status = 1
    try:
        with contextlib.ExitStack() as stack:
            status = run(args, var_dir, stack)
    except KeyboardInterrupt:
        print("interrupted: the worker, the SMTP server and the benchmark database were cleaned up")
        status = 130
    finally:
        if args.keep:
            print(f"kept:      {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
