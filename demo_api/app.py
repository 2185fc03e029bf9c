"""The shop's HTTP routes.

Reads of the catalogue are public; everything else needs ``Authorization: Bearer <token>``
from ``POST /auth/token``. Routes are ``async`` and do their (microsecond) SQLite work on the
event loop, which serializes writes: see :mod:`demo_api.store`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2PasswordRequestForm
from starlette.exceptions import HTTPException

from demo_api import problems
from demo_api.faults import ConnectionRegistry, FaultInjector, FaultMiddleware, FaultPlan
from demo_api.idempotency import IdempotencyMiddleware
from demo_api.problems import documented
from demo_api.schemas import (
    OrderIn,
    OrderOut,
    Page,
    ProductIn,
    ProductOut,
    TokenOut,
    UserOut,
    money_to_cents,
)
from demo_api.store import SeedUser, Store

_bearer = HTTPBearer(auto_error=False)
_CHALLENGE = {"WWW-Authenticate": "Bearer"}
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0)]


async def _current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> int:
    """The id of the user whose bearer token came with the request; 401 otherwise."""
    if credentials is None:
        raise HTTPException(401, "missing bearer token", headers=_CHALLENGE)
    store: Store = request.app.state.store
    user_id = store.user_for_token(credentials.credentials)
    if user_id is None:
        raise HTTPException(401, "invalid or expired token", headers=_CHALLENGE)
    return user_id


User = Annotated[int, Depends(_current_user)]


def create_app(
    database: Path,
    users: Sequence[SeedUser] = (),
    *,
    token_ttl: float = 900.0,
    clock: Callable[[], float] = time.time,
    faults: FaultPlan | None = None,
) -> FastAPI:
    """Build the shop over a fresh (or existing) SQLite file, seeding ``users``.

    ``token_ttl``: seconds a token stays valid. ``clock``: the time source (tests move it).
    ``faults``: transient faults to inject (default: none); see :mod:`demo_api.faults`.
    """
    store = Store(database, token_ttl=token_ttl, clock=clock)
    for user in users:
        user_id = store.add_user(user)
        if user.token:
            store.issue_token(user_id, user.token)

    app = FastAPI(
        title="api-bdd demo shop",
        version="1.0.0",
        description="A small shop API: tokens, users, products and orders. "
        "Errors are RFC 9457 problem details.",
    )
    app.state.store = store
    app.state.faults = FaultInjector(faults or FaultPlan())
    app.state.connections = ConnectionRegistry()
    problems.install(app)
    # Outermost last: faults act on what idempotency stored, as a lost response would.
    app.add_middleware(IdempotencyMiddleware, store=store)
    app.add_middleware(
        FaultMiddleware, injector=app.state.faults, connections=app.state.connections
    )

    _meta_routes(app)
    _auth_routes(app, store)
    _product_routes(app, store)
    _order_routes(app, store)
    return app


def _meta_routes(app: FastAPI) -> None:
    """Health, and the demo-only statistics."""

    @app.get("/health", tags=["meta"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/_admin/stats", include_in_schema=False)
    async def admin_stats() -> dict[str, Any]:
        """Demo-only: see :func:`shop_stats`."""
        return shop_stats(app)


def _auth_routes(app: FastAPI, store: Store) -> None:
    """Tokens and users."""

    @app.post("/auth/token", response_model=TokenOut, tags=["auth"], responses=documented(401, 422))
    async def issue_token(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenOut:
        user_id = store.authenticate(form.username, form.password)
        if user_id is None:
            raise HTTPException(401, "invalid username or password", headers=_CHALLENGE)
        token, expires_in = store.issue_token(user_id)
        return TokenOut(access_token=token, expires_in=expires_in)

    @app.get("/users/me", response_model=UserOut, tags=["users"], responses=documented(401))
    async def me(user_id: User) -> UserOut:
        return UserOut(**store.get_user(user_id))

    @app.get(
        "/users/{user_id}",
        response_model=UserOut,
        tags=["users"],
        responses=documented(401, 404, 422),
    )
    async def get_user(user_id: int, _: User) -> UserOut:
        return UserOut(**store.get_user(user_id))


def _product_routes(app: FastAPI, store: Store) -> None:
    """The catalogue."""

    @app.post(
        "/products",
        status_code=201,
        response_model=ProductOut,
        tags=["products"],
        responses=documented(401, 422, created="product"),
    )
    async def create_product(body: ProductIn, _: User, response: Response) -> ProductOut:
        row = store.create_product(body.name, money_to_cents(body.price), body.stock)
        response.headers["Location"] = f"/products/{row['id']}"
        return ProductOut.from_row(row)

    @app.get(
        "/products",
        response_model=Page[ProductOut],
        tags=["products"],
        responses=documented(422),
    )
    async def list_products(limit: Limit = 20, offset: Offset = 0) -> Page[ProductOut]:
        rows, total = store.list_products(limit, offset)
        items = [ProductOut.from_row(r) for r in rows]
        return Page[ProductOut](items=items, total=total, limit=limit, offset=offset)

    @app.get(
        "/products/{product_id}",
        response_model=ProductOut,
        tags=["products"],
        responses=documented(404, 422),
    )
    async def get_product(product_id: int) -> ProductOut:
        return ProductOut.from_row(store.get_product(product_id))

    @app.delete(
        "/products/{product_id}",
        status_code=204,
        tags=["products"],
        responses=documented(401, 404, 409, 422),
    )
    async def delete_product(product_id: int, _: User) -> Response:
        store.delete_product(product_id)
        return Response(status_code=204)


def _order_routes(app: FastAPI, store: Store) -> None:
    """Orders."""

    @app.post(
        "/orders",
        status_code=201,
        response_model=OrderOut,
        tags=["orders"],
        responses=documented(401, 404, 409, 422, created="order"),
    )
    async def create_order(body: OrderIn, user_id: User, response: Response) -> OrderOut:
        row = store.create_order(body.product_id, body.quantity, user_id)
        response.headers["Location"] = f"/orders/{row['id']}"
        return OrderOut.from_row(row)

    @app.get(
        "/orders", response_model=Page[OrderOut], tags=["orders"], responses=documented(401, 422)
    )
    async def list_orders(
        _: User, limit: Limit = 20, offset: Offset = 0, product_id: int | None = None
    ) -> Page[OrderOut]:
        rows, total = store.list_orders(limit, offset, product_id)
        items = [OrderOut.from_row(r) for r in rows]
        return Page[OrderOut](items=items, total=total, limit=limit, offset=offset)

    @app.get(
        "/orders/{order_id}",
        response_model=OrderOut,
        tags=["orders"],
        responses=documented(401, 404, 422),
    )
    async def get_order(order_id: int, _: User) -> OrderOut:
        return OrderOut.from_row(store.get_order(order_id))

    @app.delete(
        "/orders/{order_id}",
        status_code=204,
        tags=["orders"],
        responses=documented(401, 404, 422),
    )
    async def cancel_order(order_id: int, _: User) -> Response:
        store.cancel_order(order_id)
        return Response(status_code=204)


def shop_stats(app: FastAPI) -> dict[str, Any]:
    """What the shop served: requests and injected faults, connections accepted, orders ever
    created (in all and by product) and idempotent replays."""
    store: Store = app.state.store
    created = store.orders_created
    return {
        **app.state.faults.stats(),
        "connections": app.state.connections.accepted,
        "orders_created": sum(created.values()),
        "orders_created_by_product": {str(k): v for k, v in sorted(created.items())},
        "idempotent_replays": store.idempotent_replays,
    }
