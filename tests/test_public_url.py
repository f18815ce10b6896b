"""Public URLs that could never be verified are refused in the flow, class by class."""

from __future__ import annotations

from hypothesis import given, strategies as st

from custom_components.sms_iot.config_flow import public_url_error

HOOK_ID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
PATH = f"/api/webhook/{HOOK_ID}"
HOSTS = st.from_regex(r"\A[a-z][a-z0-9-]{0,12}\.(com|net|org|io|duckdns\.org)\Z")
LOCAL = st.sampled_from(
    [
        "localhost",
        "127.0.0.1",
        "10.0.0.5",
        "192.168.1.20",
        "172.16.3.4",
        "ha.local",
        "[::1]",
    ]
)
PREFIX = st.sampled_from(["", "/ha", "/proxy/home"])


@given(HOSTS, PREFIX)
def test_https_with_the_webhook_path_is_accepted(host: str, prefix: str) -> None:
    assert public_url_error(f"https://{host}{prefix}{PATH}", HOOK_ID, None) is None


@given(LOCAL, st.sampled_from(["", ":8123"]))
def test_plain_http_only_on_the_local_network(host: str, port: str) -> None:
    assert public_url_error(f"http://{host}{port}{PATH}", HOOK_ID, None) is None


@given(HOSTS)
def test_plain_http_on_the_internet_is_refused(host: str) -> None:
    assert public_url_error(f"http://{host}{PATH}", HOOK_ID, None) == "url_not_https"


@given(HOSTS, st.from_regex(r"\A[a-z]{1,8}\Z"), st.sampled_from(["", ":pw", ":"]))
def test_credentials_are_refused(host: str, user: str, password: str) -> None:
    url = f"https://{user}{password}@{host}{PATH}"
    assert public_url_error(url, HOOK_ID, None) == "url_credentials"


@given(HOSTS, st.sampled_from(["#", "#x", "#/api"]))
def test_fragments_are_refused(host: str, fragment: str) -> None:
    url = f"https://{host}{PATH}{fragment}"
    assert public_url_error(url, HOOK_ID, None) == "url_fragment"


@given(HOSTS, st.sampled_from(["", "/", "/api/webhook/other", PATH + "/x", "/api"]))
def test_other_paths_are_refused(host: str, path: str) -> None:
    assert public_url_error(f"https://{host}{path}", HOOK_ID, None) == "url_wrong_path"


@given(st.sampled_from(["not a url", "ftp://h.com" + PATH, "https://", "http://[::1"]))
def test_not_urls(value: str) -> None:
    assert public_url_error(value, HOOK_ID, None) == "invalid_url"


def test_cloudhook_accepted_as_cloud_gives_it() -> None:
    hook = "https://hooks.nabu.casa/gAAAA-token"
    assert public_url_error(hook, HOOK_ID, hook) is None
    assert public_url_error(hook + "x", HOOK_ID, hook) == "url_wrong_path"
