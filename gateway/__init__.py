"""Germany's node in the EU Once-Only Technical System (OOTS).

Subpackages: ``ebms`` (eDelivery AS4 / ebMS3), ``evidence`` (OOTS EDM messages,
validation, preview), ``audit`` (signed exchange log), ``registers`` (national
register adapters), ``store`` (durable state), ``xml`` (the one hardened parser).
"""

__version__ = "0.1.0"
