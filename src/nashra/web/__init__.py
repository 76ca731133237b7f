"""The website and REST API: right-to-left pages, search, admin, feeds and metrics.

create_app(config, *, store=None, password_hash=None) -> FastAPI
"""

from nashra.web.app import create_app

__all__ = ["create_app"]
