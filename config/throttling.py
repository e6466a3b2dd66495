"""API throttles that count requests with one atomic counter per client and fixed window, in the cache.

DRF's own throttles keep each client's whole request history (a list of timestamps) in the cache, read it
and write it back on every request: with several gunicorn workers two requests read the same history and
one of them is lost, and the list grows with the rate, so a generous rate costs more per request. These
classes keep DRF's throttle interface (rates in ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, 429 with
``Retry-After``) and count instead: one integer per client and window, raised atomically.

- Windows are fixed and aligned to the clock (``"300/minute"``: at most 300 requests from 09:00:00 to
  09:00:59, 300 more from 09:01:00); a client may make up to twice the rate across a window's edge, as with
  any fixed-window counter. ``Retry-After`` is the whole seconds until the window ends.
- With Redis (``CACHE_URL``) a count is one round trip: ``SET key 0 EX period NX`` and ``INCR key`` in one
  pipeline (Django's ``cache.incr`` asks whether the key exists first: two more). Other caches (the embedded
  default's per-process memory) use ``cache.add`` and ``cache.incr``.
- A view may name cache keys it will read (``throttle_prefetch(request)``, as the visit list names its
  page): the count reads them in the same round trip and leaves them on the request
  (``request.cache_prefetched``: ``{key: value or None}``).

The rates are ``SAMBANG_API_RATE_USER`` and ``SAMBANG_API_RATE_ANON`` (config.settings.base).
"""

import logging
import math
import time

from django.core.cache import caches
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from config.cache import RedisCache
from config.versioned_cache import CACHE_ERRORS

logger = logging.getLogger(__name__)
RETRY_AFTER_UNAVAILABLE = 5  # seconds, for a 503 when the counter cannot be reached


class CounterUnavailable(exceptions.APIException):
    """503 with ``Retry-After``: the cache that counts requests (``CACHE_URL``) cannot be reached; the
    request did nothing."""

    status_code = 503
    default_detail = _(
        "The service is briefly unavailable (its request counter cannot be reached); try again shortly."
    )
    default_code = "counter_unavailable"

    def __init__(self):
        super().__init__()
        self.wait = RETRY_AFTER_UNAVAILABLE


PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"300/minute"`` → ``(300, 60)``: requests allowed and the window in seconds (DRF's rate format:
    ``s``, ``m``, ``h`` or ``d`` is all that counts of the period's name). Raises ``ValueError``."""
    count, period = rate.split("/")
    return int(count), PERIODS[period.strip()[0]]


def window_count(key: str, period: int, also: list[str] = ()) -> tuple[int, dict]:
    """Raise the counter ``key`` (which lives ``period`` seconds from its first request) and return it,
    with the cache entries ``also`` as ``{key: value or None}``.

    Side effect: one write to the default cache; one round trip with Redis (``config.cache.RedisCache``).
    """
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        return cache.count_and_get(key, period, list(also))
    found = cache.get_many(also) if also else {}
    found = {k: found.get(k) for k in also}
    if cache.add(key, 1, timeout=period):
        return 1, found
    try:
        return cache.incr(key), found
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        return 1, found


class _CountingThrottle(BaseThrottle):
    scope = ""
    rate: str | None = None  # a test may set one; otherwise DEFAULT_THROTTLE_RATES[scope]

    def __init__(self):
        self.retry_after: int | None = None

    def ident(self, request) -> str | None:
        """Whom to count ``request`` against, or ``None`` for a request this throttle lets through."""
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        """Count ``request``; ``False`` when it is over the rate in the current window (DRF answers 429)."""
        rate = self.rate or api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        ident = self.ident(request)
        if rate is None or ident is None:
            return True
        limit, period = parse_rate(rate)
        now = time.time()
        window = int(now // period)
        prefetch = getattr(view, "throttle_prefetch", None)
        also = prefetch(request) if prefetch else []
        try:
            count, request.cache_prefetched = window_count(
                f"throttle:{self.scope}:{ident}:{period}:{window}", period, also
            )
        except CACHE_ERRORS:
            logger.exception("API throttle: the cache cannot be reached")
            raise CounterUnavailable from None
        if count <= limit:
            return True
        self.retry_after = max(1, math.ceil((window + 1) * period - now))
        return False

    def wait(self) -> int | None:
        """Seconds until the client's window ends (``Retry-After``)."""
        return self.retry_after


class UserRateThrottle(_CountingThrottle):
    """Requests per signed-in user (``DEFAULT_THROTTLE_RATES["user"]``); anonymous ones are not counted."""

    scope = "user"

    def ident(self, request) -> str | None:
        return str(request.user.pk) if request.user and request.user.is_authenticated else None


class AnonRateThrottle(_CountingThrottle):
    """Requests per IP address (``REMOTE_ADDR``) of anonymous clients (``DEFAULT_THROTTLE_RATES["anon"]``)."""

    scope = "anon"

    def ident(self, request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return request.META.get("REMOTE_ADDR") or "unknown"
