#!/usr/bin/env python3
"""Traffic for a real capture: UDP datagrams with a TCP connection in between, all on
one loopback address, so that a `tcpdump -i lo ... host ADDRESS` records this and
nothing else.

Run: python3 Fixtures/captures/loopback_traffic.py ADDRESS   (ADDRESS in 127.0.0.0/8)

A receiver bound to ADDRESS takes every datagram, so no port is unreachable (no ICMP
error joins the capture). Prints one line, the number of datagrams received, and exits
0 when that is all of them; every wait is bounded.
"""
import socket
import sys
import threading

SIZES = [0, 1, 5, 100, 1400, 1473, 9000, 65000]


def main(address):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind((address, 0))
    receiver.settimeout(5)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.bind((address, 0))

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind((address, 0))
    server.listen(1)
    server.settimeout(5)

    def serve():
        connection, _ = server.accept()
        with connection:
            connection.settimeout(5)
            data = connection.recv(4096)
            connection.sendall(data.upper())

    thread = threading.Thread(target=serve)
    thread.start()

    sent = 0
    for index, size in enumerate(SIZES):
        sender.sendto(bytes((index + position) & 0xFF for position in range(size)), receiver.getsockname())
        sent += 1
        if index == len(SIZES) // 2:
            # The TCP connection, between datagrams: handshake, data both ways, close.
            client = socket.create_connection(server.getsockname(), timeout=5)
            client.sendall(b"tcp in the middle")
            client.recv(4096)
            client.close()
            thread.join(5)
    received = 0
    try:
        while received < sent:
            receiver.recv(65535)
            received += 1
    except socket.timeout:
        pass
    print(received)
    return 0 if received == sent else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: loopback_traffic.py ADDRESS")
    sys.exit(main(sys.argv[1]))
