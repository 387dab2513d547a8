"""Write paths of the venues. Import the functions from their modules:

- `venues.services.venues`: create a venue, its phases, checklist and team
- `venues.services.assignment`: assign reviewers by hand, automatically or from a file
- `venues.services.reviews`: a reviewer's checklist review and the chair's decision
- `venues.services.exports`: background builds of a venue's ZIP of review packets
"""
