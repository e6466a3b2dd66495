"""Rendered pages of the API's visit list, kept in the shared cache until a write changes what they show.

Integrations poll ``GET /api/v1/visits/`` with the same query again and again; each page costs a count, a
six-table join and the rendering of 50 rows. A page rendered once is kept in the cache (Redis) under a key
made of everything its bytes depend on: the request's absolute URL (path, query string, host and scheme, so
the ``next`` and ``previous`` links are right), the negotiated media type, the active language and the ids of the user's hosts
(``visits.scoping.host_ids``: every user of the same hosts sees the same rows). It is stored with the
*data version* it was rendered at, and served only while that is still the current version.

The data version is one counter in the cache, raised when a transaction that wrote any model a list row
shows commits: ``Visit``, ``Delegation``, ``Institution``, ``Region`` and ``Venue``, through their
``post_save`` and ``post_delete`` signals (connected in ``visits.apps``), and through the bulk writes that
send none (``config.audit.audited_update``, the region loader), which call ``rows_changed``. The counter is
raised only after the commit, so a page can never be stored under a version newer than its rows; a page
rendered from rows read before a commit is stored under the older version and never served again.

Authentication, the role, the hosts and the throttle run on every request as before; only the rows' query,
the count and the rendering are skipped. Pages live ``SAMBANG_API_LIST_CACHE_SECONDS`` (default 60 when
``CACHE_URL`` is set, else 0: off), which also bounds how long a page could outlive a write whose version
bump was lost (the process died between its commit and the bump). Off with the embedded default's
per-process memory cache: a write made by the worker or by ``manage.py`` would not reach the web process.
"""

import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation

from config.versioned_cache import VersionedCache

# The models a list row shows; their writes raise the data version (filled by ``watch``).
WATCHED: set[type] = set()
# Entries are ``(version, (content type, bytes))``; the prefix names that layout.
PAGES = VersionedCache("sambang:visit-list:version", "sambang:visit-list:page2:")


def enabled() -> bool:
    """True when rendered list pages are kept (``SAMBANG_API_LIST_CACHE_SECONDS`` > 0)."""
    return settings.SAMBANG_API_LIST_CACHE_SECONDS > 0


def rows_changed(*_args, using: str | None = None, **_kwargs) -> None:
    """Raise the data version when the current transaction commits (at once outside a transaction).

    A signal receiver (``post_save``, ``post_delete``) and the hook for bulk writes, which send no signal.
    Side effect: one ``on_commit`` callback (``VersionedCache.changed``: a cache that cannot be reached
    never fails the write); nothing when the cache is off.
    """
    if enabled():
        PAGES.changed(using=using)


def watch(*models) -> None:
    """Raise the data version on every ``post_save`` and ``post_delete`` of ``models`` (``visits.apps``)."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        WATCHED.add(model)
        post_save.connect(rows_changed, sender=model, dispatch_uid=f"visit-list-save-{model._meta.label}")
        post_delete.connect(rows_changed, sender=model, dispatch_uid=f"visit-list-delete-{model._meta.label}")


def bulk_written(model, using: str | None = None) -> None:
    """For writes that send no signal (``QuerySet.update``, ``bulk_create``, ``bulk_update``): raise the data
    version on commit when ``model`` is one a list row shows."""
    if model in WATCHED:
        rows_changed(using=using)


class ListPage:
    """One request's page of the visit list in the cache: ``cached()`` before rendering, ``store`` after."""

    def __init__(self, request, hosts: frozenset[int] | None):
        scope = "all" if hosts is None else ",".join(str(pk) for pk in sorted(hosts))
        language = translation.get_language()  # no row is translated today; a future field may be
        identity = f"{scope}\n{language}\n{request.accepted_media_type}\n{request.build_absolute_uri()}"
        self.request = request
        self.key = hashlib.sha256(identity.encode()).hexdigest()
        self.version = None

    def cache_keys(self) -> list[str]:
        """The cache keys ``cached`` reads, for the throttle to read in its own round trip
        (``config.throttling``); ``cached`` then needs none."""
        return PAGES.keys(self.key)

    def cached(self) -> HttpResponse | None:
        """The stored page as a response if it was rendered at the current data version, else ``None``
        (and the current version is remembered for ``store``). One cache round trip, none when the
        throttle read ``cache_keys`` already (``request.cache_prefetched``)."""
        prefetched = getattr(self.request, "cache_prefetched", None)
        self.version, entry = PAGES.read(self.key, prefetched)
        if entry is None:
            return None
        content_type, content = entry
        return HttpResponse(content, content_type=content_type)

    def store(self, response) -> None:
        """Post-render callback of a 200 response: keep its bytes under the version read before its rows."""
        if response.status_code == 200:
            entry = (response["Content-Type"], response.content)
            PAGES.write(self.key, self.version, entry, timeout=settings.SAMBANG_API_LIST_CACHE_SECONDS)
