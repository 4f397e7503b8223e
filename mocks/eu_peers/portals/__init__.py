"""Issue 9 on the mock side: the NL/AT portal pages for German companies, and the world
(every process of both Gewerbe directions on loopback, :mod:`.world`)."""
