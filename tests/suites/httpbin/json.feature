@httpbin
Feature: Reading JSON from an API nobody here wrote
  httpbin answers a sample slideshow at /json and echoes what it is sent. These
  scenarios use only the generic vocabulary: no Python was written for them.

  @smoke
  Scenario: A field, a list's length and the whole shape
    When I GET /json
    Then the response status is 200
    And the response header "Content-Type" is "application/json"
    And the response JSON at slideshow.title is "Sample Slide Show"
    And the response JSON at slideshow.slides has 2 items
    And the response JSON at slideshow.slides[1].items contains "Why <em>WonderWidgets</em> are great"
    And the response JSON at slideshow.publisher is absent
    And the response JSON matches:
      """
      {
        "slideshow": {
          "author": "#string",
          "date": "#string",
          "title": "#regex Sample .*",
          "slides": "#array"
        }
      }
      """

  Scenario: A JSON body is sent with variables, and echoed back
    Given the variable quantity is 3
    And the variable reference is "${uuid()}"
    When I POST /anything with JSON:
      """
      {"quantity": "${quantity}", "reference": "${reference}", "note": "order ${reference}"}
      """
    Then the response status is 200
    And the response JSON at json.quantity is 3
    And the response JSON at json.reference is "${reference}"
    And the response JSON at json contains:
      """
      {"quantity": "#number", "reference": "#uuid", "note": "#regex order .+"}
      """

  Scenario: A body from a table, query parameters and headers from tables
    Given the query parameters are:
      | page | 2  |
      | size | 10 |
    And the request headers are:
      | X-Request-Source | api-bdd |
    When I PUT /anything with the fields:
      | name  | Desk lamp |
      | price | 29.99     |
      | stock | 100       |
      | code  | "007"     |
    Then the response status is 200
    And the response JSON at args.page is "2"
    And the response JSON at headers."X-Request-Source" is "api-bdd"
    And the response JSON at json matches:
      """
      {"name": "Desk lamp", "price": 29.99, "stock": 100, "code": "007"}
      """

  Scenario: A form body
    When I POST /post with the form:
      | customer | Ada Lovelace |
      | size     | large        |
    Then the response JSON at form.customer is "Ada Lovelace"
    And the response JSON at headers."Content-Type" contains "application/x-www-form-urlencoded"

  Scenario: A value remembered from one answer is used in the next request
    When I GET /uuid
    And I remember the response JSON at uuid as id
    And I GET /anything/items/${id}
    Then the response JSON at url contains "/anything/items/${id}"

  Scenario: Polling until an answer is ready
    When within 5 seconds I GET /anything/jobs/1 until the response JSON at method is "GET"
    Then the response status is 200
