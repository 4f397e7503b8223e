"""The German evidence provider: EDM request in, Handelsregister evidence (XML + PAdES PDF) out.

See ``docs/provider.md``.
"""
