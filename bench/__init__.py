"""The force-scale benchmark: `make bench` seeds, measures and writes bench/results.md."""
