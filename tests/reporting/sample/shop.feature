@shop
Feature: A sample of every kind of result
  Written to exercise the living documentation:
  passing, failing, undefined and skipped scenarios.

  Background:
    Given I am signed in

  @smoke
  Scenario: A product is created
    When I add a product "Desk lamp" priced 29.99 with 100 in stock
    Then the product is created

  Scenario: The stock is wrong
    Given a product priced 29.99 with 100 in stock
    When I order 2 of the product
    Then the product has 97 in stock

  Scenario: A step nobody wrote
    When I order 2 of the product
    Then the moon is made of cheese

  @skip
  Scenario: Not today
    When I look up my account

  Scenario Outline: Totals
    Given a product priced <price> with 10 in stock
    When I order <quantity> of the product
    Then the order total is <total>

    Examples:
      | price | quantity | total |
      | 1.50  | 2        | 3.00  |
      | 2.25  | 4        | 9.00  |

  Rule: Notes travel with the request

    Scenario: A table and a doc string
      Given these notes:
        | kind  | text      |
        | hello | world     |
      And this letter:
        """
        Dear shop,
        please keep my order.
        """
