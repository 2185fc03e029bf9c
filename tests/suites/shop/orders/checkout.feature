@orders
Feature: Ordering products
  A signed-in customer orders a quantity of a product. The order takes that
  many from the stock and charges the unit price times the quantity, to the
  cent. The shop never sells stock it does not have.

  Background:
    Given I am signed in
    And a product priced 29.99 with 100 in stock

  @smoke
  Scenario: Ordering takes the stock and charges the exact total
    When I order 2 of the product
    Then the order is confirmed
    And the order total is 59.98
    And the product has 98 in stock

  Scenario Outline: The total is the unit price times the quantity
    When I order <quantity> of the product
    Then the order is confirmed
    And the order total is <total>
    And the product has <left> in stock

    Examples:
      | quantity | total   | left |
      | 1        | 29.99   | 99   |
      | 3        | 89.97   | 97   |
      | 100      | 2999.00 | 0    |

  @negative
  Scenario: An order larger than the stock is refused and takes nothing
    When I order 101 of the product
    Then the order is refused because the stock is short
    And the product has 100 in stock

  @negative
  Scenario: An order for a product that does not exist is refused
    When I order 1 of a product that does not exist
    Then the request fails with status 404

  @negative
  Scenario: Ordering without signing in is refused
    When I order 2 of the product without an access token
    Then the request is refused with status 401
    And the product has 100 in stock

  Scenario: Cancelling an order gives the stock back
    Given I have ordered 5 of the product
    When I cancel the order
    Then the product has 100 in stock
    And the order can no longer be found
