"""Loaded by Python at start-up when this folder is on PYTHONPATH: refuse every outbound connection.

Connections to loopback and Unix sockets are allowed; any other attempt is appended to the file
named by OPSMAP_NONET_LOG and fails, so a test can prove that nothing tried to go out.
"""
import ipaddress
import os
import socket

_LOG = os.environ.get("OPSMAP_NONET_LOG", "")
_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def _is_local(address) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX path
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guard(sock, address):
    if not _is_local(address):
        if _LOG:
            with open(_LOG, "a", encoding="utf-8") as log:
                log.write(f"{os.getpid()} {address!r}\n")
        raise OSError(f"blocked by the test: outbound connection to {address!r}")


def connect(self, address):
    _guard(self, address)
    return _connect(self, address)


def connect_ex(self, address):
    _guard(self, address)
    return _connect_ex(self, address)


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
