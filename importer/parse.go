package importer

import (
	"fmt"
	"slices"
	"strings"
)

// item is one parsed legacy record: a value to upsert, or the reason it is
// skipped.
type item[T any] struct {
	ref      string // how the report names the record
	file     string
	key      string // what the upsert is keyed by
	value    T
	skip     string
	warnings []string
	// mergedInto names an earlier record with the same key that this one
	// was merged into; only the earlier one is written, so that importing
	// again cannot flip a row between the two.
	mergedInto string
}

// parsed is one small legacy file, parsed before anything is written.
type parsed[T any] struct {
	items []item[T]
	// unknown collects the field names no parser reads, reported once per
	// file so that a fourth generation of field names does not go unseen.
	unknown map[string]bool
}

func (p *parsed[T]) noteUnknown(r *record) {
	for _, n := range r.unknown() {
		if p.unknown == nil {
			p.unknown = map[string]bool{}
		}
		p.unknown[n] = true
	}
}

// warning returns the file-level warning about unknown fields, if any.
func (p *parsed[T]) warning() string {
	if len(p.unknown) == 0 {
		return ""
	}
	var names []string
	for n := range p.unknown {
		names = append(names, n)
	}
	slices.Sort(names)
	return "fields not imported: " + strings.Join(names, ", ")
}

// records reads a file holding records as a bare array, an object wrapping
// the array under wrapper, or an object keyed by record id. It returns each
// record with the key it was filed under ("" in an array).
func records(data []byte, wrapper string) ([]member, []string, error) {
	kind, ms, err := members(data, 0)
	if err != nil || kind == '[' {
		return ms, nil, err
	}
	for _, m := range ms {
		if m.key == wrapper && kindOf(m.value) == "an array" {
			var ignored []string
			for _, o := range ms {
				if o.key != wrapper {
					ignored = append(ignored, o.key)
				}
			}
			inner, list, err := members(m.value, m.offset)
			if err != nil {
				return nil, nil, err
			}
			if inner != '[' {
				return nil, nil, errorAt(m.offset, "%q must be an array", wrapper)
			}
			return list, ignored, nil
		}
	}
	return ms, nil, nil
}

// ref names a record for the report: its id or key, else its position.
func ref(m member, id string) string {
	switch {
	case id != "":
		return id
	case m.key != "":
		return m.key
	}
	return fmt.Sprintf("[%d]", m.index)
}

// dedupe merges records with the same key, across files in order, into the
// first of them with merge(first, later).
func dedupe[T any](files []*loaded[T], merge func(first, later *T)) {
	first := map[string]*item[T]{}
	for _, l := range files {
		if l.missing() {
			continue
		}
		for i := range l.p.items {
			it := &l.p.items[i]
			if it.skip != "" {
				continue
			}
			if f, ok := first[it.key]; ok {
				merge(&f.value, &it.value)
				it.mergedInto = f.ref
				if len(files) > 1 {
					it.mergedInto = f.ref + " of " + f.file
				}
				continue
			}
			it.file = l.name
			first[it.key] = it
		}
	}
}

// replace is the merge of records that are whole: the later one wins.
func replace[T any](first, later *T) { *first = *later }

// parseRecords reads a file of records (see records) and parses each with
// parse; what names a record in errors.
func parseRecords[T any](data []byte, wrapper, what string, parse func(member, *record) item[T]) (*parsed[T], error) {
	ms, ignored, err := records(data, wrapper)
	if err != nil {
		return nil, err
	}
	p := &parsed[T]{}
	p.noteUnknown(&record{fields: ignoredFields(ignored)})
	for _, m := range ms {
		r, err := newRecord(m.value)
		if err != nil {
			return nil, errorAt(m.offset, "%s %s: %v", what, ref(m, ""), err)
		}
		p.items = append(p.items, parse(m, r))
		p.noteUnknown(r)
	}
	return p, nil
}
