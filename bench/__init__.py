"""The force-scale benchmark (issue 14): `make bench` seeds, measures and writes bench/results.md."""
