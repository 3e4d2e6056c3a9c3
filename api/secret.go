package api

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// SecretFile is the name of the generated secret in the data directory.
const SecretFile = "api-secret"

// ResolveSecret applies SPEC §2's start-up rules for the API secret: a
// configured secret is used as is; without one, a loopback listener uses
// <dataDir>/api-secret, created once with a random secret (mode 0600), and
// any other listener refuses to start. It returns the secret and, when it
// came from the file, the file's path, which is what may be logged.
func ResolveSecret(configured, listen, dataDir string) (secret, path string, err error) {
	if configured != "" {
		return configured, "", nil
	}
	if !isLoopback(listen) {
		return "", "", fmt.Errorf("listen address %s is not loopback: set VPSLINK_API_SECRET (or api_secret)", listen)
	}
	path = filepath.Join(dataDir, SecretFile)
	b, err := os.ReadFile(path)
	if err == nil {
		if s := strings.TrimSpace(string(b)); s != "" {
			return s, path, nil
		}
		return "", "", fmt.Errorf("API secret file %s is empty", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", "", fmt.Errorf("read API secret: %w", err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", "", fmt.Errorf("generate API secret: %w", err)
	}
	secret = hex.EncodeToString(raw[:])
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return "", "", fmt.Errorf("create data directory: %w", err)
	}
	// O_EXCL: if another process created the file meanwhile, use theirs.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return ResolveSecret("", listen, dataDir)
	} else if err != nil {
		return "", "", fmt.Errorf("create API secret file: %w", err)
	}
	if _, err := f.WriteString(secret + "\n"); err != nil {
		f.Close()
		return "", "", fmt.Errorf("write API secret file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", "", fmt.Errorf("write API secret file: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", "", fmt.Errorf("write API secret file: %w", err)
	}
	return secret, path, nil
}

// isLoopback reports whether a listen address only accepts local
// connections: an empty or wildcard host is not loopback.
func isLoopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
