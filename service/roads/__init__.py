"""Road networks: import of line layers, topology, coverage of sampling units, the pgRouting travel matrix."""
