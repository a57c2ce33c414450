"""Accessories and consumables: kit that is not a serialised device, counted per Tech Bar."""
