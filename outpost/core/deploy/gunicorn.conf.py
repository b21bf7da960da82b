"""gunicorn's settings for Outpost (`gunicorn -c …/gunicorn.conf.py outpost.wsgi`), read from
the environment like the app's own (docs/deploy.md)."""

import multiprocessing
import os

bind = os.environ.get("OUTPOST_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("OUTPOST_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("OUTPOST_THREADS", "1"))
timeout = int(os.environ.get("OUTPOST_REQUEST_TIMEOUT", "120"))  # imports and PDFs take time
graceful_timeout = 30
keepalive = 5
# A worker that leaked memory is replaced after a while; jitter keeps them from all going at once.
max_requests = 2000
max_requests_jitter = 200
# Only nginx on this machine may say who the client is and that the request came over TLS.
forwarded_allow_ips = os.environ.get("OUTPOST_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = "info"
limit_request_line = 8190
