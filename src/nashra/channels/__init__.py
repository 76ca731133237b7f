"""Channel adapters: each plans a ``Post`` into parts and sends them, nothing else.

One contract (``Channel``: ``plan``, ``send``, ``edit``, ``delete``, ``reconcile``, and the
``Traits`` each kind declares); built-in kinds register through ``register`` exactly as an
outside plugin would; the pipeline looks kinds up in the registry, never through an if/elif
ladder. Transport errors are read in one place, ``nashra.channels.transport``.
"""

from __future__ import annotations

from nashra.channels import feeds as _feeds  # noqa: F401  (registers "feed")
from nashra.channels import local as _local  # noqa: F401  (registers "directory", "stdout")
from nashra.channels import telegram as _telegram  # noqa: F401  (registers "telegram")
from nashra.channels import webhook as _webhook  # noqa: F401  (registers "webhook")
from nashra.channels import wordpress as _wordpress  # noqa: F401  (registers "wordpress")
from nashra.channels.base import (
    BaseChannel,
    Channel,
    ChannelOptions,
    Check,
    Reconciled,
    Traits,
    build_channel,
    register,
    registry,
)

__all__ = [
    "BaseChannel",
    "Channel",
    "ChannelOptions",
    "Check",
    "Reconciled",
    "Traits",
    "build_channel",
    "register",
    "registry",
]
