# The tutorials' UDP server: bind, then for each datagram print it with the sender's
# address and answer 'hi'. (Ends after COUNT datagrams, so that a test can run it.)
#   python3 server.py PORT [COUNT]
import socket
import sys

port, count = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', port))
print('listening on', s.getsockname(), file=sys.stderr, flush=True)
for _ in range(count):
    data, addr = s.recvfrom(1024)
    print(data.decode('utf-8'), addr, flush=True)
    s.sendto(b'hi', addr)
