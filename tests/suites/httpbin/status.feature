@httpbin
Feature: Status codes, redirects, delays and what is not JSON
  Anyone checking an API needs its statuses, its redirects and its timing; and a
  step that expects JSON says what it got instead.

  Scenario Outline: The status code is the one asked for
    When I GET /status/<code>
    Then the response status is <code>

    Examples:
      | code |
      | 200  |
      | 201  |
      | 404  |
      | 418  |

  @no-retry
  Scenario: An expected 503 is seen once, not retried
    When I GET /status/503
    Then the response status is 503

  Scenario: The next request alone can go without retries
    Given the next request is not retried
    When I GET /status/502
    Then the response status is 502
    When I GET /get
    Then the response status is 200

  Scenario: Redirects are followed to the end
    When I GET /redirect/2
    Then the response status is 200
    And the response JSON at url contains "/get"

  Scenario: A slow answer still arrives within its limit
    When I GET /delay/1
    Then the response status is 200
    And the response arrived within 5000 milliseconds

  Scenario: HTML and XML are read as text
    When I GET /html
    Then the response header "Content-Type" contains "text/html"
    And the response body contains "Herman Melville"
    When I GET /xml
    Then the response header "Content-Type" matches "application/xml.*"
    And the response body contains "<slideshow"

  Scenario: An empty answer
    When I GET /status/204
    Then the response status is 204
    And the response body is empty

  Scenario: Response headers
    Given the query parameter "X-Shop-Version" is "2.1"
    When I GET /response-headers
    Then the response header "X-Shop-Version" is "2.1"
    And the response header "X-Not-Sent" is absent
