// Package vpslink holds the domain types and error codes shared by every
// part of the service: the SQLite store, the scheduler, the HTTP API, the
// WhatsApp client and the importer. It depends on nothing but the standard
// library so that every other package can depend on it.
package vpslink

// Version is the build's version, stamped by the linker into cmd/vpslink and
// copied here at start-up so that every package can report it.
var Version = "dev"
