"""Distributed crawling: several crawler processes, on several machines, share one crawl.

Built on scrapy-redis: each source's requests wait in one Redis queue and go through one Redis
duplicate filter, whichever process found them, and every process takes its next request from
that queue; documents land in the shared database (PostgreSQL). ``vigie crawl --distributed
redis://HOST:6379/0 SOURCE…`` on each machine; see docs/operations.md.

What this module adds to scrapy-redis's scheduler (which, used as is, ends a crawl as soon as
one process runs out of work, and files every source under the spider's name, ``html``):

- keys per source: ``<prefix>:<source id>:{requests,dupefilter,workers,busy}``;
- the start request of each source, and documents a spider would deduplicate only within its
  own process, go through the shared duplicate filter too (see ``_shared_filter``);
- a process takes from the queue only as many requests as it downloads at once
  (``CONCURRENT_REQUESTS_PER_DOMAIN``), leaving the rest to the others;
- a process stops only when the queue is empty and no live process is busy with a request
  (one might still add some); an idle process polls the queue every ``VIGIE_REDIS_POLL_S``;
- membership with heartbeats: the first process to join a crawl clears what a crashed crawl
  left behind, the last one to leave deletes the crawl's keys. A process that dies with
  requests in flight loses those (the next crawl fetches them).

Settings: ``VIGIE_REDIS_URL`` (required), ``VIGIE_REDIS_PREFIX`` (default ``vigie``),
``VIGIE_REDIS_POLL_S`` (default 1), ``VIGIE_REDIS_HEARTBEAT_S`` (default 10; a process silent
for three heartbeats is considered dead).

Requests travel through Redis pickled (scrapy-redis's default): Redis must be reachable by the
crawler machines only (bind it to the private network, set ``requirepass``).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.connection import get_redis
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

log = logging.getLogger(__name__)

# Join: forget dead workers; the first live one clears a dead crawl's queue; then register.
_JOIN = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2] - ARGV[3])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[2], KEYS[3], KEYS[4]) end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return redis.call('ZCARD', KEYS[1])
"""
# Idle: 1 while the queue has requests, 2 while a live worker is busy, 0 when the crawl is done.
_IDLE = """
redis.call('SREM', KEYS[4], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2] - ARGV[3])
if redis.call('ZCARD', KEYS[2]) > 0 then return 1 end
for _, member in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  if redis.call('ZSCORE', KEYS[1], member) then return 2 end
  redis.call('SREM', KEYS[4], member)
end
return 0
"""
# Leave: the last live worker out deletes the crawl's keys.
_LEAVE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2] - ARGV[3])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4]) return 1 end
return 0
"""


def redis_problem(redis_url: str) -> str | None:
    """Why the crawlers cannot use this Redis server (the password masked), or None."""
    import redis

    shown = re.sub(r"://([^:@/]*):[^@/]*@", r"://\1:***@", redis_url)
    if not redis_url.startswith(("redis://", "rediss://", "unix://")):
        return f"{shown} is not a Redis URL (redis://host:6379/0, rediss://… or unix://…)"
    try:
        get_redis(url=redis_url, socket_connect_timeout=10, socket_timeout=10).ping()
    except redis.RedisError as exc:
        return f"cannot use the Redis server at {shown}: {exc}"
    return None


def distributed_settings(redis_url: str, prefix: str = "vigie") -> dict:
    """The Scrapy settings that make a crawl one of the workers of a shared crawl."""
    return {
        "SCHEDULER": "spiders.distributed.DistributedScheduler",
        "VIGIE_REDIS_URL": redis_url,
        "VIGIE_REDIS_PREFIX": prefix,
    }


def _shared_filter(request) -> bool:
    """Whether a request goes through the shared duplicate filter.

    Every worker's spider yields the source's start request (``dont_filter``): only the first
    counts. Spiders mark document requests ``dont_filter`` because they remove duplicates
    themselves, but only within their own process: across processes only the shared filter can.
    A retry, or a hop of a redirection, is the same request again and must pass.
    """
    if not request.dont_filter:
        return True
    return "retry_times" not in request.meta and "redirect_urls" not in request.meta


class DistributedScheduler(Scheduler):
    """scrapy-redis's scheduler, with one crawl per source shared by the live workers."""

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        url = settings.get("VIGIE_REDIS_URL")
        if not url:
            raise NotConfigured("VIGIE_REDIS_URL setting must be set to the Redis server shared by the crawlers")
        server = get_redis(url=url, socket_timeout=30, socket_connect_timeout=30, retry_on_timeout=True)
        server.ping()
        scheduler = cls(server=server, persist=True, queue_cls="scrapy_redis.queue.PriorityQueue")
        scheduler.crawler, scheduler.stats = crawler, crawler.stats
        scheduler.prefix = settings.get("VIGIE_REDIS_PREFIX") or "vigie"
        scheduler.poll_s = settings.getfloat("VIGIE_REDIS_POLL_S", 1.0)
        scheduler.heartbeat_s = settings.getfloat("VIGIE_REDIS_HEARTBEAT_S", 10.0)
        scheduler.in_hand = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 8))
        scheduler.worker = uuid.uuid4().hex[:8]
        scheduler.busy = False
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    # -- the shared crawl -------------------------------------------------------------

    def _keys(self) -> list[str]:
        base = f"{self.prefix}:{self.crawl_id}"
        return [f"{base}:workers", f"{base}:requests", f"{base}:dupefilter", f"{base}:busy"]

    def _script(self, source: str) -> int:
        return self.server.eval(source, 4, *self._keys(), self.worker, time.time(), 3 * self.heartbeat_s)

    def open(self, spider):
        self.spider = spider
        source = getattr(spider, "source", None)
        self.crawl_id = source.id if source is not None else spider.name
        _, queue_key, dupefilter_key, _ = self._keys()
        self.queue = PriorityQueue(server=self.server, spider=spider, key=queue_key, serializer=self.serializer)
        self.df = RFPDupeFilter(self.server, key=dupefilter_key)
        live = self._script(_JOIN)
        self.heartbeat = task.LoopingCall(self._beat)
        self.heartbeat.start(self.heartbeat_s, now=False)
        # An idle worker waits for the others' requests: look at the queue more often than
        # Scrapy's 5-second heartbeat (an attribute of the engine, not a setting).
        self.crawler.engine._SLOT_HEARTBEAT_INTERVAL = self.poll_s
        log.info(
            "Joined the distributed crawl of %s (%s:%s…) as worker %s with %d live worker(s), %d request(s) queued",
            self.crawl_id,
            self.prefix,
            self.crawl_id,
            self.worker,
            live,
            len(self.queue),
        )

    def _beat(self) -> None:
        self.server.zadd(self._keys()[0], {self.worker: time.time()})

    def close(self, reason):
        if getattr(self, "heartbeat", None) is not None and self.heartbeat.running:
            self.heartbeat.stop()
        last = self._script(_LEAVE)
        log.info(
            "Left the distributed crawl of %s (%s)%s",
            self.crawl_id,
            reason,
            "; it is finished, its keys are deleted" if last else "",
        )

    # -- requests ---------------------------------------------------------------------

    # enqueue_request and next_request are scrapy-redis's, minus the ``spider`` argument to the
    # stats collector, which Scrapy 2.19 deprecates (and a later Scrapy will refuse).

    def enqueue_request(self, request):
        if _shared_filter(request) and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self):
        # Take from the shared queue only what can be downloaded now: Scrapy would otherwise pull
        # up to CONCURRENT_REQUESTS (32) into this process's download queue, out of the others' reach.
        if len(self.crawler.engine.downloader.active) >= self.in_hand:
            return None
        request = self.queue.pop()
        if request is None:
            return None
        self.stats.inc_value("scheduler/dequeued/redis")
        if not self.busy:
            self.server.sadd(self._keys()[3], self.worker)
            self.busy = True
        return request

    def spider_idle(self, spider) -> None:
        """Keep this worker while the queue has requests or another live worker may add some."""
        self.busy = False
        if self._script(_IDLE):
            raise DontCloseSpider
