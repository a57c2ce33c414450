"""Asset-tag labels: barcodes and QR codes laid out for a sheet of labels, printed from the admin."""
