"""SimPy processes of one replication: demand, meldkamer and ambulances, HAP, SEH, boards."""
