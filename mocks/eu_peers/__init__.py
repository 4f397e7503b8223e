"""Mocked foreign systems of the OOTS: the NL and AT access points and the EU common services.

Each runs as its own process and speaks the real protocol (AS4 over HTTP; the EB/DSD
RegRep REST query interface with signed answers):

* ``python -m mocks.eu_peers.access_point --country NL|AT ...`` (:mod:`.access_point`);
* ``python -m mocks.eu_peers.common_services ...`` (:mod:`.common_services`, data in
  :mod:`.data`);
* ``python -m mocks.demo`` starts them with the DE node (``make demo``).
"""
