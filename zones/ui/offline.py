"""Keep the Streamlit server offline (#10).

Streamlit checks a cross-origin websocket's origin against the machine's own addresses,
found by "connecting" a UDP socket to 8.8.8.8 and fetching checkip.amazonaws.com — on
every refused attempt while offline, each blocking for seconds. Filling its cache with
the loopback address answers that check locally (loopback is allowed anyway) and sends
nothing out. ``python -m zones serve`` does this before the server starts;
``zones.ui`` does it again on import, for a server started with ``streamlit run``.
"""

from __future__ import annotations

LOOPBACK = "127.0.0.1"


def keep_streamlit_offline() -> bool:
    """Pre-fill Streamlit's own-address cache; True when Streamlit had one to fill."""
    try:
        from streamlit import net_util
    except ImportError:
        return False
    found = False
    for name in ("_internal_ip", "_external_ip"):
        if hasattr(net_util, name):
            found = True
            if getattr(net_util, name) is None:
                setattr(net_util, name, LOOPBACK)
    return found
