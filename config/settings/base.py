"""Settings shared by every environment, read from environment variables.

The embedded default needs no server: SQLite under ``var/``, a SQLite-backed Celery broker and
sent mail written as ``.eml`` files under ``var/mail/``. Every variable read here is listed in the README.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("SAMBANG_VAR_DIR", BASE_DIR / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" are true, case-insensitive)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated environment variable into a list of non-empty, stripped items."""
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Development key for the embedded default only; production.py refuses to start without SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-sambang-development-only")  # noqa: S105
DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # API tokens stored as digests, with expiry (config.api_tokens; ``manage.py api_token``).
    "knox",
    # Who changed what and when in visits, delegations, messages and reports (config.audit).
    "auditlog",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "visits",
    "delegations",
    "reports",
    "news",
    "recaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: the audit log's actor is the signed-in (or API-authenticated) user.
    "config.audit.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a login refused for a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite in WAL mode with IMMEDIATE transactions: the web app, the worker and beat write the same file,
# and an IMMEDIATE transaction takes the write lock at BEGIN, so check-then-write services are serialized.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sambang.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username+IP before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "visits:list"
LOGOUT_REDIRECT_URL = "login"

# The interface speaks Indonesian by default; English is one click away.
LANGUAGE_CODE = "id"
# Each language is named in itself, so a reader finds their own in the switcher.
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("SAMBANG_TIME_ZONE", "Asia/Jakarta")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("SAMBANG_MEDIA_ROOT", VAR_DIR / "media"))

# Request bodies (bytes). API and form bodies are a few kilobytes; anything past this limit that is not a
# file answers 413 (config.urls.bad_request). Files are not counted against it: they go to memory up to
# FILE_UPLOAD_MAX_MEMORY_SIZE and to a temporary file beyond, so the front web server's body limit
# (README, Deploy) is what bounds an upload.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Content-Security-Policy on every response (django-csp): only the app's own scripts, styles and frames, so
# no inline script or handler runs (templates use data attributes read by static/js/sambang.js). The API
# docs page relaxes it for itself (config.urls).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "style-src": [SELF],
        "script-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Failed logins (staff pages and admin) through django-axes: the 5th failure for one username from one IP
# address locks that pair out for 15 minutes (HTTP 429 with the login page saying so); a successful login
# clears the count. Attempts are kept in the database, so every web process sees the same count. The
# address is REMOTE_ADDR: behind a reverse proxy every client shares the proxy's address, so the lock is
# effectively per username.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/login.html"

# The cache holds the API's throttle counts and the visit list's pages. Empty: one in-memory cache per process
# (each gunicorn worker counts on its own; no pages kept); a redis:// URL shares them between all processes.
CACHE_URL = os.environ.get("CACHE_URL", "")
if not CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    # Django's Redis backend, keeping one client per server (config/cache.py).
    CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": CACHE_URL}}
else:
    raise ImproperlyConfigured("CACHE_URL must be empty or a redis://, rediss:// or unix:// URL.")


def _shared_cache_seconds(name: str, why: str) -> int:
    """The setting ``name`` in seconds: 60 by default with CACHE_URL, 0 (off) without. Refused above 0
    without CACHE_URL: what it keeps must be dropped by every process's writes (``why``)."""
    seconds = int(os.environ.get(name, "60" if CACHE_URL else "0"))
    if seconds > 0 and not CACHE_URL:
        raise ImproperlyConfigured(f"{name} needs CACHE_URL (a redis:// URL): without a shared cache, {why}.")
    return seconds


# The API's visit list keeps rendered pages this many seconds (visits.api_cache), unless a write changes what
# they show first.
SAMBANG_API_LIST_CACHE_SECONDS = _shared_cache_seconds(
    "SAMBANG_API_LIST_CACHE_SECONDS",
    "a change made by the worker or another process would not reach the pages this process keeps",
)
# The API remembers a token that passed this many seconds (config.api_tokens), unless a change of tokens,
# users, groups or host memberships commits first.
SAMBANG_API_AUTH_CACHE_SECONDS = _shared_cache_seconds(
    "SAMBANG_API_AUTH_CACHE_SECONDS",
    "a token revoked by manage.py or another process would stay accepted by this process",
)

# Mail: SMTP when EMAIL_HOST is set, otherwise one .eml file per message under var/mail/.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_FILE_PATH = Path(os.environ.get("SAMBANG_MAIL_DIR", VAR_DIR / "mail"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "config.mail.EmlFileBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sambang@localhost")
# Domain used in iCalendar UIDs and Message-IDs; it should be a domain the host controls.
SAMBANG_DOMAIN = os.environ.get("SAMBANG_DOMAIN", "sambang.local")

# Celery: a SQLite-backed broker by default (kombu's SQLAlchemy transport, polling every 50 ms: see
# celery_app.py); Redis or RabbitMQ in production.
CELERY_BROKER_URL = os.environ.get(
    "CELERY_BROKER_URL", f"sqlite-broker+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
# Celery's Django fixup closes the database connection after every task unless told to reuse it; a new
# PostgreSQL connection per e-mail halved the reminder throughput (bench/reminders.py).
CELERY_DB_REUSE_MAX = int(os.environ.get("CELERY_DB_REUSE_MAX", "1000"))
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "visits-queue-due-reminders": {
        "task": "visits.queue_due_reminders",
        "schedule": 60,
    },
    "visits-requeue-stale-messages": {
        "task": "visits.requeue_stale_messages",
        "schedule": 10 * 60,
    },
}

REST_FRAMEWORK = {
    # Token first: an unauthenticated API call gets 401 with a WWW-Authenticate challenge, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api_tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["visits.permissions.IsProtocolStaff"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every error answers {"detail": "…"} (plus "errors" for invalid fields): config.api_errors.
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    # DRF's parsers, with JSON nested too deeply answered 400 (config.api_parsers).
    "DEFAULT_PARSER_CLASSES": [
        "config.api_parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "config.api_errors.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Requests per signed-in user, and per IP address for anonymous ones (the schema and docs; every other
    # endpoint answers 401 before it counts); over the rate: 429 with Retry-After. Counted in CACHES.
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttling.AnonRateThrottle",
        "config.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("SAMBANG_API_RATE_ANON", "30/minute"),
        "user": os.environ.get("SAMBANG_API_RATE_USER", "300/minute"),
    },
    # An anonymous client is told apart by REMOTE_ADDR, never by an X-Forwarded-For it could write itself.
    "NUM_PROXIES": 0,
}
# API tokens (django-rest-knox): only a SHA-512 digest of each token is stored; a token made with
# ``manage.py api_token create`` lives 90 days unless told otherwise; deleting it revokes it.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=90),
    "AUTH_HEADER_PREFIX": "Token",
}
# Audit log (django-auditlog): the models and the fields left out are registered in config.audit; the
# client address is REMOTE_ADDR only (config.audit.AuditlogMiddleware), never an X-Forwarded-For.

SPECTACULAR_SETTINGS = {
    "TITLE": "Sambang API",
    "DESCRIPTION": "Visits, delegations, invitations and reports of a host's protocol office.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The one error shape, documented on every operation (config.api_errors).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_errors.postprocess_schema_errors",
    ],
    # Stable names for the choice sets that share a field name ("kind", "status") across models.
    "ENUM_NAME_OVERRIDES": {
        "VisitKindEnum": "visits.enums.VisitKind",
        "VisitStatusEnum": "visits.enums.VisitStatus",
        "AgendaKindEnum": "visits.enums.AgendaKind",
        "FollowUpStatusEnum": "reports.models.FollowUpStatus",
        "AttendanceKindEnum": "reports.models.AttendanceKind",
        "MessageKindEnum": "visits.enums.MessageKind",
        "MessageStatusEnum": "visits.enums.MessageStatus",
        "RegionKindEnum": "visits.enums.RegionKind",
        "InstitutionKindEnum": "visits.enums.InstitutionKind",
        "VenueKindEnum": "visits.enums.VenueKind",
        "FeedKindEnum": "visits.enums.FeedKind",
        "NewsStatusEnum": "news.models.NewsStatus",
        "NewsEventKindEnum": "news.models.NewsEventKind",
    },
}

# The first retry of a temporarily failed e-mail waits this many seconds, doubling each time (six retries).
SAMBANG_MESSAGE_RETRY_SECONDS = int(os.environ.get("SAMBANG_MESSAGE_RETRY_SECONDS", "30"))
# Minutes before the start at which the invite's VALARM fires.
SAMBANG_ALARM_MINUTES = int(os.environ.get("SAMBANG_ALARM_MINUTES", "120"))
# The outlet in a news draft's dateline ("Klojen (malangkota.go.id) – "); empty: the host's website, else
# the host's name.
SAMBANG_NEWS_OUTLET = os.environ.get("SAMBANG_NEWS_OUTLET", "")
# The largest photo upload accepted, in bytes (15 MiB: a phone's full-size JPEG with room to spare).
SAMBANG_PHOTO_MAX_BYTES = int(os.environ.get("SAMBANG_PHOTO_MAX_BYTES", str(15 * 1024 * 1024)))
# Seconds a report PDF may take to render before it is given up (reports.tasks; a 6-page report with 8
# photos takes about a second, see bench/report.py).
SAMBANG_PDF_TIME_LIMIT = float(os.environ.get("SAMBANG_PDF_TIME_LIMIT", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        # Django's default logging gives "django" a console handler of its own as well: every warning (a
        # refused request, with its traceback) was printed twice. One handler, the root's.
        "django": {"handlers": [], "level": os.environ.get("LOG_LEVEL", "WARNING"), "propagate": True},
    },
}
