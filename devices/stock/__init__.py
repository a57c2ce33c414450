"""Stock at each Tech Bar: low-stock levels, transfers between Tech Bars, and stocktakes."""
