"""Piccolo configuration: the engine from DATABASE_URL, and the project's apps."""

from piccolo.conf.apps import AppRegistry

from app.config import get_settings
from app.db import build_engine

DB = build_engine(get_settings())

APP_REGISTRY = AppRegistry(
    apps=[
        "app.piccolo_app",
        "app.audit.piccolo_app",
        "app.auth.piccolo_app",
        "catalog.piccolo_app",
        "projects.piccolo_app",
        "catalog.requests.piccolo_app",
        "billing.piccolo_app",
    ]
)
