"""The computer's address on the ward network, for the links phones open (QR codes).

A phone on the ward's Wi-Fi cannot open ``localhost``: the links carry the computer's own LAN
address. It is read from the network interfaces when the app starts, without sending anything
(Linux: ``SIOCGIFADDR`` on each interface; elsewhere the addresses of the host name), and a
private IPv4 address (10/8, 172.16/12, 192.168/16) of a real interface is preferred over a
container bridge's. ``[export] address`` in the settings overrides it.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import sys
from collections.abc import Iterable, Sequence

from patrolbase.settings import Settings

__all__ = ["choose_address", "export_base_url", "interface_addresses"]

_VIRTUAL = ("docker", "br-", "veth", "virbr", "lxc", "cni", "flannel", "podman", "tun", "wg")
_SIOCGIFADDR = 0x8915


def interface_addresses() -> list[tuple[str, str]]:
    """Return ``(interface, IPv4 address)`` of every interface that has one (loopback too)."""
    found: list[tuple[str, str]] = []
    if sys.platform.startswith("linux"):
        import fcntl

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for _, name in socket.if_nameindex():
                request = struct.pack("256s", name.encode()[:15])
                try:
                    answer = fcntl.ioctl(sock.fileno(), _SIOCGIFADDR, request)
                except OSError:  # an interface without an IPv4 address
                    continue
                found.append((name, socket.inet_ntoa(answer[20:24])))
        return found
    try:  # pragma: no cover - other platforms
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:  # pragma: no cover
        return []
    return [("", str(info[4][0])) for info in infos]  # pragma: no cover


def choose_address(addresses: Iterable[tuple[str, str]]) -> str | None:
    """Return the address phones should use: a private IPv4 address of a real interface.

    >>> choose_address([("lo", "127.0.0.1"), ("docker0", "172.17.0.1"), ("wlan0", "192.168.1.20")])
    '192.168.1.20'
    >>> choose_address([("lo", "127.0.0.1")]) is None
    True
    """
    ranked: list[tuple[int, str]] = []
    for name, text in addresses:
        try:
            ip = ipaddress.IPv4Address(text)
        except ValueError:
            continue
        if ip.is_loopback or ip.is_link_local or ip.is_unspecified:
            continue
        virtual = name.startswith(_VIRTUAL)
        rank = (2 if virtual else 0) + (0 if ip.is_private else 1)
        ranked.append((rank, text))
    return min(ranked)[1] if ranked else None


def export_base_url(
    settings: Settings, *, addresses: Sequence[tuple[str, str]] | None = None
) -> str:
    """Return the download server's address for links: ``http://<LAN address>:<port>``.

    ``[export] address`` when set; else the address ``choose_address`` finds among
    ``addresses`` (this machine's interfaces by default); else ``127.0.0.1`` (this computer only).
    """
    host = settings.export.address
    if not host:
        found = interface_addresses() if addresses is None else addresses
        host = choose_address(found) or "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"http://{host}:{settings.export.port}"
