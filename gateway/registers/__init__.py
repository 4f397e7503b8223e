"""registers subpackage."""
