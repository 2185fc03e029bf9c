"""The framework tests' copy of the shop's models (``models/shop*``), named by their profiles."""
