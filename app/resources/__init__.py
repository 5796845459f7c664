"""Thin Falcon resources: each receives its collaborators in the constructor."""
