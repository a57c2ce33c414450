"""The core's models: the catalogue (Tech Bars, their opening hours, device models) and devices,
assignments and their custody history. `devices.models` re-exports them."""
