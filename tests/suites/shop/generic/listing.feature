@products
Feature: The catalogue through the generic vocabulary
  The same shop, checked with the steps any API can use: listing and pagination,
  orders filtered by product, and the shape of error answers.

  Background:
    Given I am signed in

  Scenario: Pages of the catalogue have the size asked for
    When I POST /products with JSON:
      """
      {"name": "${unique(Page test)}", "price": "4.50", "stock": 3}
      """
    Then the response status is 201
    And I remember the response JSON at id as product_id
    And to clean up, I DELETE /products/${product_id}
    Given the query parameters are:
      | limit  | 1 |
      | offset | 0 |
    When I GET /products
    Then the response status is 200
    And the response JSON at items has 1 item
    And the response JSON at limit is 1
    And the response JSON matches:
      """
      {"items": "#array", "total": "#number", "limit": 1, "offset": 0}
      """
    And the response JSON at items[0] matches the "Product" model

  Scenario: Orders can be filtered by product
    When I POST /products with JSON:
      """
      {"name": "${unique(Filter test)}", "price": "2.00", "stock": 10}
      """
    And I remember the response JSON at id as product_id
    And to clean up, I DELETE /products/${product_id}
    And I POST /orders with JSON:
      """
      {"product_id": ${product_id}, "quantity": 2}
      """
    Then the response status is 201
    And I remember the response JSON at id as order_id
    And to clean up, I DELETE /orders/${order_id}
    And the response matches the "Order" model
    And the response JSON contains:
      """
      {"product_id": "${product_id}", "quantity": 2, "total": "4.00", "created_at": "#date-time"}
      """
    Given the query parameter "product_id" is "${product_id}"
    When I GET /orders
    Then the response JSON at total is 1
    And the response JSON at items[0].id is ${order_id}
    And the response JSON at items[*].product_id contains ${product_id}

  Scenario: An unknown product answers a problem document
    When I GET /products/2147483647
    Then the response status is 404
    And the response header "Content-Type" contains "application/problem+json"
    And the response JSON matches:
      """
      {"type": "#string", "title": "Not Found", "status": 404, "detail": "#string", "instance": "#string", "errors": "##array"}
      """

  Scenario: An invalid product names the field, without echoing the input
    When I POST /products with the fields:
      | name  | ${unique(Bad price)} |
      | price | "-1"                 |
      | stock | 1                    |
    Then the response status is 422
    And the response JSON at errors[0].field is "price"
    And the response body contains "price"
