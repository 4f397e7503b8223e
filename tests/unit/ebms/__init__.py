"""Tests of the ebMS3/AS4 message layer (models, envelopes, MIME, signals, PModes)."""
