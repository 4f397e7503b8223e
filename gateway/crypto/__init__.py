"""crypto subpackage."""
