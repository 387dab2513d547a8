"""`{% load search_tags %}`: the search area's tags (registry/search/templatetags/), exposed
where Django looks for tag libraries: the registry app's templatetags package."""

from registry.search.templatetags.search_tags import register

__all__ = ["register"]
