{{/* The chart's name, or nameOverride. */}}
{{- define "platformbot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's resource name: fullnameOverride, else RELEASE-platformbot (RELEASE alone when it already contains the name). */}}
{{- define "platformbot.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "platformbot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "platformbot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "platformbot.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "platformbot.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: platformbot
{{- end }}

{{- define "platformbot.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "platformbot.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "platformbot.secretName" -}}
{{- default (include "platformbot.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{- define "platformbot.configMapName" -}}
{{- default (include "platformbot.fullname" .) .Values.existingConfigMap }}
{{- end }}

{{- define "platformbot.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* Refuse combinations that cannot work, at render time. */}}
{{- define "platformbot.validate" -}}
{{- if and .Values.database.sqlite (gt (int .Values.replicaCount) 1) }}
{{- fail "database.sqlite allows one replica: set replicaCount to 1, or use PostgreSQL (database.sqlite: false and DATABASE_URL in the Secret)" }}
{{- end }}
{{- end }}
