"""Relay's worker side: claims jobs, runs the agent backends, emits events."""
