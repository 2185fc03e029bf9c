@users
Feature: My account
  A signed-in user can see their own profile, and look people up by id.

  Background:
    Given I am signed in

  @smoke
  Scenario: I can see my own profile
    When I look up my account
    Then I see my user profile
    And looking up my user id shows the same profile

  @negative
  Scenario: Looking up someone who does not exist
    When I look up the user with id 2147483647
    Then the request fails with status 404
