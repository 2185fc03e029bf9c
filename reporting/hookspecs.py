"""Hooks the reporting plugin offers to other plugins: extra sections of the living documentation.

A plugin (OpenAPI operation coverage, for example) answers ``pytest_api_bdd_report_sections``
with sections; each appears in the HTML (after the features, or as a tab of its own), in
the Markdown summary, and its ``properties`` become JUnit ``<testsuite>`` properties. Every
section passes the redactor like the rest of the report.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

import pytest


class ReportSection(TypedDict):
    """One extra section of the living documentation.

    ``id``: a short HTML id, unique in the page (``openapi-coverage``); ``title``: its heading;
    ``html``: a fragment already rendered with Jinja2 autoescape (inserted as is); ``markdown``:
    the same content for the Markdown summary ("" leaves it out there); ``properties``: name and
    value pairs written as JUnit testsuite properties ({} for none); ``tab`` (optional): the
    section is a view of its own, a tab of the page with this label (absent: it follows the
    features in the specification view).
    """

    id: str
    title: str
    html: str
    markdown: str
    properties: dict[str, str]
    tab: NotRequired[str]


@pytest.hookspec
def pytest_api_bdd_report_sections(config: pytest.Config) -> list[ReportSection]:
    """Called once on the controller before the report files are written."""
    raise NotImplementedError  # a hook specification: never called itself


@pytest.hookspec(firstresult=True)
def pytest_api_bdd_scenario_operations(config: pytest.Config) -> dict[str, list[str]] | None:
    """Per scenario id, the OpenAPI operations (``GET /products/{id}``) its exchanges
    exercised; None when the profile names no document. Called once on the controller."""
    raise NotImplementedError  # a hook specification: never called itself
