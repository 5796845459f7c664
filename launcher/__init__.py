"""The launcher: runs a whole Relay stack in the foreground (``python -m launcher``)."""
