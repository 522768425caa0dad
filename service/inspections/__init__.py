"""Inspections: the on-site form, its review, and what follows from the findings (notices, control measures)."""
