"""Write paths for disclosures. Import the functions from their modules:

- `emissions.services.disclosures`: create, update, amend, import from CodeCarbon / HF cards
- `emissions.services.workflow`: the transition table and one function per action
- `emissions.services.comments_and_conflicts`: comments and declared conflicts of interest
- `emissions.services.recomputation`: recompute with the estimator, re-verify after a catalog change
"""
