# lobby as a container: built from this tree, run as a non-root user with
# the data dir as a volume and /readyz as the health check.
#
#   docker build -t lobby --build-arg LOBBY_GIT_COMMIT=$(git rev-parse --short=12 HEAD) .
#   docker run -p 8080:8080 -v lobby-data:/var/lib/lobby \
#     -e LOBBY_ADMIN_PASSWORD=change-me lobby
#
# deploy/compose.yaml runs it with PostgreSQL and an S3-compatible store.

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
# A container build has no .git: the commit comes in as a build argument.
ARG LOBBY_GIT_COMMIT=unknown
ENV LOBBY_GIT_COMMIT=${LOBBY_GIT_COMMIT}
RUN cargo build --release --locked -p lobby \
 && install -m 0755 target/release/lobby /usr/local/bin/lobby

FROM debian:bookworm-slim
# curl for the health check; ca-certificates for SMTP/S3/robots over TLS.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/lobby --shell /usr/sbin/nologin lobby \
 && mkdir -p /var/lib/lobby && chown lobby:lobby /var/lib/lobby
COPY --from=build /usr/local/bin/lobby /usr/local/bin/lobby
USER lobby
ENV LOBBY_ADDR=0.0.0.0:8080 \
    LOBBY_DATA_DIR=/var/lib/lobby \
    LOBBY_LOG_FORMAT=json
VOLUME /var/lib/lobby
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["/usr/local/bin/lobby"]
CMD ["serve"]
