"""nginx for Relay: the configuration template, its renderer and the static build."""
