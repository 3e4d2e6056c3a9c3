package replicator

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// TrustCABundle makes the certificates in $AWS_CA_BUNDLE trusted by every
// TLS client of this process, in addition to the system roots, and then
// unsets the variable.
//
// Why: litestream's S3 client builds its own http.Client, and the AWS SDK
// refuses to add a CA bundle to a client it did not build ("unable to add
// custom RootCAs"), so with AWS_CA_BUNDLE set litestream cannot start at all.
// Go's system pool is loaded once, on first use, from the default locations
// plus $SSL_CERT_DIR; adding a directory holding a copy of the bundle there
// before any TLS connection extends the system pool for every client,
// litestream's included. Call it at the start of a process that owns S3
// (replicate, restore), before anything dials TLS.
func TrustCABundle() error {
	bundle := os.Getenv("AWS_CA_BUNDLE")
	if bundle == "" {
		return nil
	}
	pem, err := os.ReadFile(bundle)
	if err != nil {
		return fmt.Errorf("AWS_CA_BUNDLE: %w", err)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(pem) {
		return fmt.Errorf("AWS_CA_BUNDLE %s: no PEM certificates", bundle)
	}
	dir, err := os.MkdirTemp("", "vpslink-ca-")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "aws-ca-bundle.pem"), pem, 0o644); err != nil {
		return err
	}
	// An unset SSL_CERT_DIR means Go's default directories; keep them.
	dirs := os.Getenv("SSL_CERT_DIR")
	if dirs == "" {
		dirs = "/etc/ssl/certs:/etc/pki/tls/certs:/system/etc/security/cacerts"
	}
	if err := os.Setenv("SSL_CERT_DIR", strings.Join([]string{dir, dirs}, ":")); err != nil {
		return err
	}
	return os.Unsetenv("AWS_CA_BUNDLE")
}
