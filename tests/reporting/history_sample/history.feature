Feature: Run history
  Scenarios whose results depend on which run this is, to exercise the run history.

  Scenario: Always passes
    Given the sky is blue

  Scenario: Fails in the second run only
    Given the sky is blue
    Then this is not the second run

  Scenario Outline: Counting apples
    Given <count> apples

    Examples:
      | count |
      | 1     |
      | 2     |
