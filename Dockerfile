# syntax=docker/dockerfile:1
# The HonoMqtt adapter as a small, non-root container image.
#
#   docker build -t hono-mqtt .
#   docker run --rm -p 1883:1883 -p 8088:8088 \
#     -v "$PWD/registry.json:/etc/hono/registry/registry.json:ro" \
#     -e HONO_MESSAGING_HOST=amqp-network -e HONO_MESSAGING_PORT=5672 hono-mqtt
#
# Configuration: Hono-style environment variables (HONO_MQTT_INSECUREPORT=1883), or .NET-style ones
# (hono__mqtt__insecurePort), see docs/configuration.md. The registry file is read from a mounted path and
# reloaded when it changes (a Kubernetes ConfigMap or Secret volume works: see charts/hono-mqtt).
# TLS material: mount the secret (e.g. at /etc/hono/tls) and point the adapter's TLS key and certificate
# options at the files in it (docs/configuration.md, hono:mqtt).

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
# Restore first, from the project files only, so that the package layer is reused while only sources change.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/HonoMqtt.Adapter/HonoMqtt.Adapter.csproj src/HonoMqtt.Adapter/
RUN dotnet restore src/HonoMqtt.Adapter/HonoMqtt.Adapter.csproj
COPY src/HonoMqtt.Adapter/ src/HonoMqtt.Adapter/
RUN dotnet publish src/HonoMqtt.Adapter/HonoMqtt.Adapter.csproj -c Release --no-restore -o /app /p:UseAppHost=false

# Ubuntu chiseled: no shell, no package manager, runs as the non-root user "app" (UID 1654) by default.
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app ./
# Inside a container the listeners have to bind all interfaces (the adapter's defaults are loopback-only).
# The embedded AMQP endpoint stays on loopback: in a deployment, set HONO_MESSAGING_HOST to the AMQP network.
ENV HONO_MQTT_INSECUREPORTBINDADDRESS=0.0.0.0 \
    HONO_MQTT_INSECUREPORT=1883 \
    HONO_APP_HEALTHCHECKBINDADDRESS=0.0.0.0 \
    HONO_APP_HEALTHCHECKPORT=8088 \
    HONO_REGISTRY_PATH=/etc/hono/registry/registry.json \
    DOTNET_gcServer=0
# MQTT (plain), MQTT over TLS, health checks and /prometheus
EXPOSE 1883 8883 8088
USER $APP_UID
ENTRYPOINT ["dotnet", "HonoMqtt.Adapter.dll"]
