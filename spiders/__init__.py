"""Vigie's Scrapy project: settings, items, pipelines, middlewares and the platform spiders."""
