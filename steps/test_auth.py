"""Binds the scenarios of ``features/auth/``; the steps live in the step modules."""

from pytest_bdd import scenarios

scenarios("auth")
