"""Cache entries that stay valid until a committed write raises their *version*.

A ``VersionedCache`` is one counter in the shared cache (Redis) and the entries stored beside it. Each
entry is stored with the counter's value read *before* the data it holds was read from the database, and
is used only while the counter still has that value. A write to that data raises the counter when its
transaction commits (``changed``), so every entry stored before the commit, or built from rows read before
it, is never used again. The counter is raised only after the commit: an entry can never carry a version
newer than its rows.

Used by the API's visit-list pages (``visits.api_cache``) and the API token check (``config.api_tokens``).
Both are off with the embedded default's per-process memory cache, where a write made by the worker or by
``manage.py`` would not reach the web process's entries.
"""

import time

import redis
from django.core.cache import cache
from django.db import transaction

# What a cache that cannot be reached raises: redis-py's errors (Django's Redis backend), the OS's.
CACHE_ERRORS = (redis.RedisError, OSError)


class VersionedCache:
    """Entries under ``prefix`` that are valid while the counter at ``version_key`` is unchanged."""

    def __init__(self, version_key: str, prefix: str):
        self.version_key = version_key
        self.prefix = prefix

    def bump(self) -> None:
        """Raise the counter now (one or two cache round trips). A fresh counter starts at the clock in
        nanoseconds, so a counter lost (evicted, Redis restarted) never comes back at a value that entries
        stored before still carry."""
        if cache.add(self.version_key, time.time_ns(), timeout=None):
            return
        try:
            cache.incr(self.version_key)
        except ValueError:  # evicted between add and incr
            cache.set(self.version_key, time.time_ns(), timeout=None)

    def changed(self, using: str | None = None) -> None:
        """Raise the counter when the current transaction on ``using`` commits (at once outside one).

        Side effect: one ``on_commit`` callback. It is ``robust``: if the cache cannot be reached, the write
        that committed still succeeds (Django logs the error) and entries stored before it may be used
        until they expire.
        """
        transaction.on_commit(self.bump, using=using, robust=True)

    def keys(self, key: str) -> list[str]:
        """The cache keys ``read(key)`` needs: the counter's and the entry's (to read them in a round trip
        made for something else, ``config.throttling``)."""
        return [self.version_key, self.prefix + key]

    def read(self, key: str, prefetched: dict | None = None) -> tuple[int | None, object | None]:
        """``(version, value)``: the current version and the value stored under ``key`` at that version, or
        ``None`` for the value when there is none or it was stored at another version. One cache round trip
        (``get_many``), none when ``prefetched`` (``{cache key: value or None}``) holds both ``keys(key)``;
        two more when the counter is missing (it is created). Pass the version to ``write`` after reading
        the data from the database."""
        wanted = self.keys(key)
        if prefetched is not None and all(k in prefetched for k in wanted):
            found = prefetched
        else:
            found = cache.get_many(wanted)
        version, entry = found.get(wanted[0]), found.get(wanted[1])
        if version is None:
            cache.add(self.version_key, time.time_ns(), timeout=None)
            return cache.get(self.version_key), None
        if entry is None or entry[0] != version:
            return version, None
        return version, entry[1]

    def write(self, key: str, version: int | None, value, timeout: int) -> None:
        """Store ``value`` under ``key`` at ``version`` (as returned by ``read`` before the data was read)
        for ``timeout`` seconds. Nothing is stored without a version."""
        if version is not None:
            cache.set(self.prefix + key, (version, value), timeout=timeout)
