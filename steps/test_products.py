"""Binds the scenarios of ``features/products/``; the steps live in the step modules."""

from pytest_bdd import scenarios

scenarios("products")
