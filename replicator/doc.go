// Package replicator keeps copies of the database away from the machine it
// runs on, and brings them back.
//
// It owns two independent kinds of copy:
//
//   - The continuous replica: the embedded litestream library streams every
//     WAL change to a file or S3 replica (Replicator, RunProcess), read from
//     litestream's own YAML configuration (Config) so that the official
//     litestream CLI restores from the same file; Restore brings a replica
//     back, at its latest state or at a point in time. Supervisor is how
//     `vpslink serve` runs `vpslink replicate` as a child process and merges
//     its metrics and health.
//   - Snapshots: a Snapshotter takes a compressed, checked copy of the
//     database at every interval into a local queue (<datadir>/backups),
//     uploads the queue to a Target (a directory or an S3 prefix), applies
//     the tiered retention policy there and verifies the newest snapshot
//     once a day; VerifySnapshot and RestoreSnapshot read them back.
//
// The database file itself belongs to the store package: it makes the
// consistent copy a snapshot is taken from (store.CopyFile) and checks
// every copy and download (store.CheckFile). This package never opens the
// main database with SQLite except through litestream.
//
// # Processes, and one SQLite build per file
//
// The binary links two SQLite builds: the store's (mattn/go-sqlite3, cgo)
// and litestream's (modernc.org/sqlite). Linking both is harmless; opening
// the same file with both in one process is not. SQLite's locks are POSIX
// advisory locks, which belong to the process, and each build keeps its own
// table of open files: when one build closes its descriptor of a file, the
// kernel drops every lock the process holds on that file, the other build's
// included, and a checkpoint elsewhere may then overwrite WAL frames that
// litestream is still reading. Hence the rule: in one process, a file is
// opened by one build at a time.
//
//   - `vpslink serve` opens the database with the store and runs no
//     litestream: it starts and watches the replicate child, and a
//     snapshot taken from the web UI copies the database in serve's own
//     process, with the store.
//   - `vpslink replicate` is a process of its own because litestream holds
//     the database open there with its build. Its snapshot job therefore
//     has each copy made by a child process, `vpslink db copy` (see
//     Snapshotter.Copy); checking, compressing, uploading, pruning and
//     verifying work on copies, which litestream never opens, so they run
//     in the replicate process with the store's build.
//   - `vpslink backup` and `vpslink restore` run litestream on no open
//     database: the backup commands copy the database in their own process
//     with the store, and litestream's restore writes and checks a new file
//     that nothing else opens until it is installed.
package replicator
