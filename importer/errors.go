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

// decodeError turns what encoding/json returns into a posError where it has
// a position; read errors (a broken S3 stream) pass through.
func decodeError(dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return errorAt(se.Offset, "invalid JSON: %s", se.Error())
	case errors.As(err, &te):
		return errorAt(te.Offset, "unexpected %s", te.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errorAt(dec.InputOffset(), "invalid JSON: unexpected end of input")
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
// of its offset, read from r (the file again, from its start).
func locate(file string, err error, r io.Reader) error {
	var pe *posError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", file, err)
	}
	line, col := position(r, pe.offset)
	return &ParseError{File: file, Offset: pe.offset, Line: line, Column: col, Msg: pe.msg}
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
