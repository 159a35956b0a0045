"""Gunicorn settings for Vrijstad: `gunicorn --config deploy/gunicorn.conf.py`.

Every value can be changed from the environment (the systemd unit reads
/etc/vrijstad/vrijstad.env); see deploy/vrijstad.env.example.
"""

import json
import multiprocessing
import os
import time

from gunicorn.glogging import Logger

wsgi_app = "vrijstad:create_app()"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: CPU-bound pages (search, PDFs), nginx buffers slow clients for them.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a worker silent this long is killed
graceful_timeout = 30  # seconds a worker gets to finish its request on restart or stop
max_requests = 2000  # replace each worker now and then, so no leak can grow for long
max_requests_jitter = 200
# X-Forwarded-Proto etc. are believed only from these addresses (nginx on the same machine);
# the app's own PROXY_FIX_* settings decide which forwarded headers it trusts.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "vrijstad"
control_socket_disable = True  # gunicorn 25+: no socket in the service user's home

accesslog = "-"  # stderr: the journal
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


class JsonAccessLogger(Logger):
    """Gunicorn's access log as one JSON object per request (the app logs its own too)."""

    def access(self, resp, req, environ, request_time):
        if not self.cfg.accesslog:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "logger": "gunicorn.access",
            "remote_addr": atoms["h"],
            "forwarded_for": atoms.get("{x-forwarded-for}i"),
            "request_id": atoms.get("{x-request-id}i") or atoms.get("{x-request-id}o"),
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"] or None,
            "status": int(atoms["s"]),
            "bytes": atoms["B"],
            "duration_ms": atoms["M"],
            "referer": atoms["f"],
            "user_agent": atoms["a"],
        }
        self.access_log.info(json.dumps(entry))


logger_class = JsonAccessLogger
