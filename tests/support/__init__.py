"""Helpers shared by the tests: real processes on free ports (see tests/conftest.py)."""
