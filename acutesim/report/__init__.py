"""Figures, maps and the HTML report; matplotlib is imported lazily inside functions."""
