package ops

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vpslink/vpslink/internal/tooltest"
)

// systemdUnit writes the shipped unit with the vpslink binary path pointed
// at an existing executable, so systemd-analyze can check it here.
func systemdUnit(t *testing.T) string {
	t.Helper()
	unit := readFile(t, "systemd/vpslink.service")
	if !strings.Contains(unit, "ExecStart=/usr/local/bin/vpslink serve") {
		t.Fatal("vpslink.service no longer runs /usr/local/bin/vpslink serve")
	}
	path := filepath.Join(t.TempDir(), "vpslink.service")
	unit = strings.ReplaceAll(unit, "/usr/local/bin/vpslink", "/bin/true")
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSystemdUnitVerifies(t *testing.T) {
	bin := tooltest.Installed(t, "systemd-analyze", "apt-get install systemd")
	out, err := exec.Command(bin, "verify", systemdUnit(t)).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestSystemdUnitHardened requires an exposure level of at most 2.0 out of
// 10 ("OK") from systemd's own assessment, and the settings the runbook
// promises.
func TestSystemdUnitHardened(t *testing.T) {
	bin := tooltest.Installed(t, "systemd-analyze", "apt-get install systemd")
	// The threshold is on systemd's internal 0-100 scale.
	out, err := exec.Command(bin, "security", "--offline=true", "--threshold=20", "--no-pager", systemdUnit(t)).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	unit := readFile(t, "systemd/vpslink.service")
	for _, want := range []string{
		"User=vpslink", "NoNewPrivileges=yes", "ProtectSystem=strict", "StateDirectory=vpslink",
		"ExecStartPre=/usr/local/bin/vpslink restore --if-db-not-exists --if-replica-exists",
		"EnvironmentFile=/etc/vpslink/vpslink.env",
	} {
		if !strings.Contains(unit, "\n"+want+"\n") {
			t.Errorf("vpslink.service lacks %s", want)
		}
	}
	if !strings.Contains(readFile(t, "systemd/vpslink.sysusers"), "u vpslink ") {
		t.Error("vpslink.sysusers does not create the vpslink user")
	}
	if !strings.Contains(readFile(t, "systemd/ufw-vpslink"), "ports=3001/tcp") {
		t.Error("the UFW profile does not open the API port")
	}
}
