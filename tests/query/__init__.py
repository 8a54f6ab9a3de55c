"""Tests of the query language (lightspeed_pos.query)."""
