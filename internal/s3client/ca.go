package s3client

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"time"
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
// (replicate, restore), before anything dials TLS. The clients New builds
// trust the bundle without it; after this call they find it in the system
// pool.
func TrustCABundle() error {
	bundle := os.Getenv("AWS_CA_BUNDLE")
	if bundle == "" {
		return nil
	}
	data, roots, err := readBundle(bundle)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "vpslink-ca-")
	if err != nil {
		return err
	}
	// The directory is only read once, by the load below.
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "aws-ca-bundle.pem"), data, 0o600); err != nil {
		return err
	}
	// An unset SSL_CERT_DIR means Go's default directories; keep them.
	dirs := os.Getenv("SSL_CERT_DIR")
	if dirs == "" {
		dirs = "/etc/ssl/certs:/etc/pki/tls/certs:/system/etc/security/cacerts"
	}
	if err := os.Setenv("SSL_CERT_DIR", dir+":"+dirs); err != nil {
		return err
	}
	if _, err := x509.SystemCertPool(); err != nil { // loads the pool now
		return fmt.Errorf("system certificates: %w", err)
	}
	// A pool loaded before this call would not have the bundle: say so
	// rather than fail later with an unknown authority. Only valid
	// self-signed roots can be checked on their own; one is enough.
	checked, trusted := 0, 0
	now := time.Now()
	for _, c := range roots {
		if !c.IsCA || c.CheckSignatureFrom(c) != nil || now.Before(c.NotBefore) || now.After(c.NotAfter) {
			continue
		}
		checked++
		if _, err := c.Verify(x509.VerifyOptions{KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err == nil {
			trusted++
			break
		}
	}
	if checked > 0 && trusted == 0 {
		return fmt.Errorf("AWS_CA_BUNDLE %s: could not be added to the trusted roots (TLS roots loaded too early)", bundle)
	}
	return os.Unsetenv("AWS_CA_BUNDLE")
}

// rootsWith returns the system's CAs plus those in the PEM file bundle, and
// the file's contents; only the system's when bundle is "".
func rootsWith(bundle string) (*x509.CertPool, []byte, error) {
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if bundle == "" {
		return roots, nil, nil
	}
	data, certs, err := readBundle(bundle)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range certs {
		roots.AddCert(c)
	}
	return roots, data, nil
}

// readBundle reads a PEM file of CA certificates; one without any is an
// error, since trusting nothing new is never what was meant.
func readBundle(path string) ([]byte, []*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("CA bundle: %w", err)
	}
	certs := parseCerts(data)
	if len(certs) == 0 {
		return nil, nil, fmt.Errorf("CA bundle %s: no PEM certificates", path)
	}
	return data, certs, nil
}

func parseCerts(data []byte) []*x509.Certificate {
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		if block, data = pem.Decode(data); block == nil {
			return certs
		}
		if c, err := x509.ParseCertificate(block.Bytes); err == nil && block.Type == "CERTIFICATE" {
			certs = append(certs, c)
		}
	}
}
