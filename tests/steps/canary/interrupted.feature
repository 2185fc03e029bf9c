Feature: Interrupted runs
  A run that stops in the middle prints the interruption outside any test report.

  Scenario: The run is interrupted while a step holds the password
    When the run is interrupted while I hold my password

  Scenario: A step stops the run naming the token
    When a step stops the run naming my token
