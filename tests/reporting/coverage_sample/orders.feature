Feature: A few orders
  Background:
    Given I am signed in
    And a product priced 29.99 with 100 in stock

  Scenario: An order is placed
    When I order 2 of the product
    Then the order is confirmed

  Scenario: Too many
    When I order 101 of the product
    Then the order is refused because the stock is short
