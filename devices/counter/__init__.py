"""The Tech Bar counter: a walk-up queue with a barcode scanner, where a whole visit (kit taken
back, kit handed over, the conditions of use accepted) is confirmed once."""
