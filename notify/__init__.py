"""Alerts: subscriptions, messages rendered with Jinja2, delivery through apprise."""
