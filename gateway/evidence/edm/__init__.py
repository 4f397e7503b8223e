"""OOTS EDM evidence exchange messages (``oots-edm:v1.0`` and ``oots-edm:v2.0``).

Typed, frozen models with builders (model -> XML bytes) and parsers (bytes -> model)
for the evidence request (``query:QueryRequest``), the evidence response and the
error response (``query:QueryResponse``). No I/O happens in this package.
"""
