"""Every injected fault kind, end to end: demo API on a real socket, ApiClient with fake sleep."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from client import ApiClient, OutcomeUnknownError, RetryPolicy, Timeouts
from demo_api import DemoServer, SeedUser, create_app
from demo_api.faults import FAULT_KINDS, FaultInjector, FaultPlan, parse_mix

USER = SeedUser("fault-user", "fault-user-password-123456")


@dataclass
class Faulty:
    server: DemoServer
    injector: FaultInjector
    sleeps: list[float]

    def client(self, *, keys: bool = True, read: float = 2.0) -> ApiClient:
        policy = RetryPolicy(
            sleep=self.sleeps.append,
            rand=lambda: 0.5,
            idempotency_key="Idempotency-Key" if keys else None,
        )
        client = ApiClient(
            self.server.url, timeouts=Timeouts(read=read, deadline=10), retry_policy=policy
        )
        token = client.post(
            "/auth/token", data={"username": USER.username, "password": USER.password}
        ).json()["access_token"]
        return client.authorized(token)

    def orders_created(self) -> int:
        return sum(self.server.app.state.store.orders_created.values())


@pytest.fixture
def faulty(tmp_path: Path) -> Iterator[Faulty]:
    plan = FaultPlan(rate=0.0, retry_after=3, stall=2.0)  # stalls outlast the clients' 1 s read
    app = create_app(tmp_path / "shop.sqlite3", [USER], faults=plan)
    with DemoServer(app) as server:
        yield Faulty(server, app.state.faults, [])


def product(client: ApiClient) -> int:
    exchange = client.post("/products", json={"name": "p", "price": "2.50", "stock": 10})
    assert exchange.status == 201
    return int(exchange.json()["id"])


@pytest.mark.parametrize(
    ("kind", "status", "retry_after"),
    [
        ("503-retry-after-seconds", 503, r"3"),
        ("503-retry-after-date", 503, r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT"),
        ("429-retry-after", 429, r"3"),
        ("429", 429, None),
        ("502", 502, None),
        ("504", 504, None),
    ],
)
def test_status_faults_are_retried_for_a_get(
    faulty: Faulty, kind: str, status: int, retry_after: str | None
) -> None:
    client = faulty.client()
    pid = product(client)
    faulty.injector.schedule(kind)
    exchange = client.get(f"/products/{pid}")
    assert exchange.status == 200
    assert [a.outcome for a in exchange.attempts] == [str(status), "200"]
    first = exchange.attempts[0]
    if retry_after is None:
        assert first.retry_after is None
        assert faulty.sleeps == [0.05]  # backoff: rand 0.5 of 0.1 s
    else:
        assert first.retry_after is not None
        assert 2.0 <= faulty.sleeps[0] <= 3.0


@pytest.mark.parametrize(
    ("kind", "seen"),
    [
        ("reset-before-response", "reset-before-response"),
        ("reset-mid-body", "reset-mid-body"),
        ("lost-after-commit", "reset-before-response"),
        ("stall", "read-timeout"),
    ],
)
def test_socket_faults_are_retried_for_a_get(faulty: Faulty, kind: str, seen: str) -> None:
    client = faulty.client(read=1.0)  # a stall outlasts it; the retry has 1 s on a busy machine
    pid = product(client)
    faulty.injector.schedule(kind)
    exchange = client.get(f"/products/{pid}")
    assert exchange.status == 200
    assert [a.outcome for a in exchange.attempts] == [seen, "200"]


@pytest.mark.parametrize("kind", ["lost-after-commit", "reset-mid-body", "stall"])
def test_a_keyed_post_whose_answer_is_lost_is_replayed_not_repeated(
    faulty: Faulty, kind: str
) -> None:
    client = faulty.client(read=1.0)  # a stall outlasts it; the retry has 1 s on a busy machine
    pid = product(client)
    faulty.injector.schedule(kind)
    exchange = client.post("/orders", json={"product_id": pid, "quantity": 3})
    assert exchange.status == 201
    assert len(exchange.attempts) == 2
    assert exchange.headers.get("idempotent-replayed") == "true"
    assert faulty.orders_created() == 1
    assert client.get(f"/products/{pid}").json()["stock"] == 7


def test_a_post_without_key_whose_answer_is_lost_is_outcome_unknown(faulty: Faulty) -> None:
    client = faulty.client(keys=False)
    pid = product(client)
    faulty.injector.schedule("lost-after-commit")
    with pytest.raises(OutcomeUnknownError, match="may have been applied"):
        client.post("/orders", json={"product_id": pid, "quantity": 3})
    assert faulty.orders_created() == 1  # it was applied: exactly why the client must not guess


def test_a_post_without_key_is_retried_on_a_503_with_retry_after_and_placed_once(
    faulty: Faulty,
) -> None:
    client = faulty.client(keys=False)
    pid = product(client)
    faulty.injector.schedule("503-retry-after-seconds")
    exchange = client.post("/orders", json={"product_id": pid, "quantity": 1})
    assert [a.outcome for a in exchange.attempts] == ["503", "201"]
    assert faulty.orders_created() == 1  # the 503 said "not processed": one order, not two


def test_reset_before_response_runs_no_handler(faulty: Faulty) -> None:
    client = faulty.client()
    pid = product(client)
    faulty.injector.schedule("reset-before-response")
    exchange = client.post("/orders", json={"product_id": pid, "quantity": 1})
    assert exchange.status == 201
    assert "idempotent-replayed" not in exchange.headers  # the first never reached the handler
    assert faulty.orders_created() == 1


def test_stats_count_requests_and_faults(faulty: Faulty) -> None:
    client = faulty.client()
    faulty.injector.schedule("502", "reset-before-response")
    client.get("/products")
    stats = client.get("/_admin/stats").json()
    assert stats["faults"] == {"502": 1, "reset-before-response": 1}
    assert stats["faulted"] == 2
    assert stats["requests"] == 4  # sign-in, two faulted tries, the third; /_admin is not counted
    # DemoServer.start's health check, the pooled one until the reset, then its replacement
    assert stats["connections"] == 3


def test_stats_count_every_connection_accepted(faulty: Faulty) -> None:
    client = faulty.client()  # signs in on one pooled connection, kept from here on
    before = client.get("/_admin/stats").json()["connections"]
    for _ in range(3):
        client.get("/products")
    closing = client.with_headers({"Connection": "close"})
    for _ in range(3):
        closing.get("/products")  # the server closes each: the next request connects anew
    assert client.get("/_admin/stats").json()["connections"] == before + 3


def test_the_same_seed_draws_the_same_faults() -> None:
    def draws(seed: int) -> list[str | None]:
        injector = FaultInjector(FaultPlan(rate=0.3, seed=seed))
        return [injector.draw("/products") for _ in range(200)]

    assert draws(7) == draws(7)
    assert draws(7) != draws(8)
    share = sum(d is not None for d in draws(7)) / 200
    assert 0.2 < share < 0.4
    assert {d for d in draws(7) if d} <= set(FAULT_KINDS)


def test_health_and_admin_are_never_faulted() -> None:
    injector = FaultInjector(FaultPlan(rate=1.0, seed=1))
    assert injector.draw("/health") is None
    assert injector.draw("/_admin/stats") is None
    assert injector.draw("/orders") is not None


def test_the_mix_chooses_kinds_and_rejects_unknown_ones() -> None:
    injector = FaultInjector(FaultPlan(rate=1.0, seed=1, mix=parse_mix("502=1, stall=0")))
    assert {injector.draw("/x") for _ in range(50)} == {"502"}
    with pytest.raises(ValueError, match="unknown fault kind 'teapot'"):
        parse_mix("teapot=1")
    with pytest.raises(ValueError, match="no kind with a positive weight"):
        parse_mix("502=0")


def test_rate_outside_0_to_1_is_refused() -> None:
    with pytest.raises(ValueError, match=re.escape("between 0 and 1, got 1.5")):
        FaultPlan(rate=1.5)


def test_resetting_an_unknown_connection_is_a_no_op_not_a_crash() -> None:
    from demo_api.faults import ConnectionRegistry

    assert ConnectionRegistry().reset(("127.0.0.1", 1)) is False
    assert ConnectionRegistry().reset(None) is False


@pytest.mark.parametrize("kind", ["lost-after-commit", "stall"])  # a 204 has no body to cut
def test_a_keyed_delete_whose_answer_is_lost_gets_the_first_answer_replayed(
    faulty: Faulty, kind: str
) -> None:
    client = faulty.client(read=1.0)  # a stall outlasts it; the retry has 1 s on a busy machine
    pid = product(client)
    order = client.post("/orders", json={"product_id": pid, "quantity": 3}).json()["id"]
    faulty.injector.schedule(kind)
    exchange = client.delete(f"/orders/{order}")
    assert exchange.status == 204
    assert exchange.headers.get("idempotent-replayed") == "true"
    assert not exchange.applied_by_earlier_attempt
    assert client.get(f"/products/{pid}").json()["stock"] == 10  # cancelled once, not twice


def test_an_unkeyed_delete_whose_answer_is_lost_counts_as_applied(faulty: Faulty) -> None:
    client = faulty.client(keys=False)
    pid = product(client)
    order = client.post("/orders", json={"product_id": pid, "quantity": 3}).json()["id"]
    faulty.injector.schedule("lost-after-commit")
    exchange = client.delete(f"/orders/{order}")
    assert exchange.status == 404
    assert [a.outcome for a in exchange.attempts] == ["reset-before-response", "404"]
    assert exchange.applied_by_earlier_attempt
