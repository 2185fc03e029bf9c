@orders
Feature: Business steps and generic steps together
  Domain steps say what the business means; generic steps check the wire. Both
  run on the same machinery, so they share variables, evidence and clean-up.

  Background:
    Given I am signed in
    And a product priced 12.50 with 10 in stock

  Scenario: An order read back over HTTP has the exact total
    When I order 4 of the product
    Then the order is confirmed
    When I GET /orders/${order_id}
    Then the response status is 200
    And the response JSON at total is "50.00"
    And the response JSON at product_id is ${product_id}
    And the product has 6 in stock
