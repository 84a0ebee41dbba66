"""The pacer and back-off on their own, with a hand-driven clock. Pacing of
real runs against the sandbox is in test_engine_network.py."""

import threading

import pytest
from django.db import connection

from clients.models import HttpClient
from connections.attempts import SharedPacer, backoff_delay, pacing_key
from connections.graphql_tools import operation_type, query_variable_names


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.mark.django_db
def test_pacer_allows_limit_at_once():
    pacer = SharedPacer("http://centra.test", 3, window=10, clock=Clock())
    assert [pacer.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]


@pytest.mark.django_db
def test_pacer_waits_for_oldest_to_leave_window():
    clock = Clock()
    pacer = SharedPacer("http://centra.test", 2, window=10, clock=clock)
    pacer.reserve()
    clock.now += 4
    pacer.reserve()
    clock.now += 1

    assert pacer.reserve() == 5.0


@pytest.mark.django_db
def test_pacer_gives_successive_turns():
    pacer = SharedPacer("http://centra.test", 1, window=10, clock=Clock())
    waits = [pacer.reserve() for _ in range(4)]
    assert waits == [0.0, 10.0, 20.0, 30.0]


@pytest.mark.django_db
def test_pacer_forgets_old_requests():
    clock = Clock()
    pacer = SharedPacer("http://centra.test", 1, window=10, clock=clock)
    pacer.reserve()
    clock.now += 10.5
    assert pacer.reserve() == 0.0


@pytest.mark.django_db(transaction=True)
def test_pacer_is_thread_safe():
    pacer = SharedPacer("http://centra.test", 5, window=10, clock=Clock())
    waits = []
    lock = threading.Lock()

    def take():
        try:
            wait = pacer.reserve()
        finally:
            connection.close()
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=take) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(waits) == [0.0] * 5 + [10.0] * 5 + [20.0] * 5 + [30.0] * 5


def test_backoff_doubles_within_jitter(settings):
    settings.RETRY_BASE_DELAY = 1.0
    settings.RETRY_MAX_DELAY = 100.0
    for attempt, full in [(1, 1.0), (2, 2.0), (3, 4.0)]:
        delay = backoff_delay(attempt)
        assert full / 2 <= delay <= full


def test_backoff_is_capped(settings):
    settings.RETRY_BASE_DELAY = 1.0
    settings.RETRY_MAX_DELAY = 5.0
    assert backoff_delay(10) <= 5.0


def test_query_variable_names_include_fragments():
    query = """
    query Orders($first: Int, $after: String, $unused: Int) {
      orderConnection(first: $first, after: $after) { ...Page }
    }
    fragment Page on OrderConnection { edges { node { number(x: $frag) } } }
    """
    assert query_variable_names(query) == {"first", "after", "frag"}


def test_query_variable_names_of_named_operation():
    query = "query A($a: Int) { x(a: $a) } query B($b: Int) { y(b: $b) }"
    assert query_variable_names(query, "B") == {"b"}
    assert query_variable_names(query) == set()


def test_query_variable_names_of_invalid_query():
    assert query_variable_names("query {") == set()


def test_operation_type():
    assert operation_type("mutation M { confirmOrder { x } }") == "mutation"
    assert operation_type("{ orders { number } }") == "query"
    assert operation_type("nonsense") == ""


@pytest.mark.django_db
def test_shared_pacer_budget_spans_instances():
    clock = Clock()
    first = SharedPacer("http://centra.test", 2, window=10, clock=clock)
    second = SharedPacer("http://centra.test", 2, window=10, clock=clock)

    waits = [first.reserve(), second.reserve(), first.reserve(), second.reserve()]

    assert waits == [0.0, 0.0, 10.0, 10.0]


@pytest.mark.django_db
def test_shared_pacer_keys_are_independent():
    clock = Clock()
    store_a = SharedPacer("http://a.test", 1, window=10, clock=clock)
    store_b = SharedPacer("http://b.test", 1, window=10, clock=clock)

    assert store_a.reserve() == 0.0
    assert store_b.reserve() == 0.0
    assert store_a.reserve() == 10.0


def test_pacing_key_shared_per_host():
    graphql = HttpClient(base_uri="https://Shop.Centra.test/graphql")
    root = HttpClient(base_uri="https://shop.centra.test")
    other_port = HttpClient(base_uri="https://shop.centra.test:8443")

    assert pacing_key(graphql) == pacing_key(root) == "https://shop.centra.test"
    assert pacing_key(other_port) == "https://shop.centra.test:8443"
