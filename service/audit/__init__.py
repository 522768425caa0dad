"""The audit trail: every write, hash-chained and append-only."""
