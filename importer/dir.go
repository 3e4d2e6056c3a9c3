package importer

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Dir is a local directory holding the legacy files.
type Dir string

// NewDir checks that dir is a directory.
func NewDir(dir string) (Dir, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("input directory: %w", err)
	} else if !st.IsDir() {
		return "", fmt.Errorf("input %s is not a directory", dir)
	}
	return Dir(dir), nil
}

// Open opens a file of the directory.
func (d Dir) Open(_ context.Context, name string) (io.ReadCloser, int64, error) {
	f, err := os.Open(filepath.Join(string(d), name))
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

func (d Dir) String() string { return string(d) }
