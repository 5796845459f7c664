"""Relay's web app: the Falcon ASGI app that Granian serves.

The factory, resources, the event hub, the chat service, middleware and access rules.
What the watcher shares with it lives in the core package, ``relay/``.
"""
