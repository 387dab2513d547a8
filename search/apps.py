from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Search reads the domains from above: they announce changed records through
    `registry.signals.documents_changed`, which this app follows (see docs/architecture.md)."""

    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from registry.accounts.sections import account_section_register
        from registry.health import health_check_register
        from registry.signals import documents_changed
        from registry.text_similarity import similar_text_register
        from search.health import check_search
        from search.indexing import documents_changed_sync
        from search.similarity import similar_texts

        documents_changed.connect(documents_changed_sync, dispatch_uid="search.sync_documents")
        health_check_register("search", check_search)
        similar_text_register(similar_texts)
        account_section_register("search/_account_following.html", order=20)
