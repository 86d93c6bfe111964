from bot.settings import Settings


def test_endpoint_environment_reads_the_redis_url():
    env = Settings.from_environment(redis_url="redis://:s3cret@redis.internal:6380/2").endpoint_environment()
    assert (env["REDIS_HOST"], env["REDIS_PORT"], env["REDIS_DB"], env["REDIS_PASSWORD"]) == (
        "redis.internal", "6380", "2", "s3cret"
    )


def test_endpoint_environment_defaults():
    env = Settings.from_environment().endpoint_environment()
    assert (env["REDIS_HOST"], env["REDIS_PORT"], env["REDIS_DB"], env["REDIS_PASSWORD"]) == (
        "127.0.0.1", "6379", "0", ""
    )
    assert env["CONVERSATION_TTL_SECONDS"] == "1800"
    assert env["ACTION_SERVER_URL"] == "http://127.0.0.1:5055/webhook"


def test_tokens_are_random_unless_given(monkeypatch):
    monkeypatch.delenv("ACTION_SERVER_TOKEN", raising=False)
    first, second = Settings.from_environment(), Settings.from_environment()
    assert first.action_server_token != second.action_server_token
    assert len(first.rasa_token) >= 32
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "from-env")
    assert Settings.from_environment().action_server_token == "from-env"


def test_endpoint_environment_names_the_sentinels_for_rasas_stores():
    env = Settings.from_environment(
        redis_sentinels="10.0.0.1:26379,10.0.0.2:26379", redis_master_name="wellbeing", redis_replicas_to_ack=1
    ).endpoint_environment()
    assert (env["REDIS_SENTINELS"], env["REDIS_MASTER_NAME"], env["REDIS_REPLICAS_TO_ACK"]) == (
        "10.0.0.1:26379,10.0.0.2:26379", "wellbeing", "1"
    )
