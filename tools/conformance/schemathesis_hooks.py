"""Schemathesis hooks for tools/conformance.sh (loaded through SCHEMATHESIS_HOOKS).

listSkillsForVendor answers `application/json+hal`, a JSON document Schemathesis does not
recognise as JSON by its media type. Without a deserializer it skips
`response_schema_conformance` for that response; with this one the listing is checked
against the spec like every other body. It only parses; it never relaxes a check.
"""

import json

import schemathesis


@schemathesis.deserializer("application/json+hal")
def hal_json(ctx, response):
    return json.loads(response.content)
