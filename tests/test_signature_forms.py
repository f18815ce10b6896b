"""The signature check accepts exactly what Twilio's RequestValidator.validate accepts."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
from multidict import MultiDict
from twilio.request_validator import RequestValidator

from custom_components.sms_iot.twilio_webhook import SignatureWatch

TOKEN = "12345678901234567890123456789012"
_HOSTS = st.sampled_from(
    ["example.com", "ha.example.org", "127.0.0.1", "xn--bcher-kva.ch"]
)
_PORTS = st.sampled_from(["", ":443", ":80", ":8123"])
_SCHEMES = st.sampled_from(["https", "http"])
_PATHS = st.sampled_from(["/api/webhook/abc", "/api/webhook/a%20b", "/"])
_QUERIES = st.sampled_from(["", "a=1", "bodySHA256=x&b=%2F"])
_PARAMS = st.lists(
    st.tuples(
        st.sampled_from(["Body", "From", "To", "MessageSid"]), st.text(max_size=20)
    ),
    max_size=5,
)


@settings(max_examples=400, deadline=None)
@given(_SCHEMES, _HOSTS, _PORTS, _PATHS, _QUERIES, _PORTS, _PARAMS, st.integers(0, 3))
def test_same_verdict_as_twilio(
    scheme: str,
    host: str,
    port: str,
    path: str,
    query: str,
    signed_port: str,
    pairs: list[tuple[str, str]],
    forge: int,
) -> None:
    """Signed over either port form, over another URL, or junk: the same verdict."""
    public_url = f"{scheme}://{host}{port}{path}"
    params = MultiDict(pairs)
    signed = f"{scheme}://{host}{signed_port}{path}" + (f"?{query}" if query else "")
    validator = RequestValidator(TOKEN)
    signature = [
        validator.compute_signature(signed, params),
        validator.compute_signature(signed + "x", params),
        "junk",
        "",
    ][forge]
    watch = SignatureWatch(TOKEN, public_url)
    url = public_url + (f"?{query}" if query else "")
    expected = bool(signature) and validator.validate(url, params, signature)
    assert watch.valid(query, params, signature) == expected
