"""Importing user files: streamed reading (``readers``), then mapping and validation."""
