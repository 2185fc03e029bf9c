@auth
Feature: Access tokens
  People sign in with their username and password and get a short-lived bearer
  token. Every change to the shop needs one.

  @smoke
  Scenario: A registered user gets an access token
    When I sign in with my username and password
    Then I receive a bearer access token
    And the token expires within 24 hours

  @negative
  Scenario: A wrong password is refused
    When I sign in with a wrong password
    Then the request is refused with status 401
    And no access token is issued
