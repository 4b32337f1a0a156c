# syntax=docker/dockerfile:1
# One image for every role of Verity: `serve` (the default), `serve --role api`, `worker`, `migrate`, `ingest`.
#   docker build -t verity:local .
#   docker run --rm -p 8080:8080 -v verity-data:/data verity:local demo --urls http://0.0.0.0:8080 --data /data
# See docs/deployment.md. The runtime stage writes only to /data (the SQLite data directory; unused with PostgreSQL)
# and /tmp, so it runs with a read-only root filesystem when both are mounted writable.

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Restore from the project files alone, so that a source change does not download the packages again. Every project
# the CLI references (directly or through another project) must be listed here: tests/Verity.Deploy.Tests checks it.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Verity.Core/Verity.Core.csproj src/Verity.Core/
COPY src/Verity.Sqlite/Verity.Sqlite.csproj src/Verity.Sqlite/
COPY src/Verity.Postgres/Verity.Postgres.csproj src/Verity.Postgres/
COPY src/Verity.Llm/Verity.Llm.csproj src/Verity.Llm/
COPY src/Verity.Server/Verity.Server.csproj src/Verity.Server/
COPY src/Verity.Evaluation/Verity.Evaluation.csproj src/Verity.Evaluation/
COPY src/Verity.Cli/Verity.Cli.csproj src/Verity.Cli/
RUN dotnet restore src/Verity.Cli/Verity.Cli.csproj

COPY src/ src/
# `verity demo` ships the demo corpus beside the program.
COPY demo/corpus/ demo/corpus/
RUN dotnet publish src/Verity.Cli/Verity.Cli.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
# The base image's unprivileged `app` user (uid 1654). A numeric USER lets Kubernetes verify runAsNonRoot.
ARG APP_UID=1654
WORKDIR /app
COPY --from=build --chown=root:root /app ./
RUN mkdir -p /data && chown ${APP_UID}:${APP_UID} /data

ENV PATH="/app:${PATH}" \
    VERITY_DATA=/data \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    VERITY_HEALTH_PORT=8080
USER ${APP_UID}
EXPOSE 8080

# The runtime image has no curl or wget. bash's /dev/tcp sends one HTTP/1.1 request to the liveness endpoint and the
# check passes only on a 200 status line. The port: Verity__Telemetry__ManagementPort when set (the probes answer
# there only; this exact spelling, as bash variables are case-sensitive), else VERITY_HEALTH_PORT, which follows a
# non-default --urls port. Kubernetes ignores HEALTHCHECK and uses the probes in deploy/k8s instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${Verity__Telemetry__ManagementPort:-${VERITY_HEALTH_PORT:-8080}} && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && IFS= read -r -t 4 status <&3 && [[ $status == 'HTTP/1.'?' 200'* ]]"]

ENTRYPOINT ["/app/verity"]
CMD ["serve", "--urls", "http://0.0.0.0:8080"]
