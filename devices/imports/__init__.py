"""The MDM import: devices from an Intune-style CSV, in the device admin or by
`manage.py import_devices`, and large files run as jobs by a worker."""
