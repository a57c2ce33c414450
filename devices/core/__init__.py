"""The devices core: the catalogue (Tech Bars, device models), devices, assignments and the
custody services, My kit, the device list and pages. Every other capability builds on it."""
