"""Mocked German authorities: the Gewerbeamt inboxes (one per AGS) over real HTTP."""
