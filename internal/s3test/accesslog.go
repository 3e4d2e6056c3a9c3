package s3test

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"time"
)

// Request is one line of the server's access log.
type Request struct {
	Time      time.Time
	Operation string // e.g. "PutObject", "ListObjectsV2", "GetObject"
	Key       string // object key without the bucket; "" for bucket operations
	Status    int
	Size      int64 // object size for uploads and downloads
}

// accessLogTime is versitygw's access log time format (inside brackets).
const accessLogTime = "02/January/2006:15:04:05 -0700"

// Requests returns every request the server has logged, across restarts.
func (s *Server) Requests() []Request {
	s.t.Helper()
	f, err := os.Open(s.logFile)
	if os.IsNotExist(err) {
		return nil
	} else if err != nil {
		s.t.Fatalf("s3test: %v", err)
	}
	defer f.Close()

	var reqs []Request
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if r, ok := parseAccessLine(sc.Text()); ok {
			reqs = append(reqs, r)
		}
	}
	if err := sc.Err(); err != nil {
		s.t.Fatalf("s3test: read access log: %v", err)
	}
	return reqs
}

// RequestsSince returns the requests logged at or after t. The log has
// one-second resolution, so callers should allow for that.
func (s *Server) RequestsSince(t time.Time) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if !r.Time.Before(t.Truncate(time.Second)) {
			out = append(out, r)
		}
	}
	return out
}

// parseAccessLine parses the S3-style access log line: owner bucket [time
// zone] ip requester request-id operation key uri status error bytes-sent
// object-size ... Lines it cannot read (such as "log starts ...") are
// skipped.
func parseAccessLine(line string) (Request, bool) {
	f := strings.Fields(line)
	if len(f) < 14 || !strings.HasPrefix(f[2], "[") {
		return Request{}, false
	}
	tm, err := time.Parse(accessLogTime, strings.TrimPrefix(f[2], "[")+" "+strings.TrimSuffix(f[3], "]"))
	if err != nil {
		return Request{}, false
	}
	status, _ := strconv.Atoi(f[10])
	size, _ := strconv.ParseInt(f[13], 10, 64)
	key := f[8]
	if key == "-" {
		key = ""
	}
	return Request{Time: tm, Operation: strings.TrimPrefix(f[7], "s3_"), Key: key, Status: status, Size: size}, true
}
