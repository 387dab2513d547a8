"""Sections of the account page contributed by each area.

An area registers a template from its AppConfig.ready():

    from registry.accounts.sections import account_section_register
    account_section_register("emissions/_account_disclosures.html", order=10)

The template is included on /accounts/ with the request context (`user`, `request`); it
loads its own data (for example through an inclusion tag calling the area's selector) and
renders a `<section>` with an `<h2>`, or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class AccountSection:
    order: int
    template: str


_SECTIONS: set[AccountSection] = set()


def account_section_register(template: str, *, order: int = 100) -> None:
    _SECTIONS.add(AccountSection(order=order, template=template))


def account_sections() -> list[str]:
    return [section.template for section in sorted(_SECTIONS)]
