"""Dataset snapshots: the whole public registry as citable, checksummed files."""
