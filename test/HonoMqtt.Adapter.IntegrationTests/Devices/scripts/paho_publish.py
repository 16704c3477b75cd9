#!/usr/bin/python3
"""Publishes one message with Eclipse Paho (Debian's python3-paho-mqtt) and reports what the broker answered.

usage: paho_publish.py HOST PORT USERNAME PASSWORD TOPIC PAYLOAD QOS {3|5} [CAFILE]
With CAFILE the connection uses TLS, trusting that CA (and checking the server's name).
prints one line: "connack=<code> published=<true|false> disconnected=<true|false>" and exits 0.
"""
import sys
import threading
import time

import paho.mqtt.client as mqtt

host, port, username, password, topic, payload, qos, version = sys.argv[1:9]
v5 = version == "5"
client = mqtt.Client(client_id="paho-test", protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311)
client.username_pw_set(username, password)
if len(sys.argv) > 9:
    client.tls_set(ca_certs=sys.argv[9])
connected = threading.Event()
acked = threading.Event()
gone = threading.Event()
result = {"connack": None}


def on_connect(c, userdata, flags, rc, properties=None):
    result["connack"] = int(rc.value if hasattr(rc, "value") else rc)
    connected.set()


def on_publish(c, userdata, mid):
    acked.set()


def on_disconnect(c, userdata, rc, properties=None):
    gone.set()
    connected.set()


client.on_connect = on_connect
client.on_publish = on_publish
client.on_disconnect = on_disconnect
client.connect(host, int(port), keepalive=30)
client.loop_start()
connected.wait(10)
if result["connack"] == 0 and not gone.is_set():
    client.publish(topic, payload.encode(), qos=int(qos))
    # QoS 0 counts as published once written; QoS 1 only with the PUBACK. Stop waiting when the server closes.
    deadline = time.monotonic() + 5
    while not acked.is_set() and not gone.is_set() and time.monotonic() < deadline:
        acked.wait(0.02)
    if not gone.is_set():
        client.disconnect()
gone.wait(5)
client.loop_stop()
print(f"connack={result['connack']} published={str(acked.is_set()).lower()} disconnected={str(gone.is_set()).lower()}")
