"""Binds the scenarios of ``features/users/``; the steps live in the step modules."""

from pytest_bdd import scenarios

scenarios("users")
