"""evidence subpackage."""
