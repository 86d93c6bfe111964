import yaml

from bot.stack import ROOT, in_memory_endpoints, redis_available


def test_in_memory_endpoints_drop_only_the_stores(tmp_path):
    target = in_memory_endpoints(ROOT / "endpoints.yml", tmp_path / "e.yml")
    endpoints = yaml.safe_load(target.read_text())
    assert "tracker_store" not in endpoints and "lock_store" not in endpoints
    assert endpoints["action_endpoint"]["headers"]["Authorization"] == "Bearer ${ACTION_SERVER_TOKEN}"


def test_committed_endpoints_use_redis_with_expiry():
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    assert endpoints["tracker_store"]["type"] == "backup_rasa.tracker_store.RedisTrackerStore"  # Rasa's, saved cheaper
    assert endpoints["tracker_store"]["record_exp"] == "${CONVERSATION_TTL_SECONDS}"
    assert endpoints["lock_store"]["type"] == "backup_rasa.lock_store.RedisLockStore"  # Rasa's, made atomic


def test_redis_available_is_false_when_nothing_listens():
    assert redis_available("redis://127.0.0.1:1/0") is False
