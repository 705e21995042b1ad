{{/*
Every value is read with `dig` and a default equal to values.yaml's: `helm upgrade --reuse-values`
renders a new chart with the values of the release it upgrades, where a nested key added since is
missing, and `.Values.a.b` on a missing `a` stops the render (a nil pointer). dig refuses Helm's
own Values type, so templates read a plain copy: `$v := merge (dict) .Values`.
*/}}

{{- define "kpe.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 47 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's objects are named <release> when the release name ends in the chart's name
(helm install kafka-private-endpoint-operator …), else <release>-<name>; 47 characters leave room
for the longest suffix (-leader-election) in a 63-character name. */}}
{{- define "kpe.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 47 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "kpe.name" . -}}
{{- if hasSuffix $name .Release.Name -}}
{{- .Release.Name | trunc 47 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 47 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "kpe.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kpe.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kpe.labels" -}}
{{ include "kpe.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: kafka-private-endpoint
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{- define "kpe.serviceAccountName" -}}
{{- $v := merge (dict) .Values -}}
{{- if dig "serviceAccount" "create" true $v -}}
{{- dig "serviceAccount" "name" "" $v | default (include "kpe.fullname" .) -}}
{{- else -}}
{{- dig "serviceAccount" "name" "" $v | default "default" -}}
{{- end -}}
{{- end -}}

{{/* The namespaces the operator watches, one per line; empty when it watches all. */}}
{{- define "kpe.watchedNamespaces" -}}
{{- $v := merge (dict) .Values -}}
{{- if not (dig "watchAllNamespaces" false $v) -}}
{{- range (dig "watchNamespaces" (list) $v | default (list .Release.Namespace) | uniq) }}
{{ . }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Refuses combinations the schema cannot express, with what to do instead. */}}
{{- define "kpe.validate" -}}
{{- $v := merge (dict) .Values -}}
{{- if dig "watchAllNamespaces" false $v -}}
{{- if dig "watchNamespaces" (list) $v -}}
{{- fail "watchAllNamespaces: true and a watchNamespaces list contradict each other: set one of them" -}}
{{- end -}}
{{- if and (dig "rbac" "create" true $v) (not (dig "rbac" "clusterWideWrites" false $v)) -}}
{{- fail "watchAllNamespaces: true lets the operator write ConfigMaps, StatefulSets, Services and Strimzi Kafkas in every namespace of the cluster. List the namespaces where your brokers live in watchNamespaces instead, or accept cluster-wide writes with rbac.clusterWideWrites: true" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "kpe.image" -}}
{{- $v := merge (dict) .Values -}}
{{- $repository := dig "image" "repository" "kafka-private-endpoint-operator" $v -}}
{{- $digest := dig "image" "digest" "" $v -}}
{{- if $digest -}}
{{- printf "%s@%s" $repository $digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (dig "image" "tag" "" $v | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/* The Role rules the operator needs in a namespace it watches: exactly the verbs of its calls
(see the chart README for each rule's code). */}}
{{- define "kpe.namespacedRules" -}}
# JOSDK: informer (list, watch), re-read on a conflict (get), finalizer by server-side apply (patch);
# ReconcilePipeline lists the endpoints of a namespace to find listener conflicts.
- apiGroups: ["kafka.privateendpoint.io"]
  resources: ["kafkaprivateendpoints"]
  verbs: ["get", "list", "watch", "patch"]
# JOSDK and the reconciler's DeletionBlocked status: patch only.
- apiGroups: ["kafka.privateendpoint.io"]
  resources: ["kafkaprivateendpoints/status"]
  verbs: ["patch"]
# KafkaWatches informer; BrokerLocator lists the brokers' pods.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
# KafkaWatches informer; StatefulSetBrokerDiscovery reads; StatefulSetListenerApplier's JSON patch.
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["get", "list", "watch", "patch"]
# The endpoint's ConfigMap kpe-<name>: watched by label, read, created, replaced with its
# resourceVersion (update), deleted with the endpoint.
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
# What the operator makes, watched by label (KafkaWatches) so a steady pass reads its cache: AWS
# instance targets' NodePort Services (BrokerLocator, BrokerNodePortServices: one per broker, deleted
# when its broker leaves) and Proxy mode's Service (ProxySide: created, replaced, deleted; one get when
# the cache has none, to see a namesake that is not ours).
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
# Strimzi: informers; StrimziBrokerDiscovery reads; StrimziListenerApplier's JSON patch of the
# Kafka CR's listeners.
- apiGroups: ["kafka.strimzi.io"]
  resources: ["kafkas"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["kafka.strimzi.io"]
  resources: ["kafkanodepools"]
  verbs: ["list", "watch"]
# Proxy mode: ProxySide writes the proxy's Deployment (replaced with its resourceVersion, deleted
# with the endpoint) and KafkaWatches watches it by label; the same for its PodDisruptionBudget.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
{{- if dig "rbac" "readSecrets" false (merge (dict) .Values) }}
# rbac.readSecrets: Proxy mode's spec.proxy.upstream.secretRef (ca.crt, SASL username and password),
# read by ProxySide in the endpoint's own namespace for the operator's broker discovery. Get only:
# no list or watch, so no Secret is read but the ones endpoints name.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
{{- end }}
# EventRecorder: events on the endpoint, in its namespace.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end -}}
