"""Kit requests: kit entitlements (the standard kit per role), requests for a device, their
decision, reservation and collection, and the kit gaps list.

The package is `devices.requests`; it shadows nothing, since every import is absolute
(`import requests` still means the HTTP library, which `devices.losses.mdm` uses)."""
