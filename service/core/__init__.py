"""The service's core: app wiring, settings, database and embedded cluster, errors, security, SQL files."""
