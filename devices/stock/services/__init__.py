"""The stock services, every public name re-exported here:
- stock: the low-stock alert and transfers between Tech Bars;
- stocktake: a Tech Bar counts its shelves and marks what is missing lost.
"""

from devices.stock.services.stock import stock_level_check, transfer_receive, transfer_send
from devices.stock.services.stocktake import (
    StocktakeAlreadyOpen,
    stocktake_close,
    stocktake_mark_lost,
    stocktake_missing_found,
    stocktake_scan,
    stocktake_start,
)

__all__ = [
    "StocktakeAlreadyOpen",
    "stock_level_check",
    "stocktake_close",
    "stocktake_mark_lost",
    "stocktake_missing_found",
    "stocktake_scan",
    "stocktake_start",
    "transfer_receive",
    "transfer_send",
]
