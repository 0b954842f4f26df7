"""Helpers shared by the test suite (not a pytest plugin; imported by conftest.py)."""
