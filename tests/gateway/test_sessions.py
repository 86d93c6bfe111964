from gateway.sessions import is_valid, new_session


def test_a_new_session_is_valid_for_its_secret_only():
    session = new_session("secret-a")
    assert is_valid(session, "secret-a")
    assert not is_valid(session, "secret-b")


def test_sessions_are_random_and_long():
    sessions = {new_session("s") for _ in range(1000)}
    assert len(sessions) == 1000
    assert all(len(s) == 47 for s in sessions)


def test_tampered_or_malformed_ids_are_refused():
    session = new_session("s")
    nonce, tag = session.split(".")
    flipped = ("A" if nonce[0] != "A" else "B") + nonce[1:]
    assert not is_valid(f"{flipped}.{tag}", "s")
    for bad in ["", "x", "../../etc", session + "x", session.replace(".", ""), "a" * 24 + "." + "b" * 22]:
        assert not is_valid(bad, "s")
