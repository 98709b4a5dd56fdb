"""Geography: CRS, travel-time models, the 45-minute norm and SEH sensitivity."""
