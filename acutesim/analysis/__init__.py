"""KPIs, confidence intervals, paired scenario comparison and warm-up."""
