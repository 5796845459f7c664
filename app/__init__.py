"""Relay's HTTP side: the Falcon ASGI app that Granian serves."""
