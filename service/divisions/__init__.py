"""The administrative tree (province, cities, counties, townships), sampling units and data provenance."""
