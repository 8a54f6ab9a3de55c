"""Engine: the store, routing of API paths, queries, relations, reads, writes and wire formatting."""
