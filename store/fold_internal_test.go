package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// foldContains and foldEquals match exactly where fold() does, so the
// LIKE or GLOB in front of fold() never loses a search result.
func FuzzFoldMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"Contact 0042 Żółć", "żółć"}, {"ŻÓŁĆ", "Żółć"}, {"İstanbul", "istanbul"}, {"İSTANBUL", "İstanbul"},
		{"Kelvin 5\u212a", "5k"}, {"ǅemal", "ǆem"}, {"ΣΑΣ", "σας"}, {"Straße", "STRASSE"},
		{"a*b?c[d]e", "*b?c[d"}, {"[x] *y", "[X"}, {"Zoë ŻÓŁĆ", "żółć"}, {"Zoe Zolc", "żółć"}, {"Mu\u0308ller", "MÜLLER"}, {"Müller", "mu\u0308l"}, {"mu\u0308", "mu"}, {"\u212a;", "k\u037e"}, {"ÅNGSTRÖM \u212b", "å"}, {"100%_\\x", "0%_\\"}, {"Ⅻ ﬃ", "ⅻ"}, {"", ""}, {"abc", ""}, {"a\ufffdb", "\xff"},
	} {
		f.Add(s[0], s[1])
	}
	db, err := Open(context.Background(), filepath.Join(f.TempDir(), "fold.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	f.Fuzz(func(t *testing.T, s, q string) {
		if strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
			// Refused where text enters: LIKE and fold() = stop at a NUL,
			// and SQLite and Go count bytes that are not UTF-8 apart.
			t.Skip("stored text is UTF-8 without NUL")
		}
		containsCond, containsArgs := foldContains("v", q)
		equalsCond, equalsArgs := foldEquals("v", q)
		args := []any{"%" + escapeLike(fold(q)) + "%", fold(q)}
		args = append(append(append(args, containsArgs...), equalsArgs...), s)
		var wantContains, wantEquals, contains, equals bool
		if err := db.read.QueryRow(`SELECT fold(v) LIKE ? ESCAPE '\', fold(v) = ?, `+containsCond+`, `+equalsCond+
			` FROM (SELECT ? AS v)`, args...).Scan(&wantContains, &wantEquals, &contains, &equals); err != nil {
			t.Fatal(err)
		}
		if contains != wantContains {
			t.Errorf("foldContains(%q, %q) = %v, fold() LIKE says %v", s, q, contains, wantContains)
		}
		if equals != wantEquals {
			t.Errorf("foldEquals(%q, %q) = %v, fold() = says %v", s, q, equals, wantEquals)
		}
	})
}
