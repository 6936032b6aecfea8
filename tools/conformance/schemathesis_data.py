"""Test data for the Schemathesis run of tools/conformance.sh.

    python schemathesis_data.py http://127.0.0.1:PORT

Random IDs almost never name a skill or a discovery session that exists, so with generated
IDs alone most operations only ever answer 404 and Schemathesis never reaches the code
behind them. This script logs in through the simulator's Login with Amazon and creates what
the operations act on: a published skill (so it has development, certified and live stages
and a publication), a skill for deleteSkill to delete, and a discovery session. It prints
shell assignments (CONFORMANCE_TOKEN, CONFORMANCE_VENDOR_ID, CONFORMANCE_SKILL_ID,
CONFORMANCE_DELETE_SKILL_ID, CONFORMANCE_SESSION_ID) that
tools/conformance/schemathesis-data.toml reads. Every step checks the simulator's answer;
anything unexpected ends the script with an error.
"""

import json
import shlex
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# The simulator's seeded, fake credentials (printed by the simulator on start).
CLIENT_ID = "amzn1.application-oa2-client.simulator"
CLIENT_SECRET = "sim-client-secret"
REFRESH_TOKEN = "Atzr|sim-refresh-token"
VENDOR = "M1SIMVENDOR0001"


def manifest(name):
    return {
        "manifestVersion": "1.0",
        "publishingInformation": {
            "locales": {"en-US": {"name": name, "summary": "Schemathesis test data."}},
            "isAvailableWorldwide": True,
            "category": "SMART_HOME",
        },
        "privacyAndCompliance": {
            "allowsPurchases": False,
            "usesPersonalInfo": False,
            "isChildDirected": False,
            "isExportCompliant": True,
        },
        "apis": {"custom": {"endpoint": {"uri": "arn:aws:lambda:us-east-1:123456789012:function:st"}}},
    }


class Simulator:
    def __init__(self, base):
        self.base = base
        form = urllib.parse.urlencode(
            {
                "grant_type": "refresh_token",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "refresh_token": REFRESH_TOKEN,
            }
        ).encode()
        with urllib.request.urlopen(base + "/auth/o2/token", form) as answer:
            self.token = json.load(answer)["access_token"]

    def call(self, method, path, body=None, expect=(200,)):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", "Bearer " + self.token)
        request.add_header("Accept-Language", "en-US")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request) as answer:
                status, text, headers = answer.status, answer.read(), answer.headers
        except urllib.error.HTTPError as error:
            status, text, headers = error.code, error.read(), error.headers
        if status not in expect:
            raise SystemExit(f"{method} {path}: {status} {text[:300]!r} (expected {expect})")
        return (json.loads(text) if text else None), headers

    def create_skill(self, name):
        body, _ = self.call("POST", "/v1/skills", {"vendorId": VENDOR, "manifest": manifest(name)}, (202,))
        return body["skillId"]

    def wait(self, path, done):
        for _ in range(400):
            body, _ = self.call("GET", path)
            if done(body):
                return body
            time.sleep(0.025)
        raise SystemExit(f"GET {path}: never finished")


def main():
    sim = Simulator(sys.argv[1])
    skill = sim.create_skill("Schemathesis skill")
    doomed = sim.create_skill("Schemathesis skill to delete")
    for each in (skill, doomed):
        sim.wait(
            f"/v1/skills/{each}/status?resource=manifest",
            lambda s: s["manifest"]["lastUpdateRequest"]["status"] != "IN_PROGRESS",
        )
    sim.call("POST", f"/v1/skills/{skill}/publications", {}, (202,))
    sim.wait(f"/v1/skills/{skill}/publications/~latest", lambda p: p["status"] != "IN_PROGRESS")
    sim.call("GET", f"/v1/skills/{skill}/stages/live/manifest")
    session, _ = sim.call(
        "POST",
        "/v1/discoverySessions?unit=amzn1.alexa.unit.did.schemathesis",
        {"endpointReporter": {"type": "SKILL", "value": {"skillId": skill, "skillStage": "live"}}},
        (201,),
    )
    print(f"CONFORMANCE_TOKEN={shlex.quote(sim.token)}")
    print(f"CONFORMANCE_VENDOR_ID={shlex.quote(VENDOR)}")
    print(f"CONFORMANCE_SKILL_ID={shlex.quote(skill)}")
    print(f"CONFORMANCE_DELETE_SKILL_ID={shlex.quote(doomed)}")
    print(f"CONFORMANCE_SESSION_ID={shlex.quote(session['id'])}")


if __name__ == "__main__":
    main()
