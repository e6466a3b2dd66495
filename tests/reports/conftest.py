"""Fixtures of the report tests."""

import gc

import pytest


@pytest.fixture
def no_gc_callbacks():
    """Run without the garbage collector's callbacks (hypothesis, loaded by the schemathesis tests, adds
    one that times collections) while a render is stopped by its time limit.

    ``reports.pdf.render_deadline`` stops a render with an asynchronous exception. Delivered while a gc
    callback runs, CPython reports it as "unraisable" and drops it there; the render still fails as it
    should (the deadline raises again on exit), but pytest turns the report into an error. The list is
    emptied in place (the collector holds that very list) and refilled afterwards."""
    saved = list(gc.callbacks)
    gc.callbacks.clear()
    yield
    gc.callbacks.extend(saved)
