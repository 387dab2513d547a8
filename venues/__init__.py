"""Venues: conferences and journals that ask for a disclosure with each paper, their review
phases and checklists, reviewer assignment, reviews, decisions and review packets. A domain that
builds on emissions (a venue reviews disclosures); emissions does not import it."""
