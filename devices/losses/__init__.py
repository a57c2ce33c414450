"""Losses: lost, stolen and faulty reports, a lost device found again, the remote actions (SIM
block, remote wipe) they call for, and the MDM adapters that carry those out."""
