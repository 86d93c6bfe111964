"""The replica choice on its own: each in turn, a failed one resting, on a clock the test moves."""

from gateway.replicas import Replicas

A, B, C = "http://a:5005", "http://b:5005", "http://c:5005"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def firsts(replicas: Replicas, count: int) -> list[str]:
    return [replicas.in_order()[0] for _ in range(count)]


def test_each_replica_in_turn_with_the_others_behind_it():
    replicas = Replicas([A, B, C], rest_seconds=10)
    assert [replicas.in_order() for _ in range(4)] == [[A, B, C], [B, C, A], [C, A, B], [A, B, C]]


def test_a_failed_replica_rests_then_takes_its_turn_again():
    clock = Clock()
    replicas = Replicas([A, B, C], rest_seconds=10, clock=clock)
    replicas.failed(B)
    # Still tried, last, should the others not be reached.
    assert [replicas.in_order() for _ in range(3)] == [[A, C, B], [C, A, B], [C, A, B]]
    clock.now += 9.9
    assert B not in firsts(replicas, 6)
    clock.now += 0.2
    assert firsts(replicas, 3) == [A, B, C]


def test_an_answer_ends_the_rest_at_once():
    replicas = Replicas([A, B], rest_seconds=10, clock=Clock())
    replicas.failed(A)
    assert firsts(replicas, 2) == [B, B]
    replicas.answered(A)
    assert firsts(replicas, 2) == [A, B]


def test_with_every_replica_resting_they_are_still_taken_in_turn():
    replicas = Replicas([A, B], rest_seconds=10, clock=Clock())
    replicas.failed(A)
    replicas.failed(B)
    assert firsts(replicas, 4) == [A, B, A, B]
