"""Each xdist worker moves the Redis URLs to a database of its own (tests/xdist_services.py)."""

import pytest

from tests.xdist_services import redis_url_for_worker


def test_worker_k_uses_the_kth_redis_database_after_the_one_named():
    assert redis_url_for_worker("redis://127.0.0.1:6379/6", 0) == "redis://127.0.0.1:6379/6"
    assert redis_url_for_worker("redis://127.0.0.1:6379/6", 1) == "redis://127.0.0.1:6379/7"
    assert redis_url_for_worker("redis://127.0.0.1:6379", 1) == "redis://127.0.0.1:6379/1"
    assert redis_url_for_worker("rediss://:pw@redis:6380/2?ssl_cert_reqs=none", 3) == (
        "rediss://:pw@redis:6380/5?ssl_cert_reqs=none"
    )


def test_other_brokers_are_left_as_they_are():
    assert redis_url_for_worker("filesystem://", 1) == "filesystem://"
    assert redis_url_for_worker("memory://", 1) == "memory://"


def test_past_the_last_redis_database_it_says_so_rather_than_share_one():
    with pytest.raises(RuntimeError, match="run fewer workers"):
        redis_url_for_worker("redis://127.0.0.1:6379/15", 1)
