// Package progress draws a progress bar on a terminal while a file is read.
package progress

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Reader wraps r so that reading it draws a bar named name on w, size being
// r's length (0 when unknown); with a nil w it returns r.
func Reader(r io.Reader, name string, size int64, w io.Writer) io.Reader {
	if w == nil {
		return r
	}
	return &progressReader{r: r, w: w, name: name, size: size}
}

// progressReader redraws at most every 100 ms and once at the end.
type progressReader struct {
	r     io.Reader
	w     io.Writer
	name  string
	size  int64
	read  int64
	drawn time.Time
	done  bool
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.read += int64(n)
	if err == io.EOF && !p.done {
		p.done = true
		p.draw()
		fmt.Fprintln(p.w)
	} else if !p.done && time.Since(p.drawn) >= 100*time.Millisecond {
		p.draw()
	}
	return n, err
}

func (p *progressReader) draw() {
	p.drawn = time.Now()
	const width = 30
	mb := float64(p.read) / (1 << 20)
	if p.size <= 0 {
		fmt.Fprintf(p.w, "\r%-26s %8.1f MB", p.name, mb)
		return
	}
	frac := min(float64(p.read)/float64(p.size), 1)
	bar := strings.Repeat("=", int(frac*width)) + strings.Repeat(" ", width-int(frac*width))
	fmt.Fprintf(p.w, "\r%-26s [%s] %3.0f%% %.1f/%.1f MB", p.name, bar, frac*100, mb, float64(p.size)/(1<<20))
}
