"""ebms subpackage."""
