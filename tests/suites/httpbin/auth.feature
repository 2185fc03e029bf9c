@httpbin @auth
Feature: Authentication schemes against someone else's API
  The profile says how to sign in (here: HTTP Basic with the user and password
  the run was given); a scenario can also send a token it holds in a variable.

  Scenario: Basic auth with the profile's credentials
    Given I am signed in
    When I GET /basic-auth/${user}/${secret(HTTPBIN_PASSWORD)}
    Then the response status is 200
    And the response JSON matches:
      """
      {"authenticated": true, "user": "${user}"}
      """

  Scenario: Without credentials, Basic auth is refused
    Given I am anonymous
    When I GET /basic-auth/${user}/${secret(HTTPBIN_PASSWORD)}
    Then the response status is 401

  Scenario: A bearer token held in a variable
    Given the variable token is "${uuid()}"
    And I use the bearer token ${token}
    When I GET /bearer
    Then the response status is 200
    And the response JSON at authenticated is true

  Scenario: No bearer token, no entry
    When I GET /bearer
    Then the response status is 401
