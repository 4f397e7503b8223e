"""DE evidence provider unit tests."""
