"""The framework tests' copy of the demo shop's suite: features, steps and models."""
