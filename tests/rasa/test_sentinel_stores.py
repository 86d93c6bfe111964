"""Rasa builds Backup's tracker and lock stores from endpoints.yml; with REDIS_SENTINELS both find
their master through Sentinel (nothing connects here: the real failover is
tests/integration/test_sentinel_failover.py)."""

from pathlib import Path

import pytest
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import read_endpoint_config
from redis.sentinel import SentinelConnectionPool

from backup_rasa.lock_store import RedisLockStore
from backup_rasa.tracker_store import RedisTrackerStore
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sentinel_environment(monkeypatch) -> None:
    settings = Settings.from_environment(redis_url="redis://:not-a-secret@ignored:6379/3", redis_master_name="wellbeing",
                                         redis_sentinels="10.0.0.1:26379, 10.0.0.2:26380", redis_replicas_to_ack=1)
    for name, value in settings.endpoint_environment().items():
        monkeypatch.setenv(name, value)


def store(kind: str):
    endpoint = read_endpoint_config(str(ROOT / "endpoints.yml"), kind)
    return TrackerStore.create(endpoint, Domain.empty()) if kind == "tracker_store" else LockStore.create(endpoint)


@pytest.mark.parametrize("kind, expected", [("tracker_store", RedisTrackerStore), ("lock_store", RedisLockStore)])
def test_both_stores_go_to_the_master_sentinel_names(sentinel_environment, kind, expected):
    made = store(kind)
    assert type(made) is expected  # not Rasa's in-memory fallback
    pool = made.red.connection_pool
    assert isinstance(pool, SentinelConnectionPool) and pool.service_name == "wellbeing"
    sentinels = [(s.connection_pool.connection_kwargs["host"], s.connection_pool.connection_kwargs["port"])
                 for s in pool.sentinel_manager.sentinels]
    assert sentinels == [("10.0.0.1", 26379), ("10.0.0.2", 26380)]
    assert (pool.connection_kwargs["db"], pool.connection_kwargs["password"]) == (3, "not-a-secret")


def test_the_tracker_store_waits_for_the_replicas_endpoints_yml_names(sentinel_environment):
    assert store("tracker_store").replicas_to_ack == 1
