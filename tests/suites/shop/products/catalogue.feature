@products
Feature: Product catalogue
  Staff add products with a name, a price and the stock on hand. Anyone can
  read the catalogue; only signed-in staff can change it.

  Background:
    Given I am signed in

  @smoke
  Scenario: Adding a product to the catalogue
    When I add a product "Desk lamp" priced 29.99 with 100 in stock
    Then the product is created
    And reading the product back shows the same product

  Scenario: New products appear in the catalogue
    Given a product "Bookshelf" priced 89.00 with 5 in stock
    When I list the newest products in the catalogue
    Then the listing includes the product

  @negative
  Scenario Outline: A product with invalid details is rejected
    When I add a product with <field> set to <value>
    Then the request is rejected as invalid, naming the field "<field>"

    Examples:
      | field | value  |
      | name  | ""     |
      | price | -1     |
      | price | 0.001  |
      | stock | -5     |
      | stock | "many" |
