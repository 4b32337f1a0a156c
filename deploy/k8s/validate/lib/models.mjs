// apiVersion/kind -> kubernetes-models class. Only the API versions Verity's manifests use are accepted: an object of
// any other kind (a typo, a removed API version such as autoscaling/v2beta2, a CRD) fails loudly instead of passing
// unchecked. Add a version here when the manifests start using it. Each kind's model is imported on first use
// (loading every schema of these groups up front costs half a second per run).
const API_VERSIONS = ["v1", "apps/v1", "batch/v1", "autoscaling/v2", "policy/v1", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1"];
const models = new Map();

export async function modelFor(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (!models.has(key)) {
    models.set(key, await load(apiVersion, kind));
  }
  return models.get(key);
}

async function load(apiVersion, kind) {
  if (!API_VERSIONS.includes(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    return undefined;
  }
  let module;
  try {
    module = await import(`kubernetes-models/${apiVersion}/${kind}`);
  } catch (error) {
    if (error?.code === "ERR_MODULE_NOT_FOUND" || error?.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") {
      return undefined;
    }
    throw error;
  }
  // Top-level resources carry static apiVersion and kind; nested types (PodSpec, Container...) do not.
  const model = module[kind];
  return model?.apiVersion === apiVersion && model?.kind === kind ? model : undefined;
}

export const supportedApiVersions = [...API_VERSIONS].sort();

// Schema errors as "/spec/replicas must be integer" (ajv's errors, the path inside the object).
export function schemaErrors(model, object) {
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    if (Array.isArray(error?.errors) && error.errors.length > 0) {
      return error.errors.map((e) => `${e.instancePath || "/"} ${e.message ?? e.keyword}${describeParams(e)}`);
    }
    return [String(error?.message ?? error)];
  }
}

function describeParams(error) {
  if (error.keyword === "enum" && Array.isArray(error.params?.allowedValues)) {
    return ` (${error.params.allowedValues.join(", ")})`;
  }
  return "";
}
