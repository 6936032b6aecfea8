// Compiled with `tsc --strict` against the types openapi-typescript generates
// from openapi/smapi.yaml (tools/spec-checks.sh copies both into
// target/spec-checks/ts/). It proves a TypeScript team can use the spec as
// published: every documented operation is there, and requests and responses
// type-check the way the pages describe them. A wrong spec fails to compile.
import type { components, operations, paths } from "./smapi";

type Schemas = components["schemas"];

// All twelve operations, by the operationIds Amazon's own SDKs use, and no others.
type Documented =
  | "createSkillForVendor"
  | "listSkillsForVendor"
  | "getSkillManifest"
  | "updateSkillManifest"
  | "getSkillStatus"
  | "deleteSkill"
  | "getSkillPublication"
  | "publishSkill"
  | "unpublishSkill"
  | "getResourceSchema"
  | "createDiscoverySession"
  | "getDiscoverySession";
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const allTwelve: Same<keyof operations, Documented> = true;

// Paths callers build URLs from.
export const listPath: keyof paths = "/v1/skills";

// listSkillsForVendor: vendorId is required, the rest optional.
type ListQuery = operations["listSkillsForVendor"]["parameters"]["query"];
export const firstPage: ListQuery = { vendorId: "MT25O3ZVSAXZOAX", maxResults: 10 };
export const someSkills: ListQuery = { vendorId: "MT25O3ZVSAXZOAX", skillId: ["a", "b"] };
// @ts-expect-error vendorId is required
export const noVendor: ListQuery = { maxResults: 10 };

type ListPage =
  operations["listSkillsForVendor"]["responses"][200]["content"]["application/json"];
export function skillIds(page: ListPage): string[] {
  return page.skills.map((s) => s.skillId);
}
export function nextToken(page: ListPage): string | undefined {
  return page.isTruncated === true ? page.nextToken : undefined;
}

// A manifest keeps fields the spec does not model (GET -> PUT must not lose them).
const manifest: Schemas["SkillManifest"] = {
  manifestVersion: "1.0",
  publishingInformation: {
    isAvailableWorldwide: false,
    distributionCountries: ["US", "DE"],
    locales: { "en-US": { name: "Example", summary: "An example skill" } },
  },
  permissions: [{ name: "alexa::devices:all:address:full:read" }],
};
export const updateBody: operations["updateSkillManifest"]["requestBody"]["content"]["application/json"] =
  { manifest };
export const ifMatch: NonNullable<operations["updateSkillManifest"]["parameters"]["header"]> = {
  "If-Match": "\"etag-value\"",
};

// The two error families.
export const skillError: Schemas["Error"] = { code: "INVALID_STRING_LENGTH", message: "too long" };
export const discoveryError: Schemas["DiscoveryError"] = { type: "BAD_REQUEST", message: "bad" };
// @ts-expect-error discovery errors carry `type`, not `code`
export const mixedError: Schemas["DiscoveryError"] = { code: "X", message: "m" };

// deleteSkill has a path parameter and no body.
export const deleteParams: operations["deleteSkill"]["parameters"]["path"] = {
  skillId: "amzn1.ask.skill.6acdbdf8-8420-440e-823e-aaaaaaaabbbb",
};
