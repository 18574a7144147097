"""The coaching web app (FastAPI, server-rendered, Jinja2 autoescaped)."""

from .app import create_app

__all__ = ["create_app"]
