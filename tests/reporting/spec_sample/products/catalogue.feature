Feature: Catalogue
  Anyone signed in can list the products.

  Background:
    Given I am signed in

  Scenario: The catalogue lists products
    When I GET /products
    Then the response status is 200

  Scenario: The catalogue pages
    Given the query parameter "limit" is "1"
    And the request header "X-Password" is "${secret(API_PASSWORD)}"
    When I GET /products
    Then the response status is 200
