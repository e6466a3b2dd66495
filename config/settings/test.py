"""Settings for the test suite: the base settings with fast hashing and tasks run in the caller.

``DATABASE_URL`` and ``CELERY_BROKER_URL`` still apply, so ``.ci/run`` can point the same suite at
PostgreSQL and Redis. The round-trip tests switch eager mode off and use the real broker.
"""

import os
import tempfile
from pathlib import Path

# Tests never touch the var/ of a running instance.
os.environ["SAMBANG_VAR_DIR"] = tempfile.mkdtemp(prefix="sambang-test-")

from .base import *  # noqa: E402,F403
from .base import DATABASES, REST_FRAMEWORK, VAR_DIR  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(VAR_DIR) / "media"
LANGUAGE_CODE = "id"
# The suite makes many API calls as the same user within a minute; tests/test_security.py checks the
# throttle with a low rate of its own.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the worker round-trip test reads the test database from another thread.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(VAR_DIR) / "test.sqlite3")}
