# The tutorials' UDP client: send one message to (ip, port) and print the reply with
# the address it came from.
#   python3 client.py PORT MESSAGE
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(sys.argv[2].encode('utf-8'), ('127.0.0.1', int(sys.argv[1])))
data, addr = s.recvfrom(1024)
print(data.decode('utf-8'), addr)
