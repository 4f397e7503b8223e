"""Benchmarks: ``python -m bench [--only NAME]`` prints one JSON object ``{name: result}``."""
