#!/usr/bin/python3
"""Usage: validate-deploy.py [DEPLOY_DIR [NODE_CONFIG_OUT]]

Validates deploy/: the YAML manifests, the containerd snippet and daemon.json,
each on its own and against each other. Prints "PASS name" or "FAIL name: why"."""
import json
import sys
import tomllib

import yaml

DEPLOY = sys.argv[1] if len(sys.argv) > 1 else "deploy"
NODE_CONFIG_OUT = sys.argv[2] if len(sys.argv) > 2 else None  # the ConfigMap's node config, for clampctl check
results = []


def check(name, cond, why=""):
    results.append((name, bool(cond), why))


def load_yaml(name):
    with open(f"{DEPLOY}/{name}") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def meta_ok(doc):
    return (isinstance(doc.get("apiVersion"), str) and isinstance(doc.get("kind"), str)
            and isinstance(doc.get("metadata", {}).get("name"), str))


def containerd_runtime():
    with open(f"{DEPLOY}/containerd-config.toml", "rb") as f:
        cfg = tomllib.load(f)
    runtimes = cfg["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]
    return cfg, runtimes


def check_containerd():
    cfg, runtimes = containerd_runtime()
    check("containerd: config version 2", cfg.get("version") == 2)
    default = cfg["plugins"]["io.containerd.grpc.v1.cri"]["containerd"].get("default_runtime_name", "runc")
    check("containerd: the default runtime is configured (else the CRI plugin does not load)", default in runtimes,
          default)
    rt = runtimes.get("clampdown", {})
    check("containerd: runtime clampdown is runc v2", rt.get("runtime_type") == "io.containerd.runc.v2")
    binary = rt.get("options", {}).get("BinaryName", "")
    check("containerd: BinaryName is an absolute path to clampdown",
          binary.startswith("/") and binary.endswith("/clampdown"), binary)
    check("containerd: pod_annotations carry the profile annotation",
          "io.clampdown.profile" in rt.get("pod_annotations", []))
    check("containerd: pod_annotations carry the bandwidth annotations",
          {"kubernetes.io/ingress-bandwidth", "kubernetes.io/egress-bandwidth"} <= set(rt.get("pod_annotations", [])))
    return runtimes


def check_runtimeclass(runtimes):
    docs = load_yaml("runtimeclass.yaml")
    check("runtimeclass: one document", len(docs) == 1)
    rc = docs[0]
    check("runtimeclass: apiVersion, kind, name", meta_ok(rc) and rc["kind"] == "RuntimeClass"
          and rc["apiVersion"] == "node.k8s.io/v1")
    check("runtimeclass: handler is a containerd runtime", rc.get("handler") in runtimes, rc.get("handler"))
    return rc


def check_workload(ds, kinds):
    spec = ds["spec"]
    tmpl = spec["template"]
    labels = tmpl["metadata"]["labels"]
    check("daemonset: selector matches the pod labels",
          spec["selector"]["matchLabels"].items() <= labels.items())
    pod = tmpl["spec"]
    vols = {v["name"] for v in pod.get("volumes", [])}
    containers = pod.get("initContainers", []) + pod["containers"]
    mounts = {m["name"] for c in containers for m in c.get("volumeMounts", [])}
    check("daemonset: every volumeMount has a volume", mounts <= vols, mounts - vols)
    check("daemonset: every container has a name, image and command",
          all(c.get("name") and c.get("image") and c.get("command") for c in containers))
    sa = pod.get("serviceAccountName")
    check("daemonset: its service account is defined", ("ServiceAccount", sa) in kinds, sa)
    cms = [v["configMap"]["name"] for v in pod.get("volumes", []) if "configMap" in v]
    check("daemonset: its ConfigMap is defined", all(("ConfigMap", n) in kinds for n in cms), cms)
    install = " ".join(pod.get("initContainers", [{}])[0].get("command", []))
    check("daemonset: the installer runs clampctl check before switching", install.find("clampctl check")
          < install.find("mv /host/etc/clampdown/config.json.new") and "clampctl check" in install)


def check_daemonset(rc):
    docs = load_yaml("daemonset.yaml")
    check("daemonset: every document has apiVersion, kind and metadata.name", all(meta_ok(d) for d in docs))
    kinds = {(d["kind"], d["metadata"]["name"]) for d in docs}
    ds = [d for d in docs if d["kind"] == "DaemonSet"]
    check("daemonset: one DaemonSet in apps/v1", len(ds) == 1 and ds[0]["apiVersion"] == "apps/v1")
    check_workload(ds[0], kinds)
    cm = next(d for d in docs if d["kind"] == "ConfigMap")
    node_cfg = json.loads(cm["data"]["config.json"])
    check("daemonset: the ConfigMap's node config starts in audit", node_cfg.get("default_profile") == "audit")
    label = list(rc.get("scheduling", {}).get("nodeSelector", {}).items())
    cmd = " ".join(ds[0]["spec"]["template"]["spec"]["containers"][0]["command"])
    check("daemonset: it sets the label the RuntimeClass selects",
          len(label) == 1 and f"{label[0][0]}={label[0][1]}" in cmd, label)
    binding = next(d for d in docs if d["kind"] == "ClusterRoleBinding")
    check("daemonset: the binding names its role and account",
          ("ClusterRole", binding["roleRef"]["name"]) in kinds
          and all(("ServiceAccount", s["name"]) in kinds for s in binding["subjects"]))
    if NODE_CONFIG_OUT:
        with open(NODE_CONFIG_OUT, "w") as f:
            json.dump(node_cfg, f)


def check_daemon_json():
    with open(f"{DEPLOY}/daemon.json") as f:
        d = json.load(f)
    rts = d.get("runtimes", {})
    check("daemon.json: default-runtime is registered", d.get("default-runtime") in rts)
    check("daemon.json: runtime paths are absolute", all(r["path"].startswith("/") for r in rts.values()))
    check("daemon.json: runtimeArgs only name a clampdown config",
          all(a.startswith("--clampdown-config=/") for r in rts.values() for a in r.get("runtimeArgs", [])))


def main():
    runtimes = check_containerd()
    rc = check_runtimeclass(runtimes)
    check_daemonset(rc)
    check_daemon_json()
    for name, ok, why in results:
        print(f"PASS {name}" if ok else f"FAIL {name}: {why}")
    return 0 if all(ok for _, ok, _ in results) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, KeyError, StopIteration, ValueError, yaml.YAMLError, tomllib.TOMLDecodeError) as e:
        print(f"FAIL deploy/ cannot be read: {type(e).__name__}: {e}")
        sys.exit(1)
