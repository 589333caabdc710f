"""An independent fake of the Super SIM v1 API (imports nothing from ``api`` or ``tui``).

``Simulator`` is an ASGI app; use it in-process through :func:`asgi_transport`
or serve it on loopback with :func:`serve`.
"""

from .app import LoggedRequest, Simulator, SimulatorTransport, asgi_transport
from .state import SimulatorConfig

__all__ = ["LoggedRequest", "Simulator", "SimulatorConfig", "SimulatorTransport", "asgi_transport"]
