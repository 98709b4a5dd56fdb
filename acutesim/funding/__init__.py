"""Funding regimes and hospital finance as pure functions (no SimPy, no geopandas)."""
