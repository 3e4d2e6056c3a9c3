package contactfile_test

import (
	"bytes"
	"testing"

	"github.com/vpslink/vpslink/contactfile"
)

// Any input is read without a panic: cards that come out have their line,
// and turning them into contacts never panics either.
func FuzzReadVCard(f *testing.F) {
	for _, seed := range []string{appleVCard, googleVCard, vcard4, "BEGIN:VCARD\n \n:", "BEGIN:VCARD\nTEL;\"a:b\":1\nEND:VCARD"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cards, err := contactfile.ReadVCard(bytes.NewReader(data))
		checkCards(t, cards, err)
	})
}

func FuzzReadCSV(f *testing.F) {
	for _, seed := range []string{"phone,name\n+447700900127,Anna\n", "Phone 1 - Value,Name\n1 ::: 2,x\n", "\"a\nb\",phone\n"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cards, err := contactfile.ReadCSV(bytes.NewReader(data))
		checkCards(t, cards, err)
	})
}

func checkCards(t *testing.T, cards []contactfile.Card, err error) {
	if err != nil {
		if len(cards) != 0 {
			t.Fatalf("cards returned with error %v", err)
		}
		return
	}
	for _, c := range cards {
		if c.Line < 1 {
			t.Fatalf("card without a line: %+v", c)
		}
		c.Contact()
	}
}
