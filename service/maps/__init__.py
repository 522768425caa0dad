"""Maps: vector tiles, choropleth and key figures, the standalone unit map."""
