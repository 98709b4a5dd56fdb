"""Loading and validating region packs and experiment files into domain objects."""
