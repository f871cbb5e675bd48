# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Thin wrappers around go commands; each target says what it runs.

.PHONY: build run test lint bench ci

# build: the single binary, ./embargo
build:
	go build -trimpath -o embargo ./cmd/embargo

# run: serve on 127.0.0.1:8080 with SQLite in ./embargo-data
run:
	go run ./cmd/embargo serve

# test: the whole suite, end-to-end tests included (the README's test command)
test:
	go test ./...

# lint: formatting and vet, as CI checks them
lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	go vet ./...

# bench: the performance targets; report in bench/out/latest.md (see bench/README.md)
bench:
	go run ./bench/loadgen

# ci: everything CI runs (installs Chromium and starts PostgreSQL if missing)
ci:
	.ci/run
