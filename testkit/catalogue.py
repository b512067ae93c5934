"""The bundled companies and topics numbered as a fresh database numbers them (1, 2, …), for
the tests and benches that recognise text without a database."""

from __future__ import annotations

from news.catalog.bundled import bundled_companies, bundled_topics
from news.core.models import Company, Topic


def bundled_catalogue() -> tuple[list[Company], list[Topic]]:
    """The bundled companies and topics as the database would number them."""
    companies = [
        Company(number, spec.name, spec.english_name, spec.aliases)
        for number, spec in enumerate(bundled_companies(), start=1)
    ]
    topics = [
        Topic(number, spec.key, spec.name_en, spec.name_ko, spec.keywords)
        for number, spec in enumerate(bundled_topics(), start=1)
    ]
    return companies, topics
