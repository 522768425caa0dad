"""Field work: firms and their teams, which team visits which drawn house, and the teams' route plans."""
