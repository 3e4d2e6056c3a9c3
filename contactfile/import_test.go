package contactfile_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/contactfile"
	"github.com/vpslink/vpslink/store/storetest"
)

func TestCardContact(t *testing.T) {
	for _, tc := range []struct {
		name  string
		card  contactfile.Card
		want  *vpslink.Contact
		notes []string
		err   string
	}{
		{"first mobile is primary", contactfile.Card{Name: "Anna", Phones: []contactfile.Phone{
			{Number: "+44 20 7946 0018", Types: []string{"home"}}, {Number: "+44 7700 900127", Types: []string{"cell"}}}},
			&vpslink.Contact{Name: "Anna", Phone: "447700900127", SecondaryPhone: "442079460018"}, nil, ""},
		{"repeats and bad numbers dropped", contactfile.Card{Name: "Bo", Phones: []contactfile.Phone{
			{Number: "12"}, {Number: "+49 151 1234567"}, {Number: "0049 151 1234567"}}},
			&vpslink.Contact{Name: "Bo", Phone: "491511234567"}, []string{`number "12" left out`}, ""},
		{"more numbers go to the notes", contactfile.Card{Name: "Cy", Note: "friend", Phones: []contactfile.Phone{
			{Number: "+1 281 793 8853"}, {Number: "+1 281 793 0000"}, {Number: "+1 281 793 0001"}, {Number: "+1 281 793 0002"}}},
			&vpslink.Contact{Name: "Cy", Phone: "12817938853", SecondaryPhone: "12817930000",
				Notes: "friend\nOther phones: +12817930001, +12817930002"}, []string{"2 more numbers"}, ""},
		{"one more number goes to the notes", contactfile.Card{Name: "Cy", Phones: []contactfile.Phone{
			{Number: "+1 281 793 8853"}, {Number: "+1 281 793 0000"}, {Number: "+1 281 793 0001"}}},
			&vpslink.Contact{Name: "Cy", Phone: "12817938853", SecondaryPhone: "12817930000",
				Notes: "Other phones: +12817930001"}, []string{"1 more number kept"}, ""},
		{"a converted number is reported", contactfile.Card{Name: "Gus", Phones: []contactfile.Phone{{Number: "+44 (0) 7700 900128"}}},
			&vpslink.Contact{Name: "Gus", Phone: "447700900128"}, []string{`number "+44 (0) 7700 900128" converted to 447700900128`}, ""},
		{"named after the number", contactfile.Card{Phones: []contactfile.Phone{{Number: "+33 6 12 34 56 78"}}},
			&vpslink.Contact{Name: "+33612345678", Phone: "33612345678"}, []string{"no name"}, ""},
		{"no phone", contactfile.Card{Name: "Di"}, nil, nil, "no phone number"},
		{"no valid phone", contactfile.Card{Name: "Ed", Phones: []contactfile.Phone{{Number: "call me"}}}, nil, nil, "no number the phone rules accept"},
		{"bad timezone", contactfile.Card{Name: "Flo", Timezone: "Mars/Base", Phones: []contactfile.Phone{{Number: "+33 6 12 34 56 78"}}}, nil, nil, "timezone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, notes, err := tc.card.Contact()
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			} else if err != nil {
				t.Fatal(err)
			}
			tc.want.Aliases, tc.want.Tags = []string{}, []string{}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if len(notes) != len(tc.notes) {
				t.Fatalf("notes = %q, want %q", notes, tc.notes)
			}
			for i := range notes {
				if !strings.Contains(notes[i], tc.notes[i]) {
					t.Errorf("note %d = %q, want %q", i, notes[i], tc.notes[i])
				}
			}
		})
	}
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	storetest.CreateContact(t, db, &vpslink.Contact{Phone: "447700900127", Name: "Anna", Tags: []string{"friends"}})
	file := "BEGIN:VCARD\nVERSION:3.0\nFN:Anna Smith\nTEL;TYPE=CELL:+44 7700 900127\nCATEGORIES:family\nBDAY:--03-14\nEND:VCARD\n" +
		"BEGIN:VCARD\nVERSION:3.0\nFN:Bernd\nTEL:+49 151 1234567\nEND:VCARD\n" +
		"BEGIN:VCARD\nVERSION:3.0\nFN:Nobody\nEND:VCARD\n" +
		"BEGIN:VCARD\nVERSION:3.0\nFN:Bernd\nTEL:+49 151 1234567\nEND:VCARD\n"
	cards, format, err := contactfile.Read(strings.NewReader(file), "")
	if err != nil || format != "vcf" {
		t.Fatalf("Read: %v, %q", err, format)
	}

	dry, err := contactfile.Import(ctx, db, cards, format, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, total, _ := db.ListContacts(ctx, vpslink.ContactFilter{}); total != 1 {
		t.Fatalf("a dry run wrote: %d contacts", total)
	}
	rep, err := contactfile.Import(ctx, db, cards, format, false)
	if err != nil {
		t.Fatal(err)
	}
	dry.DryRun = false
	if !reflect.DeepEqual(dry, rep) {
		t.Errorf("the dry run's report differs:\n%+v\n%+v", dry, rep)
	}
	results := []string{}
	for _, e := range rep.Entries {
		results = append(results, e.Result)
	}
	if want := []string{"merged", "added", "skipped", "unchanged"}; !reflect.DeepEqual(results, want) {
		t.Errorf("results = %v, want %v", results, want)
	}
	if rep.Cards != 4 || rep.Added != 1 || rep.Merged != 1 || rep.Skipped != 1 || rep.Unchanged != 1 {
		t.Errorf("counts = %+v", rep)
	}
	if rep.Entries[2].Reason == "" || rep.Entries[2].Line != 13 {
		t.Errorf("skipped entry = %+v", rep.Entries[2])
	}
	if len(rep.Birthdays) != 1 || rep.Birthdays[0].Date != "--03-14" || rep.Birthdays[0].Phone != "447700900127" {
		t.Errorf("birthdays = %+v", rep.Birthdays)
	}
	anna, err := db.GetContact(ctx, "447700900127")
	if err != nil {
		t.Fatal(err)
	}
	if anna.Name != "Anna Smith" || !reflect.DeepEqual(anna.Tags, []string{"friends", "family"}) {
		t.Errorf("merged contact = %+v", anna)
	}
}

func TestRead_MalformedNamesTheLine(t *testing.T) {
	_, _, err := contactfile.Read(strings.NewReader("phone,name\n+447700900127,Anna\n+447700900128\n"), "")
	if vpslink.ErrorCode(err) != vpslink.EINVALID || vpslink.ErrorField(err) != "file" || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("err = %v", err)
	}
	if _, _, err := contactfile.Read(strings.NewReader("x"), "xml"); vpslink.ErrorField(err) != "format" {
		t.Fatalf("err = %v", err)
	}
}

// An empty file is called empty whatever its format, not taken for a CSV
// without a header row.
func TestRead_EmptyFile(t *testing.T) {
	for _, tc := range []struct{ name, data, format string }{
		{"nothing, detected", "", ""},
		{"nothing as vcf", "", "vcf"},
		{"nothing as csv", "", "csv"},
		{"blank lines", "\r\n \n", ""},
		{"byte order mark", "\ufeff\n", "vcf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := contactfile.Read(strings.NewReader(tc.data), tc.format)
			if vpslink.ErrorField(err) != "file" || !strings.Contains(err.Error(), "is empty") || strings.Contains(err.Error(), "header") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// Exported contacts read back as the same contacts, in both formats.
func TestWriteReadRoundTrip(t *testing.T) {
	contacts := []*vpslink.Contact{
		{Phone: "447700900127", Name: "Anna, \"the\"; boss\\", Aliases: []string{"Mum", "A,B"}, Tags: []string{"family"},
			IsFavorite: true, SecondaryPhone: "442079460018", Timezone: "Europe/London",
			Notes: strings.Repeat("long note with ümlauts ", 10) + "\nand a second line"},
		{Phone: "12817938853", Name: "Ünal", Aliases: []string{}, Tags: []string{}},
		// Cells a spreadsheet would run as formulas, and ones that look
		// like they were defused already.
		{Phone: "491511234567", Name: `=HYPERLINK("http://evil.example","click")`, Aliases: []string{"+1 boss", "'=x"},
			Tags: []string{"@home", "-vip"}, Notes: "-1+1\n'tis fine", Timezone: "Europe/Berlin"},
		{Phone: "491517654321", Name: "''@x", Aliases: []string{}, Tags: []string{}, Notes: "'plain"},
	}
	for _, format := range []string{"vcf", "csv"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			var err error
			if format == "vcf" {
				err = contactfile.WriteVCard(&buf, contacts)
				for _, line := range strings.Split(buf.String(), "\r\n") {
					if len(line) > 75 {
						t.Errorf("line longer than 75 octets: %q", line)
					}
				}
			} else {
				err = contactfile.WriteCSV(&buf, contacts)
				// Defused text cells, the phone as it is.
				for _, cell := range []string{"+491511234567,", `"'=HYPERLINK(""http://evil.example"",""click"")"`,
					"'+1 boss; '=x,'@home; -vip,", "\"'-1+1\n'tis fine\"", "'''@x", ",'plain"} {
					if !strings.Contains(buf.String(), cell) {
						t.Errorf("CSV lacks %q:\n%s", cell, buf.String())
					}
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			cards, got, err := contactfile.Read(&buf, "")
			if err != nil || got != format {
				t.Fatalf("Read: %v (%s)", err, got)
			}
			for i, card := range cards {
				c, _, err := card.Contact()
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(c, contacts[i]) {
					t.Errorf("got  %+v\nwant %+v", c, contacts[i])
				}
			}
		})
	}
}
