package importer

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/vpslink/vpslink/store/storetest"
)

// Size of the large-input benchmark: 200 chats of 1,000 messages, about
// 50 MB of chats.json.
const (
	benchChats   = 200
	benchPerChat = 1000
)

// writeLargeChats writes a chats.json of the newest generation's shape:
// every message with a rawMessage carrying its WhatsApp id, and one in a
// hundred an exact repeat of the one before.
func writeLargeChats(w io.Writer, chats, perChat int) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("{")
	for c := range chats {
		if c > 0 {
			bw.WriteString(",")
		}
		jid := fmt.Sprintf("49151%08d@s.whatsapp.net", c)
		fmt.Fprintf(bw, "\n  %q: {\"id\": %q, \"name\": \"Contact %d\", \"isGroup\": false, \"unreadCount\": %d, \"messages\": [", jid, jid, c, c%5)
		for i := range perChat {
			if i > 0 {
				bw.WriteString(",")
			}
			n := i
			if i%100 == 99 {
				n = i - 1
			}
			ts := 1790000000 + c*100000 + n*60
			fmt.Fprintf(bw, "\n    {\"message\": \"Message %d of chat %d: see you around %02d:%02d, bring the documents\", "+
				"\"timestamp\": %d, \"isFromMe\": %t, \"messageType\": \"text\", \"rawMessage\": {\"key\": {\"remoteJid\": %q, "+
				"\"fromMe\": %t, \"id\": \"3EB0%06d%06d\"}}}",
				n, c, n%24, n%60, ts, n%3 == 0, jid, n%3 == 0, c, n)
		}
		bw.WriteString("\n  ]}")
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// largeInput writes the benchmark's chats.json into a new directory.
func largeInput(tb testing.TB, dir string) int64 {
	tb.Helper()
	f, err := os.Create(filepath.Join(dir, chatsFile))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := writeLargeChats(f, benchChats, benchPerChat); err != nil {
		tb.Fatal(err)
	}
	st, _ := f.Stat()
	return st.Size()
}

// BenchmarkImportLargeChats imports 200,000 chat messages (about 50 MB) into
// a new database, one iteration per database.
func BenchmarkImportLargeChats(b *testing.B) {
	dir := b.TempDir()
	b.SetBytes(largeInput(b, dir))
	for b.Loop() {
		b.StopTimer()
		db := storetest.Open(b)
		b.StartTimer()
		rep, err := Run(context.Background(), db, Dir(dir), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if m := rep.Files[len(rep.Files)-1]; m.Read != benchChats*benchPerChat || m.Imported+m.Skipped != m.Read {
			b.Fatalf("report %+v", m)
		}
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
}

// TestWriteLargeChats writes the benchmark input to $VPSLINK_IMPORT_BENCH_DIR
// for measuring the built binary (see BENCHMARKS.md); it is skipped
// otherwise.
func TestWriteLargeChats(t *testing.T) {
	dir := os.Getenv("VPSLINK_IMPORT_BENCH_DIR")
	if dir == "" {
		t.Skip("VPSLINK_IMPORT_BENCH_DIR not set")
	}
	t.Logf("%s: %d bytes", filepath.Join(dir, chatsFile), largeInput(t, dir))
}
