"""Baseline: the seed tutorial's design, as a hobbyist writes it.

A Flask app that reads Twilio's form, obeys one master number ("1", "0", "?") and replies with
the twilio library's MessagingResponse, served by waitress (a production WSGI server). Like the
tutorial it checks no signature and drives a (here simulated) GPIO.
"""

from __future__ import annotations

import argparse

from flask import Flask, Response, request
from twilio.twiml.messaging_response import MessagingResponse
from waitress import serve

MASTERS = {f"+1415555{1000 + i:04}" for i in range(20)}
app = Flask(__name__)
relay = {"on": False}


@app.post("/sms")
def sms() -> Response:
    """Switch the relay or report it, for the master numbers only."""
    reply = MessagingResponse()
    if request.form.get("From") in MASTERS:
        body = request.form.get("Body", "").strip().lower()
        if body in ("1", "relay on"):
            relay["on"] = True
        elif body in ("0", "relay off"):
            relay["on"] = False
        elif body == "relay toggle":
            relay["on"] = not relay["on"]
        reply.message(f"Relay: {'ON' if relay['on'] else 'OFF'}")
    return Response(str(reply), mimetype="text/xml")


@app.get("/ready")
def ready() -> str:
    """Answer readiness probes."""
    return "ok"


def main() -> None:
    """Serve with waitress on loopback."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    serve(app, host="127.0.0.1", port=args.port, threads=8, _quiet=True)


if __name__ == "__main__":
    main()
