"""Alerts: subscriptions, messages rendered with Jinja2, delivery through apprise."""

# The languages of alerts (templates/<language>/) and of the public site (site/strings.yaml).
LANGUAGES = ("fr", "en")
