// Package ops holds no code: it is the home of the deployment files
// (Prometheus, Grafana, Garage and systemd configuration) and of the tests
// that check them, together with the repository's Dockerfile,
// docker-compose.yml, .env.example and litestream.yml, against the real
// tools: the compose-spec loader, promtool, Prometheus scraping a running
// `vpslink serve`, systemd-analyze and the official litestream CLI.
package ops
