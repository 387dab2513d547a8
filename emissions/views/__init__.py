"""Disclosure pages: public (leaderboard, disclosure), researcher, reviewer and planner."""
