"""The house frame: houses and hazard records, sensitive sites, proximity, imports and the synthetic demo."""
