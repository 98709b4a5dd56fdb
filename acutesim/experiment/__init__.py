"""Experiment specs, seeds, runners (serial, processes, Dask) and the results store."""
