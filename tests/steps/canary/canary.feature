Feature: Canaries
  Every channel a secret can take out of a run, exercised on purpose.

  Scenario: A failing assertion shows the request headers
    Given I am signed in
    When I fetch my account with my API key in the query
    Then the request headers are empty

  Scenario: Signing in sends the password
    When I sign in with my username and password
    Then the sign-in request body is empty

  Scenario: Output and logs at every level
    Given I am signed in
    When I print and log everything I know
    Then the request headers are empty

  Scenario: A URL with credentials in it fails
    When I call a URL with credentials in it
    Then the request headers are empty

  Scenario: A response carrying secrets breaks its contract
    Given I am signed in
    When a response carrying secrets breaks its contract
    Then the request headers are empty

  Scenario: A Basic credential
    When I send a Basic credential
    Then the request headers are empty

  Scenario: A long value holding the password
    Then a long value holding the password matches

  Scenario: A step gives up naming the token
    Given I am signed in
    Then I give up naming my token

  Scenario: A step skips naming the API key
    Then I skip naming my API key

  Scenario: The sign-in goes into the JUnit report
    When I sign in with my username and password
    Then I record the sign-in for the JUnit report

  Scenario: A service answers with a camelCase token
    When I sign in to a service that answers in camelCase
    Then the issued token is empty

  Scenario: A sign-in form is redirected to another origin
    When I sign in at an address that moved to another origin
    Then the request headers are empty

  Scenario: A service answers in plain text with a session token
    When I fetch a session from a service that answers in plain text
    Then the plain-text answer holds no session token

  Scenario: An export is cut in the middle of the password
    When I download an export with the password at its cut
    Then the export is empty
