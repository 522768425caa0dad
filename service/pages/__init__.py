"""The pages the browser loads (served from web/), each declaring who may open it."""
