"""Signals the core defines so that domains can tell the layers above them what happened
without importing them (the import rule in docs/architecture.md).

`documents_changed(sender, incident_ids, report_numbers)`: sent on commit, once a write has
changed catalog records that have search documents. A domain's stored PostgreSQL documents are
already refreshed when it is sent; the search app listens to keep any other engine in step.
Receivers must not raise: the write has committed.

`account_created(sender, user, venue)`: sent inside the transaction of `create_account
--venue SLUG`. The area that owns venues receives it, adds the user to that venue and returns a
line to print; raising `ValidationError` rolls the account back. No receiver means no area
knows venues.
"""

from __future__ import annotations

from django.dispatch import Signal

documents_changed = Signal()
account_created = Signal()
