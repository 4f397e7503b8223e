"""A mock eID login standing in for Servicekonto.NRW / eIDAS (demo personas, no passwords)."""
