"""Demo data of the mocked EU common services (scenario modules, built at run time).

:mod:`.company_registration` holds the one scenario the demo uses: the company
registration requirement of procedure ``X1`` with the Handelsregister (DE), KvK (NL) and
Firmenbuch (AT) extracts and their data services.
"""
