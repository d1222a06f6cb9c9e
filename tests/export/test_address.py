"""The download server's address in the QR links: this computer's LAN address, not localhost."""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import pytest

from patrol.export.address import choose_address, export_base_url, interface_addresses
from patrolbase.settings import Settings

WARD_WIFI = [("lo", "127.0.0.1"), ("docker0", "172.17.0.1"), ("wlp2s0", "192.168.1.20")]


@pytest.mark.parametrize(
    ("interfaces", "chosen"),
    [
        (WARD_WIFI, "192.168.1.20"),
        ([("lo", "127.0.0.1"), ("enp3s0", "10.20.0.7")], "10.20.0.7"),
        ([("lo", "127.0.0.1"), ("docker0", "172.17.0.1")], "172.17.0.1"),  # better than none
        ([("lo", "127.0.0.1"), ("eth0", "169.254.3.4")], None),  # link-local: no DHCP answer
        ([("lo", "127.0.0.1")], None),
        ([], None),
    ],
)
def test_the_address_phones_can_reach_is_chosen(
    interfaces: list[tuple[str, str]], chosen: str | None
) -> None:
    assert choose_address(interfaces) == chosen


def test_the_link_host_is_the_lan_address_not_localhost() -> None:
    url = export_base_url(Settings(), addresses=WARD_WIFI)
    assert url == "http://192.168.1.20:8765"
    assert urlsplit(url).hostname not in ("localhost", "127.0.0.1")


def test_settings_override_the_address_found() -> None:
    settings = Settings().replace(export={"address": "10.0.0.5", "port": 9000})
    assert export_base_url(settings, addresses=WARD_WIFI) == "http://10.0.0.5:9000"
    assert export_base_url(Settings(), addresses=[("lo", "127.0.0.1")]) == "http://127.0.0.1:8765"


def test_this_machine_is_read_without_sending_anything() -> None:
    # The tests' socket guard refuses any connection off this machine: reading the interfaces
    # makes none. Loopback is always there on Linux.
    found = interface_addresses()
    if sys.platform.startswith("linux"):
        assert ("lo", "127.0.0.1") in found
    lan = choose_address(found)
    if lan is not None:
        assert urlsplit(export_base_url(Settings())).hostname == lan
