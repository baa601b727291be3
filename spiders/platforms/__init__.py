"""Platform spiders: one per way councils publish. A council is configuration for one of them."""


def platform_language(platform: str) -> str:
    """The usual language of a platform's documents: its spider's ``language`` (French by default)."""
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    return getattr(SpiderLoader.from_settings(settings).load(platform), "language", "fr")
