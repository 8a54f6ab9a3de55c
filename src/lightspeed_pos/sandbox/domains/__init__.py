"""Behaviour by domain: what one entity does beyond plain field storage."""
