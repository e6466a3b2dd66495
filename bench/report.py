"""Benchmark: one visit's report PDF (the demo visit with 8 phone-size photos), rendered N times.

Run from the project root:  .venv/bin/python bench/report.py [--renders 10] [--photos 8]

It builds a throw-away SQLite database in a temporary folder, imports the demo visit, and adds --photos
photos through ``reports.services.photo_add`` (the upload pipeline: 4000 × 3000 noisy JPEGs, as a phone
takes them, stored at most 3000 px). A child process then renders the report --renders times with
``reports.pdf.report_pdf`` (what the render task does) and reports each time. Printed: pages, PDF size,
median and p95 render time, and the child's peak memory (its high-water RSS, VmHWM: C allocations of Pango, HarfBuzz and Pillow
included; ``getrusage(RUSAGE_CHILDREN)`` would report the parent's peak, inherited at fork), with the same
process's peak before the first render (Django and the imports).
Targets (issue #5): median ≤ 1.5 s, peak ≤ 300 MB.
"""

import argparse
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(var_dir: str) -> None:
    os.environ["SAMBANG_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


def phone_photo(seed: int) -> bytes:
    """A 4000 × 3000 JPEG of coloured noise (hard to compress, like a detailed phone photo), quality 90."""
    from PIL import Image

    channels = [Image.effect_noise((4000, 3000), 40 + 10 * ((seed + n) % 3)) for n in range(3)]
    buffer = io.BytesIO()
    Image.merge("RGB", channels).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def build(var_dir: str, photos: int) -> int:
    """Migrate, import the demo visit, add ``photos`` photos; returns the visit's id."""
    setup_django(var_dir)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from reports.services import photo_add
    from visits.importer import load_visit_file
    from visits.services import visit_import

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0)
    visit = visit_import(data=load_visit_file(ROOT / "demo" / "studi-komparasi-buleleng-malang.yaml")).visit
    for number in range(photos):
        data = phone_photo(number)
        upload = SimpleUploadedFile(f"IMG_{number:04}.jpg", data, content_type="image/jpeg")
        photo_add(visit=visit, upload=upload, caption=f"Dokumentasi kunjungan, foto {number + 1}")
    return visit.pk


def child(var_dir: str, visit_id: int, renders: int) -> None:
    """Render the report ``renders`` times; print one JSON line with the times, pages, size and RSS."""
    setup_django(var_dir)
    import pypdf

    from reports.pdf import report_pdf
    from reports.selectors import outcome_visit_detail

    before = peak_rss_kib()
    times = []
    for _ in range(renders):
        start = time.perf_counter()
        visit = outcome_visit_detail().get(pk=visit_id)
        pdf = report_pdf(visit=visit, language="id")
        times.append(time.perf_counter() - start)
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    result = {
        "times": times,
        "pages": pages,
        "bytes": len(pdf),
        "rss_before_kib": before,
        "peak_kib": peak_rss_kib(),
    }
    print(json.dumps(result))


def peak_rss_kib() -> int:
    """This process's peak resident memory in KiB: VmHWM (Linux; reset at exec, unlike ``ru_maxrss``, which
    a child inherits from the parent it was forked from), else ``getrusage``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=10)
    parser.add_argument("--photos", type=int, default=8)
    parser.add_argument("--child", nargs=2, metavar=("VAR_DIR", "VISIT_ID"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.renders)
        return
    var_dir = tempfile.mkdtemp(prefix="sambang-bench-report-")
    try:
        started = time.perf_counter()
        visit_id = build(var_dir, args.photos)
        print(f"setup: demo visit with {args.photos} photos in {time.perf_counter() - started:.1f} s")
        out = subprocess.run(
            [sys.executable, __file__, "--renders", str(args.renders), "--child", var_dir, str(visit_id)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        peak_mib = result["peak_kib"] / 1024
        times = sorted(result["times"])
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"report: {result['pages']} pages, {result['bytes'] / 1e6:.1f} MB, {args.renders} renders")
        print(
            f"render time: median {statistics.median(times):.2f} s, p95 {p95:.2f} s (first {result['times'][0]:.2f} s)"
        )
        print(
            f"peak memory (max RSS of the rendering process): {peak_mib:.0f} MiB "
            f"(before the first render: {result['rss_before_kib'] / 1024:.0f} MiB)"
        )
        print("targets: median ≤ 1.5 s, peak ≤ 300 MB")
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
