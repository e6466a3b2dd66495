"""The Redis cache backend (config.cache) keeps one client per server and works as Django's does."""

import threading

from django.core.cache import cache, caches


def test_one_client_per_server_for_every_call_and_thread(redis_cache):
    backend = caches["default"]
    seen = []

    def ask():
        seen.append(backend._cache.get_client(write=True))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ask()

    assert len({id(client) for client in seen}) == 1
    assert backend._cache.get_client() is seen[0]  # one server: reads go to the same one


def test_values_round_trip_as_with_djangos_backend(redis_cache):
    cache.set("zahl", 41)
    cache.set("daftar", {"a": [1, 2]}, timeout=30)

    assert cache.incr("zahl") == 42
    assert cache.get_many(["zahl", "daftar", "kosong"]) == {"zahl": 42, "daftar": {"a": [1, 2]}}
    assert cache.add("zahl", 1) is False
    assert 0 < redis_cache.ttl(cache.make_key("daftar")) <= 30
