package store

import (
	"encoding/json"
	"slices"
	"testing"
)

// The fast path for JSON lists agrees with encoding/json on every input it
// accepts.
func FuzzParsePlainList(f *testing.F) {
	for _, s := range []string{`[]`, `["a"]`, `["a","b c","Zoë"]`, `["a",]`, `[,"a"]`, `["a\"b"]`, `["a""b"]`,
		`[ "a" ]`, `["a"`, `"a"`, `[null]`, `["\u00e9"]`, "[\"\x01\"]", "[\"\xff\"]", `["],["]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parsePlainList(s)
		if !ok {
			return
		}
		var want []string
		if err := json.Unmarshal([]byte(s), &want); err != nil || !slices.Equal(got, want) || got == nil {
			t.Fatalf("parsePlainList(%q) = %q; encoding/json says %q, %v", s, got, want, err)
		}
	})
}
