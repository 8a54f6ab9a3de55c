"""The seeded demo store, by domain."""
