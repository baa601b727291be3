"""A subscription's channels: its apprise URLs, and the URLs of its apprise config file (by tag).

Each channel is tracked on its own (see ``outbox.py``): a hit sent to the email channel and
not to the chat one is retried on the chat one only. A channel is known by a key, a hash of
its apprise URL as apprise writes it back, so that the database never holds a second copy of
a secret and no log shows one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import apprise
from apprise.plugins.email import NotifyEmail

from notify.redact import apprise_silenced, instantiate, mask_plugin

CONFIG_SUFFIXES = (".yaml", ".yml", ".txt", ".conf", ".cfg")


class ChannelError(ValueError):
    """A channel apprise cannot use. The message never contains the URL, only its position and scheme."""


@dataclass
class Channel:
    """One apprise service of a subscription."""

    key: str
    label: str  # masked, for people
    plugin: object = field(repr=False)

    @property
    def is_email(self) -> bool:
        # Exactly apprise's SMTP plugin: its subclasses (Delta Chat…) speak their own protocol.
        return type(self.plugin) is NotifyEmail

    @property
    def body_maxlen(self) -> int:
        return int(getattr(self.plugin, "body_maxlen", 0) or 0)

    @property
    def title_maxlen(self) -> int:
        return int(getattr(self.plugin, "title_maxlen", 0) or 0)


def channel_key(plugin) -> str:
    return hashlib.sha256(plugin.url().encode("utf-8")).hexdigest()[:16]


def _channel(plugin) -> Channel:
    return Channel(channel_key(plugin), mask_plugin(plugin), plugin)


def _scheme(url: str) -> str:
    return url.split("://", 1)[0] if "://" in url else "(none)"


def parse_urls(urls: list[str], owner: str) -> list[Channel]:
    """The channels of ``urls``; raises :class:`ChannelError` on the first one apprise cannot parse."""
    channels = []
    for number, url in enumerate(urls, start=1):
        plugin = instantiate(url) if isinstance(url, str) else None
        if plugin is None:
            raise ChannelError(
                f"{owner}: URL #{number} (scheme {_scheme(str(url))!r}) is not an apprise URL apprise can use: "
                "check its scheme and fields against https://appriseit.com/services/ (the URL is not shown: "
                "it may hold a secret)"
            )
        channels.append(_channel(plugin))
    return channels


def parse_config(path: str, tags: list[str], owner: str) -> list[Channel]:
    """The channels of an apprise config file (YAML or TEXT), only those with one of ``tags`` if given."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise ChannelError(f"{owner}: apprise config file {file} does not exist")
    if file.suffix.lower() not in CONFIG_SUFFIXES:
        raise ChannelError(f"{owner}: {file} should be an apprise config file ({', '.join(CONFIG_SUFFIXES)})")
    config = apprise.AppriseConfig()
    with apprise_silenced():
        config.add(str(file))
        notifier = apprise.Apprise()
        notifier.add(config)
        plugins = list(notifier.find(tag=list(tags) if tags else "all"))
    if not plugins:
        wanted = f" tagged {', '.join(tags)}" if tags else ""
        raise ChannelError(
            f"{owner}: apprise found no usable URL{wanted} in {file}: check the file "
            "(https://appriseit.com/getting-started/configuration/)"
        )
    return [_channel(p) for p in plugins]


def subscription_channels(subscription, timeout_s: float | None = None) -> list[Channel]:
    """Every channel of a subscription, its URLs first, then its config file's. Raises ChannelError.

    ``timeout_s``: the seconds each channel gets to connect, and then to answer (see :func:`allow`).
    """
    owner = f"subscription {subscription.name!r}"
    channels = parse_urls(list(subscription.urls or []), owner)
    if subscription.apprise_config:
        channels += parse_config(subscription.apprise_config, list(subscription.tags or []), owner)
    unique = {c.key: c for c in channels}
    if timeout_s:
        for channel in unique.values():
            allow(channel.plugin, timeout_s)
    return list(unique.values())


def allow(plugin, timeout_s: float) -> None:
    """Give ``plugin`` at least ``timeout_s`` seconds to connect and to answer, where its URL set no
    timeout of its own (``cto=``, ``rto=``): apprise's 4 s fail a webhook that takes 5 every time.

    Applied after the channel's key is computed: the key (a hash of the URL apprise writes back,
    timeouts included) stays that of the URL as subscribed.
    """
    for name in ("socket_connect_timeout", "socket_read_timeout"):
        default = getattr(type(plugin), name)
        if getattr(plugin, name) == default:
            setattr(plugin, name, max(timeout_s, default))
