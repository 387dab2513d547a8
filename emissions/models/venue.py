"""Conferences and journals that ask for an emissions disclosure with a paper."""

from __future__ import annotations

from django.db import models


class Venue(models.Model):
    """A venue a disclosure may be submitted to. Kept minimal: the venue area extends it."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
