"""Authoring mistakes: one clear line with file:line, before any HTTP request."""

from __future__ import annotations

import pytest

from tests.conftest import feature

ORDER_FEATURE = """\
Feature: Orders
  Background:
    Given I am signed in
    And a product priced 29.99 with 100 in stock

  Scenario: Ordering
    When I order 2 of the product
    {then}
"""


def test_undefined_step_fails_at_setup_naming_file_line_and_closest_steps(
    project: pytest.Pytester,
) -> None:
    feature(project, ORDER_FEATURE.format(then="Then the product hass 98 in stock"))
    result = project.runpytest_subprocess("--setup-show")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "features/shop.feature:8: undefined step: 'Then the product hass 98 in stock';"
            " did you mean: the product has {stock:d} in stock*"
        ]
    )
    assert "base_url" not in result.stdout.str()  # nothing was started, nothing was sent
    assert "Traceback" not in result.stdout.str()


def test_ambiguous_step_is_reported_with_both_definitions(project: pytest.Pytester) -> None:
    project.makepyfile(
        extra_steps="""
        from pytest_bdd import when

        @when("I order 2 of the product")
        def order_two_my_way():
            raise AssertionError("must not run")
        """
    )
    feature(project, ORDER_FEATURE.format(then="Then the order is confirmed"))
    result = project.runpytest_subprocess("-p", "extra_steps")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "features/shop.feature:7: ambiguous step 'When I order 2 of the product' matches"
            " extra_steps.order_two_my_way, tests.suites.shop.steps.orders.order_product"
        ]
    )


def test_malformed_feature_stops_the_run_in_one_line(project: pytest.Pytester) -> None:
    feature(project, 'Feature: Broken\n  Scenario: s\n    Given I am signed in\n    """\n    x\n')
    result = project.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: feature file problems",
            "features/shop.feature:6: malformed feature: unexpected end of file, expected:"
            " #DocStringSeparator, #Other",
        ]
    )
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_a_misspelled_keyword_stops_the_run_naming_the_keyword_meant(
    project: pytest.Pytester,
) -> None:
    feature(project, "Feature: Broken\n  Scenario: s\n    Given I am signed in\n   Whenn oops\n")
    result = project.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: feature file problems",
            "features/shop.feature:4: 'Whenn' is not a Gherkin keyword: did you mean 'When'?",
            "features/shop.feature:4: undefined step: 'When oops'",
        ]
    )
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_failed_expectation_names_the_step_without_a_traceback(project: pytest.Pytester) -> None:
    feature(project, ORDER_FEATURE.format(then="Then the order total is 59.97"))
    result = project.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "features/shop.feature:8  Then the order total is 59.97",
            "AssertionError: order total is 59.98, expected 59.97",
        ]
    )
    out = result.stdout.str()
    assert "def order_total_is" not in out
    assert "site-packages" not in out


def test_explicit_tb_style_keeps_the_full_traceback(project: pytest.Pytester) -> None:
    feature(project, ORDER_FEATURE.format(then="Then the order total is 59.97"))
    result = project.runpytest_subprocess("--tb=long")
    result.assert_outcomes(failed=1)
    assert "def order_total_is" in result.stdout.str()


def test_step_used_out_of_order_is_one_line(project: pytest.Pytester) -> None:
    feature(
        project,
        "Feature: Orders\n  Scenario: No product\n    Given I am signed in\n"
        "    When I order 2 of the product\n",
    )
    result = project.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "features/shop.feature:4  When I order 2 of the product",
            "AssertionError: no product was created in this scenario",
        ]
    )
