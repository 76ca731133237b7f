"""The bundled demo sources: a small Arabic news site built from the ANT corpus (see NOTICE.md).

``nashra demo`` serves it on loopback with :func:`serve_site` and points the pipeline at
:func:`demo_sources`.
"""

from nashra.demo.server import demo_site_root, demo_sources, read_manifest, serve_site

__all__ = ["demo_site_root", "demo_sources", "read_manifest", "serve_site"]
