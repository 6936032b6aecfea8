"""Import every module of the Python client generated from openapi/smapi.yaml.

Run by tools/spec-checks.sh with the generated package on sys.path. Fails
(non-zero exit, traceback) if any module does not import, or if an operation
module the pages document is missing.
"""

import importlib
import pkgutil
import sys

PACKAGE = "alexa_smapi_client"
OPERATIONS = {
    "create_skill_for_vendor",
    "list_skills_for_vendor",
    "get_skill_manifest",
    "update_skill_manifest",
    "get_skill_status",
    "delete_skill",
    "get_skill_publication",
    "publish_skill",
    "unpublish_skill",
    "get_resource_schema",
    "create_discovery_session",
    "get_discovery_session",
}

package = importlib.import_module(PACKAGE)
imported = []
for info in pkgutil.walk_packages(package.__path__, PACKAGE + "."):
    module = importlib.import_module(info.name)
    imported.append(info.name)
    leaf = info.name.rsplit(".", 1)[-1]
    if leaf in OPERATIONS:
        for fn in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
            if not callable(getattr(module, fn, None)):
                sys.exit(f"{info.name} has no callable {fn}()")

found = {name.rsplit(".", 1)[-1] for name in imported if ".api." in name}
missing = sorted(OPERATIONS - found)
if missing:
    sys.exit(f"operations missing from the generated client: {', '.join(missing)}")
print(f"imported {len(imported)} modules of {PACKAGE}; all {len(OPERATIONS)} operations present")
