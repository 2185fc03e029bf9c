Feature: Demo values
  Scenario Outline: A demo key in an example
    Given the client would send "X-API-Key: <value>"

    Examples:
      | value         |
      | demo-key-0001 |
