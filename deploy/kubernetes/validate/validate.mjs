// Validates every manifest under a directory offline: each document against the Kubernetes API schema of its
// apiVersion/kind (bundled in the npm package kubernetes-models: types, required fields, enums, formats), then Warden's own
// rules for workloads. Those schemas do not reject unknown fields, so a misspelt optional field passes.
// Usage: node validate.mjs <dir>   (run from a directory where package.json's dependencies are installed)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const dir = process.argv[2] ?? ".";
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml") || f.endsWith(".yml")).sort();
if (files.length === 0) {
  console.error(`no manifests in ${dir}`);
  process.exit(1);
}

const problems = [];
let checked = 0;
for (const file of files) {
  for (const document of parseAllDocuments(readFileSync(join(dir, file), "utf8"))) {
    if (document.errors.length > 0) {
      problems.push(`${file}: YAML: ${document.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const object = document.toJS();
    if (object === null) continue;
    const where = `${file}: ${object.kind}/${object.metadata?.name}`;
    try {
      const Model = await modelOf(object.apiVersion, object.kind);
      new Model(object).validate();
    } catch (error) {
      problems.push(`${where}: ${error.message}`);
      continue;
    }
    problems.push(...workloadRules(object).map((p) => `${where}: ${p}`));
    checked++;
  }
}

for (const problem of problems) console.error(problem);
console.log(`${checked} manifest object(s) in ${files.length} file(s) checked against the Kubernetes schemas; ${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);

// kubernetes-models lays its classes out as <group>/<version>/<Kind> (core: v1/<Kind>).
async function modelOf(apiVersion, kind) {
  if (!apiVersion || !kind) throw new Error("apiVersion and kind are required");
  try {
    const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
    return module[kind] ?? module.default;
  } catch (error) {
    throw new Error(`unknown apiVersion/kind ${apiVersion}/${kind} (${error.code ?? error.message})`);
  }
}

// What the schemas allow but Warden's deployment promises: non-root, read-only root, probes, a qualified image.
function workloadRules(object) {
  const pod = object.spec?.template?.spec;
  if (!pod) return [];
  const found = [];
  if (pod.securityContext?.runAsNonRoot !== true) found.push("pod securityContext.runAsNonRoot must be true");
  if (pod.securityContext?.fsGroup === undefined) found.push("pod securityContext.fsGroup must be set (volume ownership)");
  for (const c of pod.containers ?? []) {
    if (c.securityContext?.readOnlyRootFilesystem !== true) found.push(`container ${c.name}: readOnlyRootFilesystem must be true`);
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      if (!c[probe]) found.push(`container ${c.name}: ${probe} missing`);
    }
    const paths = [c.readinessProbe, c.livenessProbe].map((p) => p?.httpGet?.path);
    if (!paths.includes("/v2/health/ready") || !paths.includes("/v2/health/live")) {
      found.push(`container ${c.name}: probes must use /v2/health/ready and /v2/health/live`);
    }
    // A registry host is the first path segment when it has a dot, a port or is localhost; otherwise docker.io is implied.
    const segments = (c.image ?? "").split("/");
    const registry = segments.length > 1 ? segments[0] : "";
    if (!(registry.includes(".") || registry.includes(":") || registry === "localhost") || registry === "docker.io") {
      found.push(`container ${c.name}: image '${c.image}' must name its registry (not docker.io/library)`);
    }
  }
  return found;
}
