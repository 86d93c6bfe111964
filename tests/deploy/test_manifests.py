"""The Kubernetes manifests and the images' Containerfiles (deploy/, DEPLOY.md).

Every overlay is rendered with `kubectl kustomize`, as a platform team would apply it, and each
document is validated against the newest Kubernetes schema kubernetes-validate knows, strictly
(an unknown field fails). Then the properties that must not regress: locked-down pods with sizes
and probes, Rasa's replicas, the gateway's autoscaler, default-deny networking, the gateway alone
exposed, no real secret committed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate import utils as schemas

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = ROOT / "deploy" / "k8s" / "overlays"
CONTAINERS = ROOT / "deploy" / "containers"
WORKLOADS = {"Deployment", "StatefulSet"}
# Images copy these from the build context; the Makefile makes them (not in git).
MADE_BY_MAKE = {"build/static_minilm.npy": "STATIC_ENCODER := build/static_minilm.npy",
                "models/backup.tar.gz": "--fixed-model-name backup"}
KUBECTL = shutil.which("kubectl")

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed (CI has it at /usr/bin/kubectl)")


def render(overlay: str) -> list[dict]:
    output = subprocess.run([KUBECTL, "kustomize", str(OVERLAYS / overlay)], check=True, capture_output=True, text=True)
    return [document for document in yaml.safe_load_all(output.stdout) if document]


@pytest.fixture(scope="module", params=sorted(path.name for path in OVERLAYS.iterdir()))
def overlay(request) -> tuple[str, list[dict]]:
    return request.param, render(request.param)


def of_kind(documents: list[dict], kind: str) -> list[dict]:
    return [document for document in documents if document["kind"] == kind]


def named(documents: list[dict], kind: str, name: str) -> dict:
    return next(document for document in of_kind(documents, kind) if document["metadata"]["name"] == name)


def pods(documents: list[dict]) -> list[tuple[str, dict]]:
    return [(document["metadata"]["name"], document["spec"]["template"]["spec"])
            for document in documents if document["kind"] in WORKLOADS]


def test_both_overlays_are_rendered():
    assert {path.name for path in OVERLAYS.iterdir()} == {"trial", "production"}


def test_every_document_is_valid_against_the_newest_schema(overlay):
    name, documents = overlay
    version = schemas.latest_version()
    failures = []
    for document in documents:
        try:
            kubernetes_validate.validate(document, version, strict=True)
        except (kubernetes_validate.ValidationError, kubernetes_validate.SchemaNotFoundError) as error:
            failures.append(f"{document['kind']}/{document['metadata']['name']}: {error}")
    assert not failures, f"{name} against Kubernetes {version}:\n" + "\n".join(failures)


def test_every_pod_runs_locked_down_with_sizes(overlay):
    _, documents = overlay
    for workload, pod in pods(documents):
        assert pod["securityContext"]["runAsNonRoot"] is True, workload
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", workload
        assert pod["automountServiceAccountToken"] is False, workload
        for container in pod["containers"] + pod.get("initContainers", []):
            where = f"{workload}/{container['name']}"
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][bound]), where


def test_every_container_has_readiness_and_liveness_probes(overlay):
    _, documents = overlay
    for workload, pod in pods(documents):
        for container in pod["containers"]:
            assert "readinessProbe" in container and "livenessProbe" in container, f"{workload}/{container['name']}"


def test_rasa_is_ready_only_with_its_model_loaded(overlay):
    _, documents = overlay
    rasa = named(documents, "Deployment", "rasa")["spec"]["template"]["spec"]["containers"][0]
    assert rasa["readinessProbe"]["httpGet"]["path"] == "/webhooks/rest/ready"


def test_rasa_runs_at_least_two_replicas_in_production():
    assert named(render("production"), "Deployment", "rasa")["spec"]["replicas"] >= 2


def test_sanic_workers_follow_rasas_cpu_limit(overlay):
    _, documents = overlay
    rasa = named(documents, "Deployment", "rasa")["spec"]["template"]["spec"]["containers"][0]
    workers = next(variable for variable in rasa["env"] if variable["name"] == "SANIC_WORKERS")
    assert workers["valueFrom"]["resourceFieldRef"]["resource"] == "limits.cpu"


def test_an_autoscaler_scales_the_gateway_on_cpu(overlay):
    _, documents = overlay
    (autoscaler,) = of_kind(documents, "HorizontalPodAutoscaler")
    assert autoscaler["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "gateway"}
    assert [metric["resource"]["name"] for metric in autoscaler["spec"]["metrics"]] == ["cpu"]


def test_every_workload_has_a_disruption_budget(overlay):
    _, documents = overlay
    budgeted = {budget["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
                for budget in of_kind(documents, "PodDisruptionBudget")}
    assert budgeted == {document["metadata"]["name"] for document in documents if document["kind"] in WORKLOADS}


def test_the_namespace_denies_all_traffic_by_default(overlay):
    _, documents = overlay
    assert any(policy["spec"]["podSelector"] == {} and set(policy["spec"]["policyTypes"]) == {"Ingress", "Egress"}
               and not policy["spec"].get("ingress") and not policy["spec"].get("egress")
               for policy in of_kind(documents, "NetworkPolicy"))


def allowed_in(documents: list[dict], target: str) -> set[str]:
    """Who may open a connection to the target's pods: app names, or namespace:<name>."""
    sources = set()
    for policy in of_kind(documents, "NetworkPolicy"):
        selected = policy["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name")
        if selected not in (target, None) or (selected is None and policy["spec"]["podSelector"]):
            continue
        for rule in policy["spec"].get("ingress", []):
            for peer in rule.get("from", [{}]):
                if "namespaceSelector" in peer:
                    sources.add("namespace:" + peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"])
                else:
                    sources.add(peer.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/name", "anyone"))
    return sources


def test_only_the_gateway_reaches_rasa_only_rasa_the_actions_only_they_redis(overlay):
    _, documents = overlay
    assert allowed_in(documents, "rasa") == {"gateway"}
    assert allowed_in(documents, "actions") == {"rasa"}
    assert allowed_in(documents, "redis") == {"gateway", "rasa", "redis"}
    assert allowed_in(documents, "gateway") == {"namespace:ingress-nginx", "namespace:monitoring"}


def test_only_the_gateway_is_exposed(overlay):
    _, documents = overlay
    assert all(service["spec"].get("type", "ClusterIP") == "ClusterIP" for service in of_kind(documents, "Service"))
    backends = {path["backend"]["service"]["name"]
                for ingress in of_kind(documents, "Ingress")
                for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]}
    assert backends == {"gateway"}


def test_no_real_secret_is_committed():
    (trial_secret,) = of_kind(render("trial"), "Secret")
    example = (OVERLAYS / "trial" / "secrets.example.env").read_text()
    values = dict(line.split("=", 1) for line in example.splitlines() if line and not line.startswith("#"))
    assert values and all(value.startswith("placeholder-not-a-secret") for value in values.values())
    assert set(trial_secret["data"]) == set(values)
    assert not of_kind(render("production"), "Secret")


def test_every_secret_key_a_pod_reads_is_in_the_trial_secret():
    documents = render("trial")
    (secret,) = of_kind(documents, "Secret")
    for workload, pod in pods(documents):
        for container in pod["containers"] + pod.get("initContainers", []):
            for variable in container.get("env", []):
                reference = variable.get("valueFrom", {}).get("secretKeyRef")
                if reference:
                    assert reference["name"] == secret["metadata"]["name"], workload
                    assert reference["key"] in secret["data"], f"{workload}: {reference['key']}"


def copied_sources(containerfile: Path) -> list[str]:
    """The build-context paths a Containerfile's COPY lines read (not those from another stage)."""
    sources = []
    for line in containerfile.read_text().splitlines():
        words = line.split()
        if words[:1] == ["COPY"] and not any(word.startswith("--from") for word in words):
            sources += [word for word in words[1:-1] if not word.startswith("--")]
    return sources


def context_allows(source: str) -> bool:
    """Whether .containerignore (everything out, then named paths back in) lets the source in."""
    allowed = [line[1:].rstrip("/") for line in (ROOT / ".containerignore").read_text().splitlines() if line.startswith("!")]
    return any(source.rstrip("/") == entry or source.startswith(entry + "/") for entry in allowed)


@pytest.mark.parametrize("containerfile", sorted(CONTAINERS.glob("*.Containerfile")), ids=lambda path: path.stem)
def test_every_copy_source_is_in_the_build_context(containerfile):
    makefile = (ROOT / "Makefile").read_text()
    for source in copied_sources(containerfile):
        if source in MADE_BY_MAKE:
            assert MADE_BY_MAKE[source] in makefile, f"{source}: the Makefile no longer makes it"
        else:
            assert (ROOT / source).exists(), f"{containerfile.name}: {source} does not exist"
        assert context_allows(source), f"{containerfile.name}: .containerignore leaves {source} out"


def test_each_runtime_has_a_containerfile_and_every_manifest_image_one():
    images = {re.sub(r"\.Containerfile$", "", path.name) for path in CONTAINERS.glob("*.Containerfile")}
    assert {"gateway", "rasa", "actions"} <= images
    used = {container["image"].split("/")[-1].split(":")[0]
            for _, pod in pods(render("production"))
            for container in pod["containers"] + pod.get("initContainers", [])}
    assert used == images
