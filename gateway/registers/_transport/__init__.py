"""HTTP transports of the register adapters (the only I/O of :mod:`gateway.registers`)."""
