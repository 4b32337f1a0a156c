// Rules the Kubernetes schemas cannot express: what every Verity workload must do (resources, probes, a locked-down
// security context, secrets only through Secret references, probes and scrapes on the management port) and what must
// hold across the rendered objects (references resolve, one default-deny NetworkPolicy, no Secret in git, no Ingress
// to a management port). Each rule returns plain messages; the caller
// attaches them to the object they concern.

const CLUSTER_SCOPED = new Set(["Namespace", "PersistentVolume", "Node", "ClusterRole", "ClusterRoleBinding"]);
const LONG_RUNNING = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]);
const PROBES = ["startupProbe", "livenessProbe", "readinessProbe"];
// The container port that serves /healthz, /readyz and /metrics and nothing of the API (Verity:Telemetry:ManagementPort).
const MANAGEMENT = "management";

// The last segment of an environment variable name (Llm__ApiKey -> ApiKey; POSTGRES_PASSWORD stays whole) ends like
// a secret. "Tokens" (Verity__Prompt__ContextTokens) and "ApiKeyHeader" do not.
const SECRET_NAME = /(password|passwd|secret|token|apikey|api_key|key|connectionstring|credentials?|(^|_)auth|headers)$/i;
// Literal credentials in a value: a connection string's Password=..., a URL with user:password@.
const CREDENTIAL_VALUE = /(^|[;,\s])(password|pwd)\s*=\s*[^;,\s$]|:\/\/[^\/\s:@]+:[^\/\s@$]+@/i;

export function looksSecret(name) {
  const segments = String(name).split(/__|:/);
  return SECRET_NAME.test(segments[segments.length - 1]);
}

export function looksLikeCredential(value) {
  return typeof value === "string" && CREDENTIAL_VALUE.test(value);
}

export function podSpecOf(object) {
  switch (object?.kind) {
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "ReplicaSet":
    case "Job":
      return object.spec?.template?.spec;
    case "CronJob":
      return object.spec?.jobTemplate?.spec?.template?.spec;
    case "Pod":
      return object.spec;
    default:
      return undefined;
  }
}

function podAnnotationsOf(object) {
  return (object?.kind === "CronJob"
    ? object.spec?.jobTemplate?.spec?.template?.metadata?.annotations
    : object?.kind === "Pod" ? object.metadata?.annotations : object?.spec?.template?.metadata?.annotations) ?? {};
}

// The containerPort numbers named `management` in a pod.
export function managementPorts(pod) {
  return [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]
    .flatMap((c) => c.ports ?? [])
    .filter((p) => p.name === MANAGEMENT)
    .map((p) => p.containerPort);
}

function podLabelsOf(object) {
  switch (object?.kind) {
    case "CronJob":
      return object.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {};
    case "Pod":
      return object.metadata?.labels ?? {};
    default:
      return object?.spec?.template?.metadata?.labels ?? {};
  }
}

// Rules for one object on its own.
export function objectPolicy(object) {
  const errors = [];
  if (!object?.metadata?.name) {
    errors.push("metadata.name is missing");
  }
  if (!CLUSTER_SCOPED.has(object.kind) && !object.metadata?.namespace) {
    errors.push("metadata.namespace is missing: the overlay must set `namespace:`");
  }
  if (object.kind === "Secret") {
    errors.push("a Secret is rendered: secret values never go into git; create the Secret in the cluster (docs/deployment.md, \"Secrets\")");
  }
  if (object.kind === "ConfigMap") {
    for (const [key, value] of Object.entries(object.data ?? {})) {
      if (looksSecret(key)) {
        errors.push(`ConfigMap key ${key} looks like a secret: put it in verity-secrets and reference it with secretKeyRef`);
      } else if (looksLikeCredential(value)) {
        errors.push(`ConfigMap key ${key} holds a credential (password=... or user:password@): put it in verity-secrets`);
      }
    }
  }
  if (object.kind === "PodDisruptionBudget") {
    const both = object.spec?.minAvailable !== undefined && object.spec?.maxUnavailable !== undefined;
    const neither = object.spec?.minAvailable === undefined && object.spec?.maxUnavailable === undefined;
    if (both || neither) {
      errors.push("spec must set exactly one of minAvailable and maxUnavailable");
    }
  }
  if (object.kind === "Deployment" || object.kind === "StatefulSet") {
    const selector = object.spec?.selector?.matchLabels ?? {};
    const labels = object.spec?.template?.metadata?.labels ?? {};
    for (const [key, value] of Object.entries(selector)) {
      if (labels[key] !== value) {
        errors.push(`spec.selector.matchLabels ${key}=${value} is not a label of the pod template`);
      }
    }
  }
  const pod = podSpecOf(object);
  if (pod) {
    errors.push(...podPolicy(object.kind, pod));
    const annotations = podAnnotationsOf(object);
    const management = managementPorts(pod);
    if (annotations["prometheus.io/scrape"] === "true" && management.length > 0 && !management.map(String).includes(String(annotations["prometheus.io/port"]))) {
      errors.push(`pod annotation prometheus.io/port is ${annotations["prometheus.io/port"] ?? "missing"}: /metrics answers on the management port (${management.join(", ")}) only`);
    }
  }
  return errors;
}

function podPolicy(kind, pod) {
  const errors = [];
  if (pod.automountServiceAccountToken !== false) {
    errors.push("automountServiceAccountToken must be false: the pods do not call the Kubernetes API");
  }
  for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
    if (pod[field] === true) {
      errors.push(`${field} must not be true`);
    }
  }
  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  const containers = [
    ...(pod.initContainers ?? []).map((c) => ({ container: c, init: true })),
    ...(pod.containers ?? []).map((c) => ({ container: c, init: false })),
  ];
  for (const { container, init } of containers) {
    const where = `${init ? "init container" : "container"} "${container?.name ?? "?"}"`;
    for (const message of containerPolicy(container, pod, volumes, LONG_RUNNING.has(kind) && !init)) {
      errors.push(`${where}: ${message}`);
    }
  }
  return errors;
}

function containerPolicy(container, pod, volumes, longRunning) {
  const errors = [];
  const resources = container.resources ?? {};
  for (const section of ["requests", "limits"]) {
    for (const resource of ["cpu", "memory"]) {
      if (resources[section]?.[resource] === undefined) {
        errors.push(`resources.${section}.${resource} is missing`);
      }
    }
  }
  if (longRunning) {
    for (const probe of PROBES) {
      if (!container[probe]) {
        errors.push(`${probe} is missing`);
      }
    }
  }
  // With a management port, /healthz and /readyz answer there only: a probe on any other port always fails.
  const management = (container.ports ?? []).find((p) => p.name === MANAGEMENT);
  if (management) {
    for (const probe of PROBES) {
      const port = container[probe]?.httpGet?.port;
      if (port !== undefined && port !== MANAGEMENT && port !== management.containerPort) {
        errors.push(`${probe} targets port ${port}: the probes answer on the management port only (port: ${MANAGEMENT})`);
      }
    }
  }

  const own = container.securityContext ?? {};
  const podContext = pod.securityContext ?? {};
  if ((own.runAsNonRoot ?? podContext.runAsNonRoot) !== true) {
    errors.push("securityContext.runAsNonRoot must be true");
  }
  if ((own.runAsUser ?? podContext.runAsUser) === 0) {
    errors.push("securityContext.runAsUser must not be 0");
  }
  const seccomp = (own.seccompProfile ?? podContext.seccompProfile)?.type;
  if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
    errors.push("securityContext.seccompProfile.type must be RuntimeDefault (or Localhost)");
  }
  if (own.allowPrivilegeEscalation !== false) {
    errors.push("securityContext.allowPrivilegeEscalation must be false");
  }
  if (own.privileged === true) {
    errors.push("securityContext.privileged must not be true");
  }
  if (own.readOnlyRootFilesystem !== true) {
    errors.push("securityContext.readOnlyRootFilesystem must be true");
  }
  if (!(own.capabilities?.drop ?? []).includes("ALL")) {
    errors.push("securityContext.capabilities.drop must include ALL");
  }
  if ((own.capabilities?.add ?? []).length > 0) {
    errors.push(`securityContext.capabilities.add must be empty (has ${own.capabilities.add.join(", ")})`);
  }

  // With a read-only root filesystem, /tmp must be a writable emptyDir.
  const tmp = (container.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
  if (!tmp) {
    errors.push("no volume is mounted at /tmp (mount an emptyDir: the root filesystem is read-only)");
  } else if (!volumes.get(tmp.name)?.emptyDir) {
    errors.push(`/tmp is mounted from volume "${tmp.name}", which is not an emptyDir of the pod`);
  }

  for (const variable of container.env ?? []) {
    if (looksSecret(variable.name) && !variable.valueFrom?.secretKeyRef) {
      errors.push(`env ${variable.name} looks like a secret: it must come from a Secret (valueFrom.secretKeyRef), not ${variable.value !== undefined ? "a literal value" : "this source"}`);
    } else if (looksLikeCredential(variable.value)) {
      errors.push(`env ${variable.name} holds a credential in its value: move it to a Secret and use valueFrom.secretKeyRef`);
    }
  }

  const image = String(container.image ?? "");
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  if (!image) {
    errors.push("image is missing");
  } else if (!image.includes("@sha256:") && !lastSegment.includes(":")) {
    errors.push(`image ${image} has no tag: pin a tag or digest`);
  } else if (lastSegment.endsWith(":latest")) {
    errors.push(`image ${image} uses the tag latest: pin a release tag or digest`);
  }
  return errors;
}

// Rules across all objects: returns [object index (or -1 for the set), message].
export function setPolicy(objects) {
  const findings = [];
  const key = (o) => `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
  const seen = new Map();
  objects.forEach((o, i) => {
    if (seen.has(key(o))) {
      findings.push([i, `duplicate object: the same kind, namespace and name as object #${seen.get(key(o)) + 1}`]);
    }
    seen.set(key(o), i);
  });

  const byKindName = (kind, name, namespace) =>
    objects.findIndex((o) => o.kind === kind && o.metadata?.name === name && (o.metadata?.namespace ?? "") === (namespace ?? ""));
  const workloads = objects.map((o, i) => [o, i]).filter(([o]) => podSpecOf(o));
  const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

  // A Service port reaches the management port when it is named so, targets it by name, or targets the number of a
  // management port of a pod it selects.
  function routesToManagement(service, port) {
    const servicePort = (service.spec?.ports ?? []).find((p) => (port.name ? p.name === port.name : p.port === port.number));
    if (!servicePort) {
      return false;
    }
    const target = servicePort.targetPort ?? servicePort.port;
    if (servicePort.name === MANAGEMENT || target === MANAGEMENT) {
      return true;
    }
    return workloads.some(([w]) => matches(service.spec?.selector, podLabelsOf(w)) && managementPorts(podSpecOf(w)).includes(target));
  }

  objects.forEach((o, i) => {
    const namespace = o.metadata?.namespace;
    if (o.kind === "HorizontalPodAutoscaler") {
      const target = o.spec?.scaleTargetRef ?? {};
      const index = byKindName(target.kind, target.name, namespace);
      if (index < 0) {
        findings.push([i, `spec.scaleTargetRef ${target.kind}/${target.name} is not among the rendered objects`]);
      } else if (objects[index].spec?.replicas !== undefined) {
        findings.push([index, `spec.replicas is set, but HorizontalPodAutoscaler ${o.metadata?.name} owns the replica count: remove it (every apply would reset the scale)`]);
      }
    }
    if (o.kind === "Service" && o.spec?.selector && !workloads.some(([w]) => matches(o.spec.selector, podLabelsOf(w)))) {
      findings.push([i, "spec.selector matches the pods of no rendered workload"]);
    }
    if (o.kind === "PodDisruptionBudget" && !workloads.some(([w]) => matches(o.spec?.selector?.matchLabels, podLabelsOf(w)))) {
      findings.push([i, "spec.selector matches the pods of no rendered workload"]);
    }
    if (o.kind === "Ingress") {
      for (const rule of o.spec?.rules ?? []) {
        for (const path of rule.http?.paths ?? []) {
          const backend = path.backend?.service;
          const service = objects[byKindName("Service", backend?.name, namespace)];
          if (!service) {
            findings.push([i, `backend service ${backend?.name} is not among the rendered objects`]);
          } else if (backend.port?.name && !(service.spec?.ports ?? []).some((p) => p.name === backend.port.name)) {
            findings.push([i, `backend port ${backend.port.name} is not a port of service ${backend.name}`]);
          } else if (routesToManagement(service, backend.port ?? {})) {
            findings.push([i, `backend ${backend.name}:${backend.port?.name ?? backend.port?.number} reaches the pods' management port: /metrics and the probes would be public`]);
          }
        }
      }
    }
    const pod = podSpecOf(o);
    if (pod) {
      const claimTemplates = new Set((o.spec?.volumeClaimTemplates ?? []).map((t) => t.metadata?.name));
      for (const volume of pod.volumes ?? []) {
        if (volume.configMap && byKindName("ConfigMap", volume.configMap.name, namespace) < 0 && volume.configMap.optional !== true) {
          findings.push([i, `volume ${volume.name}: ConfigMap ${volume.configMap.name} is not among the rendered objects`]);
        }
        if (volume.persistentVolumeClaim && byKindName("PersistentVolumeClaim", volume.persistentVolumeClaim.claimName, namespace) < 0) {
          findings.push([i, `volume ${volume.name}: PersistentVolumeClaim ${volume.persistentVolumeClaim.claimName} is not among the rendered objects`]);
        }
      }
      for (const container of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
        for (const mount of container.volumeMounts ?? []) {
          if (!(pod.volumes ?? []).some((v) => v.name === mount.name) && !claimTemplates.has(mount.name)) {
            findings.push([i, `container "${container.name}": volumeMount ${mount.name} names no volume of the pod`]);
          }
        }
        for (const source of container.envFrom ?? []) {
          const name = source.configMapRef?.name;
          if (name && byKindName("ConfigMap", name, namespace) < 0 && source.configMapRef.optional !== true) {
            findings.push([i, `container "${container.name}": envFrom ConfigMap ${name} is not among the rendered objects`]);
          }
        }
      }
    }
  });

  const defaultDeny = objects.some(
    (o) =>
      o.kind === "NetworkPolicy" &&
      Object.keys(o.spec?.podSelector ?? { any: true }).length === 0 &&
      ["Ingress", "Egress"].every((t) => (o.spec?.policyTypes ?? []).includes(t)) &&
      (o.spec?.ingress ?? []).length === 0 &&
      (o.spec?.egress ?? []).length === 0,
  );
  if (objects.length > 0 && !defaultDeny) {
    findings.push([-1, "no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)"]);
  }
  return findings;
}
