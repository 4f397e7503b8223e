"""Out of Germany (issue 9): NL/AT mock portals fetching a German company's register data
from the DE node over AS4 (our provider role, preview at our preview space)."""
