"""Search over the catalog and the disclosures: pages, API, engines and indexing. A layer on
top of the domains: it imports them, they tell it what changed through
`registry.signals.documents_changed`."""
