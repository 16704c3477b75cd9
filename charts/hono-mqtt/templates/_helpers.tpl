{{/* The chart's name, or nameOverride. */}}
{{- define "hono-mqtt.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's resource name: fullnameOverride, or <release>-<chart> (just <release> if it contains the chart name). */}}
{{- define "hono-mqtt.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "hono-mqtt.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hono-mqtt.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "hono-mqtt.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "hono-mqtt.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: adapter
app.kubernetes.io/part-of: eclipse-hono
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "hono-mqtt.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "hono-mqtt.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Connections per pod at most: adapter.maxConnections, or the figure the memory is sized for. */}}
{{- define "hono-mqtt.maxConnections" -}}
{{- if gt (int .Values.adapter.maxConnections) 0 -}}
{{- .Values.adapter.maxConnections -}}
{{- else -}}
{{- .Values.sizing.connectionsPerPod -}}
{{- end -}}
{{- end -}}

{{/* Memory request in MiB: baseMemoryMiB + connectionsPerPod x bytesPerConnection + registryDevices x bytesPerDevice. */}}
{{- define "hono-mqtt.memoryRequestMiB" -}}
{{- $connections := mul (int64 .Values.sizing.connectionsPerPod) (int64 .Values.sizing.bytesPerConnection) -}}
{{- $registry := mul (int64 .Values.sizing.registryDevices) (int64 .Values.sizing.bytesPerDevice) -}}
{{- add (int64 .Values.sizing.baseMemoryMiB) (div (add $connections $registry) 1048576) -}}
{{- end -}}

{{- define "hono-mqtt.memoryRequest" -}}
{{- default (printf "%sMi" (include "hono-mqtt.memoryRequestMiB" .)) .Values.resources.requests.memory -}}
{{- end -}}

{{- define "hono-mqtt.memoryLimit" -}}
{{- $computed := div (mul (int64 (include "hono-mqtt.memoryRequestMiB" .)) (int64 .Values.sizing.limitPercent)) 100 -}}
{{- default (printf "%dMi" $computed) .Values.resources.limits.memory -}}
{{- end -}}

{{/* The registry volume's source: the chart's ConfigMap, an existing ConfigMap or an existing Secret. */}}
{{- define "hono-mqtt.registryVolume" -}}
{{- if .Values.registry.existingSecret -}}
secret:
  secretName: {{ .Values.registry.existingSecret }}
  items:
    - key: {{ .Values.registry.key }}
      path: registry.json
{{- else -}}
configMap:
  name: {{ default (printf "%s-registry" (include "hono-mqtt.fullname" .)) .Values.registry.existingConfigMap }}
  items:
    - key: {{ .Values.registry.key }}
      path: registry.json
{{- end -}}
{{- end -}}
