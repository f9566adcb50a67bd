"""Helpers shared by the tests: reading exports back, standard plans."""
