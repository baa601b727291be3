"""The public site: static pages, Atom feeds and iCalendar files built from the database.

``build.build_site`` is the entry point (``vigie site build``); ``content`` reads the database,
``render`` holds the Jinja2 environment, ``ical`` writes calendars, ``layout`` names every file,
and ``writer`` writes them atomically. See docs/site.md.
"""
