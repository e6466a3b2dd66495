"""The Redis cache backend (``CACHE_URL``): Django's, keeping one ``redis.Redis`` client per server.

Django's ``RedisCacheClient.get_client`` makes a new ``redis.Redis`` for every cache call, and redis-py
builds its table of about 170 response callbacks for each one: profiled on a visit-list request served from
the page cache (``visits.api_cache``), that was more CPU than the request's two cache round trips
themselves (bench/api_load.py). A client only holds its connection pool, which Django already keeps per
server, and is safe to share between threads; redis-py's pool starts afresh in a forked child.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    """Django's client, returning the same ``redis.Redis`` for the same server every time."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        """The ``redis.Redis`` for the server a write (``write``) or a read goes to; made once per server."""
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``RedisCacheClient`` above."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def count_and_get(self, key: str, period: int, keys: list[str]) -> tuple[int, dict]:
        """Raise the counter ``key`` (created at 0 to live ``period`` seconds, then raised by 1) and read
        ``keys``, all in one round trip (a MULTI/EXEC pipeline). Returns the count and
        ``{key: value or None}`` for every key of ``keys``, as ``get_many`` would read them.

        The throttle's count (``config.throttling``) with what the view will read next (its cache entries),
        so a request served from the cache makes one round trip fewer."""
        name = self.make_and_validate_key(key)
        names = [self.make_and_validate_key(k) for k in keys]
        with self._cache.get_client(name, write=True).pipeline() as pipe:
            pipe.set(name, 0, ex=period, nx=True)
            pipe.incr(name)
            if names:
                pipe.mget(names)
            results = pipe.execute()
        loads = self._cache._serializer.loads
        values = results[2] if names else []
        return results[1], {k: None if v is None else loads(v) for k, v in zip(keys, values, strict=True)}
