"""Platform spiders: one per way councils publish. A council is configuration for one of them."""
