"""Public pages of the incident catalog, one small module per kind of page."""
