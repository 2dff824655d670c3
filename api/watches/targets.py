"""Which webhook addresses the server may call: public http(s) hosts, private ones only when allowed.

A webhook URL is checked when a watch is created and again, after resolving the host,
before every delivery (a name can be pointed at 127.0.0.1 later). Redirects are never
followed, so a public receiver cannot bounce a delivery into the intranet.

>>> target_problem("ftp://example.org/hook", allow_private=False)
'a webhook must be an http or https URL'
>>> target_problem("http://127.0.0.1:9/hook", allow_private=False)
'127.0.0.1 is a private, loopback or reserved address; an operator can allow such targets'
>>> target_problem("http://127.0.0.1:9/hook", allow_private=True) is None
True
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

__all__ = ["MAX_URL_LENGTH", "target_problem"]

MAX_URL_LENGTH = 2000


def _addresses(host: str) -> list[str]:
    try:
        return [ipaddress.ip_address(host).compressed]
    except ValueError:
        pass
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)})
    except (socket.gaierror, UnicodeError):
        return []


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def target_problem(url: str, *, allow_private: bool) -> str | None:
    """Why the server must not call `url`, or None when it may."""
    if len(url) > MAX_URL_LENGTH:
        return f"a webhook URL may have at most {MAX_URL_LENGTH} characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it checks the port
    except ValueError:
        return "the webhook URL cannot be read"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "a webhook must be an http or https URL"
    if parts.username or parts.password:
        return "a webhook URL may not hold a user name or password; the deliveries are signed instead"
    addresses = _addresses(parts.hostname)
    if not addresses:
        return f"the host {parts.hostname} cannot be resolved"
    if not allow_private:
        private = [address for address in addresses if _is_private(address)]
        if private:
            return f"{private[0]} is a private, loopback or reserved address; an operator can allow such targets"
    return None
