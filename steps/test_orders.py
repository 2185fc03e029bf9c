"""Binds the scenarios of ``features/orders/``; the steps live in the step modules."""

from pytest_bdd import scenarios

scenarios("orders")
