"""EAX workflow library: the pure, unit-tested functions that the Snakemake rules' scripts call."""
