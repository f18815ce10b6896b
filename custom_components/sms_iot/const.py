"""Constants for the SMS IoT integration."""

from typing import Final

DOMAIN: Final = "sms_iot"

CONF_ACCOUNT_SID: Final = "account_sid"
CONF_AUTH_TOKEN: Final = "auth_token"
# The number (or Messaging Service) that receives commands; stored as "sender" since 0.1.0.
CONF_TWILIO_NUMBER: Final = "sender"
CONF_PUBLIC_URL: Final = "public_url"
CONF_CLOUDHOOK: Final = "cloudhook"
CONF_REPLY_TO_STRANGERS: Final = "reply_to_strangers"
CONF_RATE_LIMIT: Final = "rate_limit"
DEFAULT_RATE_LIMIT: Final = 10
CONF_HOURLY_CAP: Final = "hourly_cap"
DEFAULT_HOURLY_CAP: Final = 30

# KORE Programmable Wireless (SIM commands).
CONF_KORE_CLIENT_ID: Final = "kore_client_id"
CONF_KORE_CLIENT_SECRET: Final = "kore_client_secret"
CONF_KORE_SECRET: Final = "kore_webhook_secret"
CONF_KORE_UNSIGNED: Final = "kore_accept_unsigned"
CONF_SIM_SID: Final = "sim_sid"
SUBENTRY_SIM: Final = "sim"
EVENT_SIM_COMMAND: Final = "sms_iot_sim_command"
KORE_MAX_TEXT: Final = 160
KORE_MAX_BINARY: Final = 140

# The ESPHome board with a GSM modem, and which way outbound texts go.
CONF_MODEM_DEVICE: Final = "modem_device"
CONF_ROUTE: Final = "route"
ROUTE_TWILIO: Final = "twilio"
ROUTE_MODEM: Final = "modem"
ROUTE_TWILIO_THEN_MODEM: Final = "twilio_then_modem"
# A KORE entry texts SIMs with commands, not phones.
ROUTE_NONE: Final = "none"
MODEM_EVENT: Final = "esphome.sms_received"
MODEM_ACTION: Final = "send_sms"
# Parts of a long text reach the modem one by one; a full part waits this long for the next.
MULTIPART_WINDOW: Final = 10.0

SUBENTRY_NUMBER: Final = "authorized_number"
SUBENTRY_DEVICE: Final = "device"

CONF_NUMBER: Final = "number"
CONF_PERMISSION: Final = "permission"
CONF_DEVICES: Final = "devices"
CONF_DEFAULT_DEVICE: Final = "default_device"
CONF_ALIASES: Final = "aliases"
CONF_PIN: Final = "pin"

PERMISSION_CONTROL: Final = "control"
PERMISSION_STATUS_ONLY: Final = "status_only"

EVENT_RECEIVED: Final = "sms_iot_received"
EVENT_COMMAND: Final = "sms_iot_command"
EVENT_UNAUTHORIZED: Final = "sms_iot_unauthorized"
EVENT_MESSAGE_STATUS: Final = "sms_iot_message_status"

# Twilio gives up on a webhook after 15 s; answer well before that.
REPLY_BUDGET: Final = 9.0
# Longest a single device may take to report the state it was asked for.
DEVICE_WAIT: Final = 5.0
# How long a command that timed out is still watched for: a device may carry it out later.
LATE_WINDOW: Final = 15 * 60.0
TWILIO_TIMEOUT: Final = 10.0
KORE_TIMEOUT: Final = 10.0
DEDUPE_TTL: Final = 24 * 3600.0
DEDUPE_MAX: Final = 5000
STRANGER_REFUSAL_INTERVAL: Final = 24 * 3600.0
MAX_BODY_BYTES: Final = 64 * 1024
# This many refused signatures within the window almost always mean a wrong public URL.
SIGNATURE_FAILURE_THRESHOLD: Final = 5
SIGNATURE_FAILURE_WINDOW: Final = 600.0
RECENT_COMMANDS: Final = 20
# This many wrong or missing PINs within the window raise a repair (someone may be guessing).
PIN_FAILURE_THRESHOLD: Final = 5
PIN_FAILURE_WINDOW: Final = 600.0

# Where the Twilio number sent incoming texts before the flow pointed it at Home Assistant.
CONF_INBOUND_SID: Final = "inbound_sid"
CONF_INBOUND_BEFORE: Final = "inbound_before"
CONF_CONFIGURE_TWILIO: Final = "configure_twilio"
CONF_LANGUAGE: Final = "language"
CONF_PERSON: Final = "person"
CONF_CONFIRM: Final = "confirm"
# A conversation agent for what sms_iot does not understand (opt-in per number).
CONF_ASSIST_AGENT: Final = "assist_agent"
# A follow-up within this long continues the same Assist conversation.
ASSIST_WINDOW: Final = 5 * 60.0
# Longest answer from Assist a reply carries, in SMS segments.
ASSIST_SEGMENTS: Final = 3
# Ask for a code: by kind (locks, garage doors, doors, gates), always or never.
CONFIRM_AUTO: Final = "auto"
CONFIRM_ALWAYS: Final = "always"
CONFIRM_NEVER: Final = "never"
# How long a confirmation code for a "confirm first" device is valid.
CONFIRM_WINDOW: Final = 5 * 60.0
