# syntax=docker/dockerfile:1
# vpslink image: a cgo build (mattn/go-sqlite3) on Debian bookworm, run on
# bookworm-slim so the glibc the binary links against is the one it runs on.
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t vpslink .

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
# Modules first: they change far less often than the code.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=1 go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/vpslink ./cmd/vpslink

FROM debian:bookworm-slim
# ca-certificates: TLS to WhatsApp and to S3; tzdata: recipients' IANA time
# zones; wget: the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata wget \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 vpslink \
 && useradd --system --uid 10001 --gid vpslink --home-dir /data --shell /usr/sbin/nologin vpslink \
 && install -d -o vpslink -g vpslink -m 0700 /data
COPY --from=build /out/vpslink /usr/local/bin/vpslink

ARG VERSION=dev
LABEL org.opencontainers.image.title="vpslink" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="https://github.com/vpslink/vpslink"

# The database, session, api-secret and local snapshots live in /data, a
# volume. Listening on all interfaces is only allowed with a secret
# (VPSLINK_API_SECRET), so a forgotten secret stops the container instead of
# exposing the API.
ENV VPSLINK_DB=/data/whatsapp.db \
    VPSLINK_LISTEN=0.0.0.0:3001
WORKDIR /data
VOLUME /data
USER vpslink:vpslink
EXPOSE 3001

# /healthz needs no secret and no allowed IP. The port follows VPSLINK_LISTEN.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD wget -q -O /dev/null "http://127.0.0.1:${VPSLINK_LISTEN##*:}/healthz" || exit 1

ENTRYPOINT ["vpslink"]
CMD ["serve"]
