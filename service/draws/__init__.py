"""The draw: plans, county and house draws, publication, verification, replacements, coverage, exports."""
