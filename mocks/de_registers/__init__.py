"""A mocked German Handelsregister (XNachweis question in, XJustiz register content out)."""
