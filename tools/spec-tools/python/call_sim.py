"""Drive the Python client generated from openapi/smapi.yaml against the simulator.

Usage: python call_sim.py SIMULATOR-BINARY   (tools/spec-checks.sh builds it first with
`cargo build -p alexa-smapi-sim`).

Starts the simulator on a free loopback port, gets an access token from its Login with
Amazon endpoint, then calls seven operations through the generated client over real
HTTP and checks the decoded answers: create, status, get manifest (with ETag), update
(If-Match), list, delete, and the typed 404 error afterwards. Exits non-zero on the
first mismatch; the simulator is always stopped.
"""

import subprocess
import sys
import time
from pathlib import Path

import httpx

from alexa_smapi_client import AuthenticatedClient
from alexa_smapi_client.api.skill_operations import (
    create_skill_for_vendor,
    delete_skill,
    get_skill_manifest,
    get_skill_status,
    list_skills_for_vendor,
    update_skill_manifest,
)
from alexa_smapi_client.models import (
    CreateSkillRequest,
    CreateSkillResponse,
    Error,
    ListSkillsResponse,
    SkillManifest,
    SkillManifestEnvelope,
    SkillStatus,
    StageName,
    UpdateSkillManifestStage,
)

# The simulator's seeded, fake credentials (printed by `alexa-smapi-sim` on start).
CLIENT_ID = "amzn1.application-oa2-client.simulator"
CLIENT_SECRET = "sim-client-secret"
REFRESH_TOKEN = "Atzr|sim-refresh-token"
VENDOR_ID = "M1SIMVENDOR0001"

MANIFEST = {
    "manifestVersion": "1.0",
    "publishingInformation": {
        "locales": {"en-US": {"name": "Spec check skill", "summary": "Made by call_sim.py"}},
        "isAvailableWorldwide": True,
        "category": "EDUCATION_AND_REFERENCE",
    },
    "apis": {"custom": {}},
    # Not modelled by the spec: must survive the round trip as an additional property.
    "futureManifestField": {"kept": [1, 2, 3]},
}


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)
    print(f"  ok: {what}")


def start_simulator(binary: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [str(binary), "--port", "0", "--host", "127.0.0.1", "--build-delay-ms", "50"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline().strip()
    prefix = "alexa-smapi-sim listening on "
    if not first.startswith(prefix):
        proc.kill()
        sys.exit(f"simulator did not start (first line: {first!r})")
    return proc, first[len(prefix):]


def run(base_url: str) -> None:
    token = httpx.post(
        f"{base_url}/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": REFRESH_TOKEN,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
        timeout=10,
    ).json()["access_token"]
    client = AuthenticatedClient(base_url=base_url, token=token, timeout=httpx.Timeout(10.0))

    created = create_skill_for_vendor.sync_detailed(
        client=client,
        body=CreateSkillRequest(vendor_id=VENDOR_ID, manifest=SkillManifest.from_dict(MANIFEST)),
    )
    expect(created.status_code == 202, f"createSkillForVendor answers 202 (got {created.status_code})")
    expect(isinstance(created.parsed, CreateSkillResponse), "202 body decodes as CreateSkillResponse")
    skill_id = created.parsed.skill_id
    expect("location" in created.headers, "202 carries a Location header")

    deadline = time.monotonic() + 10
    state = None
    while True:
        status = get_skill_status.sync_detailed(skill_id, client=client)
        if isinstance(status.parsed, SkillStatus) and status.parsed.manifest:
            state = str(status.parsed.manifest.last_update_request.status)
        if state not in (None, "IN_PROGRESS") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    expect(status.status_code == 200, f"getSkillStatus answers 200 (got {status.status_code})")
    expect(state == "SUCCEEDED", f"the build finishes: manifest status {state}")

    got = get_skill_manifest.sync_detailed(skill_id, StageName.DEVELOPMENT, client=client)
    expect(got.status_code == 200, f"getSkillManifest answers 200 (got {got.status_code})")
    expect(isinstance(got.parsed, SkillManifestEnvelope), "manifest decodes as SkillManifestEnvelope")
    manifest = got.parsed.manifest
    name = manifest.publishing_information.locales["en-US"].name
    expect(name == "Spec check skill", f"manifest name round-trips ({name!r})")
    expect(
        manifest.additional_properties.get("futureManifestField") == MANIFEST["futureManifestField"],
        "an unmodelled manifest field (futureManifestField) survives",
    )
    etag = got.headers.get("etag")
    expect(bool(etag), f"getSkillManifest returns an ETag ({etag})")

    manifest.publishing_information.locales["en-US"].name = "Spec check skill v2"
    updated = update_skill_manifest.sync_detailed(
        skill_id,
        UpdateSkillManifestStage.DEVELOPMENT,
        client=client,
        body=SkillManifestEnvelope(manifest=manifest),
        if_match=etag,
    )
    expect(updated.status_code == 202, f"updateSkillManifest with If-Match answers 202 (got {updated.status_code})")
    again = get_skill_manifest.sync_detailed(skill_id, StageName.DEVELOPMENT, client=client)
    expect(
        isinstance(again.parsed, SkillManifestEnvelope)
        and again.parsed.manifest.publishing_information.locales["en-US"].name == "Spec check skill v2"
        and again.parsed.manifest.additional_properties.get("futureManifestField")
        == MANIFEST["futureManifestField"],
        "the update is visible and kept the unmodelled field",
    )

    listed = list_skills_for_vendor.sync_detailed(client=client, vendor_id=VENDOR_ID)
    expect(listed.status_code == 200, f"listSkillsForVendor answers 200 (got {listed.status_code})")
    expect(
        isinstance(listed.parsed, ListSkillsResponse)
        and any(s.skill_id == skill_id for s in listed.parsed.skills),
        "the new skill is listed",
    )

    deleted = delete_skill.sync_detailed(skill_id, client=client)
    expect(deleted.status_code == 204, f"deleteSkill answers 204 (got {deleted.status_code})")
    gone = get_skill_manifest.sync_detailed(skill_id, StageName.DEVELOPMENT, client=client)
    expect(gone.status_code == 404, f"after delete the manifest answers 404 (got {gone.status_code})")
    expect(
        isinstance(gone.parsed, Error) and bool(gone.parsed.message),
        "the 404 body decodes as the spec's Error {code, message}",
    )


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: call_sim.py SIMULATOR-BINARY")
    proc, base_url = start_simulator(Path(sys.argv[1]))
    print(f"simulator at {base_url}")
    try:
        run(base_url)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
    print("generated Python client: 7 operations against the simulator passed")


if __name__ == "__main__":
    main()
