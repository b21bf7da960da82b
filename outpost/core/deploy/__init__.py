"""Production configuration rendered from settings: nginx, gunicorn and systemd (docs/deploy.md)."""
