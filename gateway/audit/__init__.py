"""audit subpackage."""
