package importer

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// posError is a problem at a byte offset of the file being parsed.
type posError struct {
	offset int64
	msg    string
}

func (e *posError) Error() string { return fmt.Sprintf("byte %d: %s", e.offset, e.msg) }

func errorAt(offset int64, format string, args ...any) error {
	return &posError{offset: offset, msg: fmt.Sprintf(format, args...)}
}

// decodeError turns what encoding/json returns for malformed input into a
// posError; read errors (a broken S3 stream) pass through. The offsets a
// json.Decoder reports for syntax errors are not positions in the file, so
// such errors are left to locate to find by reading the file again.
func decodeError(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &posError{offset: -1, msg: "invalid JSON: " + se.Error()}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &posError{offset: -1, msg: "invalid JSON: unexpected end of input"}
	}
	return err
}

// ParseError is a file that is not valid JSON or not one of the known
// legacy shapes. It aborts the import.
type ParseError struct {
	File         string
	Offset       int64
	Line, Column int
	Msg          string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s: line %d, column %d (byte %d): %s", e.File, e.Line, e.Column, e.Offset, e.Msg)
}

// locate converts err into a ParseError naming file and the line and column
// where it happened, reading the file again from open to find them.
func locate(file string, err error, open func() (io.ReadCloser, error)) error {
	var pe *posError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", file, err)
	}
	offset := pe.offset
	r, oerr := open()
	if oerr != nil {
		return fmt.Errorf("%s: %s", file, pe.msg)
	}
	if offset < 0 {
		offset = syntaxOffset(r)
		r.Close()
		if r, oerr = open(); oerr != nil {
			return fmt.Errorf("%s: byte %d: %s", file, offset, pe.msg)
		}
	}
	defer r.Close()
	line, col := position(r, offset)
	return &ParseError{File: file, Offset: offset, Line: line, Column: col, Msg: pe.msg}
}

// syntaxOffset returns the byte where the JSON document in r goes wrong:
// one Decode from the start reports it exactly.
func syntaxOffset(r io.Reader) int64 {
	cr := &countingReader{r: r}
	dec := json.NewDecoder(cr)
	var raw json.RawMessage
	err := dec.Decode(&raw)
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return se.Offset - 1
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return cr.n
	}
	return dec.InputOffset()
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// position returns the 1-based line and column of byte offset in r.
func position(r io.Reader, offset int64) (line, col int) {
	line, col = 1, 1
	br := bufio.NewReader(r)
	for i := int64(0); i < offset; i++ {
		b, err := br.ReadByte()
		if err != nil {
			break
		}
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
