# One image with every binary of the workspace; compose and Kubernetes pick the command.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bins

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin screener
COPY --from=build /src/target/release/data-collector /src/target/release/metrics-calculator \
     /src/target/release/alert-engine /src/target/release/api-gateway /src/target/release/exchange-sim \
     /usr/local/bin/
USER 10001
# Containers must be reachable from other containers; outside a container the default stays 127.0.0.1.
ENV BIND_ADDRESS=0.0.0.0 LOG_FORMAT=json
