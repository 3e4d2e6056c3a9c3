package contactfile_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/vpslink/vpslink/contactfile"
)

// A phone's 3.0 export (grouped properties, repeated TYPE, a folded
// line), Google's 3.0 export, and a 4.0 card with tel: URIs and escapes.
const (
	appleVCard = "\ufeffBEGIN:VCARD\r\nVERSION:3.0\r\nN:Smith;Anna;;;\r\nFN:Anna Smith\r\n" +
		"item1.TEL;type=HOME;type=VOICE:020 7946 0018\r\nTEL;type=CELL;type=VOICE;type=pref:+44 7700 \r\n 900127\r\n" +
		"NICKNAME:Annie,Mum\r\nBDAY;VALUE=date:1980-03-14\r\nPHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\n BBBB\r\nEND:VCARD\r\n"
	googleVCard = "BEGIN:VCARD\nVERSION:3.0\nFN:Bernd Müller\nN:Müller;Bernd;;;\nTEL;TYPE=CELL:+49 151 1234567\n" +
		"CATEGORIES:Family,myContacts\nNOTE:met in Köln\\, 2019\\nsecond line\nEND:VCARD\n" +
		"BEGIN:VCARD\nVERSION:3.0\nFN:Carla\nTEL:+1 (281) 793-8853\nTEL;TYPE=WORK:+1 281 793 0000\nTEL;TYPE=FAX:+1 281 793 0001\nBDAY:--0229\nEND:VCARD\n"
	vcard4 = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Dana\\; the boss\r\nTEL;VALUE=uri;TYPE=\"cell,voice\";PREF=1:tel:+33-6-12-34-56-78;ext=1\r\n" +
		"TZ:Europe/Paris\r\nCATEGORIES:Work,Favorites\r\nEND:VCARD\r\n"
)

func TestReadVCard(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []contactfile.Card
	}{
		{"phone export", appleVCard, []contactfile.Card{{
			Line: 1, Name: "Anna Smith", Nickname: []string{"Annie", "Mum"},
			Phones: []contactfile.Phone{
				{Number: "020 7946 0018", Types: []string{"home", "voice"}},
				{Number: "+44 7700 900127", Types: []string{"cell", "voice", "pref"}},
			},
			Birthday: &contactfile.Birthday{Year: 1980, Month: 3, Day: 14},
		}}},
		{"google export", googleVCard, []contactfile.Card{
			{Line: 1, Name: "Bernd Müller", Phones: []contactfile.Phone{{Number: "+49 151 1234567", Types: []string{"cell"}}},
				Categories: []string{"Family", "myContacts"}, Note: "met in Köln, 2019\nsecond line"},
			{Line: 9, Name: "Carla", Phones: []contactfile.Phone{
				{Number: "+1 (281) 793-8853"}, {Number: "+1 281 793 0000", Types: []string{"work"}},
				{Number: "+1 281 793 0001", Types: []string{"fax"}}},
				Birthday: &contactfile.Birthday{Month: 2, Day: 29}},
		}},
		{"4.0 with tel URI", vcard4, []contactfile.Card{{
			Line: 1, Name: "Dana; the boss", Timezone: "Europe/Paris", Categories: []string{"Work"}, Favorite: true,
			Phones: []contactfile.Phone{{Number: "+33-6-12-34-56-78", Types: []string{"cell", "voice"}}},
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := contactfile.ReadVCard(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestReadVCard_Errors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		line     int
		msg      string
	}{
		{"empty", "", 1, "not a vCard file"},
		{"not a property", "BEGIN:VCARD\nVERSION:3.0\nFN:A\nthis line has no colon\nEND:VCARD\n", 4, "not a vCard property"},
		{"no END", "BEGIN:VCARD\nVERSION:3.0\nFN:A\n\nBEGIN:VCARD\n", 5, "inside a card"},
		{"no END at the end", "BEGIN:VCARD\nVERSION:4.0\nFN:A\nTEL:1\n", 1, "no END:VCARD"},
		{"outside a card", "FN:A\n", 1, "outside a card"},
		{"version 2.1", "BEGIN:VCARD\nVERSION:2.1\nEND:VCARD\n", 2, `"2.1" is not supported`},
		{"invalid UTF-8", "BEGIN:VCARD\nVERSION:3.0\nFN:\xff\nEND:VCARD\n", 3, "not valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := contactfile.ReadVCard(strings.NewReader(tc.in))
			var se *contactfile.SyntaxError
			if !errors.As(err, &se) || se.Line != tc.line || !strings.Contains(se.Msg, tc.msg) {
				t.Fatalf("err = %v, want line %d with %q", err, tc.line, tc.msg)
			}
		})
	}
}

func TestReadCSV(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []contactfile.Card
	}{
		{"own export", "phone,name,aliases,tags,favorite,secondary_phone,timezone,notes\n" +
			"+447700900127,Anna,Mum; Annie,family,true,+442079460018,Europe/London,\"two\nlines\"\n",
			[]contactfile.Card{{Line: 2, Name: "Anna", Nickname: []string{"Mum", "Annie"}, Categories: []string{"family"},
				Favorite: true, Timezone: "Europe/London", Note: "two\nlines",
				Phones: []contactfile.Phone{{Number: "+447700900127", Types: []string{"cell"}}, {Number: "+442079460018"}}}}},
		{"google export", "First Name,Middle Name,Last Name,Nickname,Birthday,Labels,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value\n" +
			"Bernd,,Müller,,1975-06-01,Family ::: * myContacts,Home,+49 30 1234567,Mobile,+49 151 1234567 ::: +49 151 7654321\n" +
			",,,,,,,,,\n",
			[]contactfile.Card{{Line: 2, Name: "Bernd Müller", Categories: []string{"Family"},
				Birthday: &contactfile.Birthday{Year: 1975, Month: 6, Day: 1},
				Phones: []contactfile.Phone{{Number: "+49 30 1234567", Types: []string{"home"}},
					{Number: "+49 151 1234567", Types: []string{"mobile"}}, {Number: "+49 151 7654321", Types: []string{"mobile"}}}}}},
		{"semicolons, as a spreadsheet writes them in some locales", "\ufeffName;Phone;Notes\r\nAnna;+49 151 11111111;met in Köln, 2019\r\n",
			[]contactfile.Card{{Line: 2, Name: "Anna", Note: "met in Köln, 2019", Phones: []contactfile.Phone{{Number: "+49 151 11111111", Types: []string{"cell"}}}}}},
		{"tabs", "Name\tPhone\nAnna\t+49 151 11111111\n",
			[]contactfile.Card{{Line: 2, Name: "Anna", Phones: []contactfile.Phone{{Number: "+49 151 11111111", Types: []string{"cell"}}}}}},
		{"outlook export, only a business number", "First Name,Last Name,Nickname,Home Phone,Home Phone 2,Business Phone,Mobile Phone,Other Phone,Categories\n" +
			"Olive,Outlook,,,,+44 20 7946 2222,,,Work;Clients\n" +
			"Oscar,Out,Ozzy,+44 20 7946 3333,,+44 20 7946 4444,+44 7700 900555,,\n",
			[]contactfile.Card{{Line: 2, Name: "Olive Outlook", Categories: []string{"Work", "Clients"},
				Phones: []contactfile.Phone{{Number: "+44 20 7946 2222"}}},
				{Line: 3, Name: "Oscar Out", Nickname: []string{"Ozzy"}, Phones: []contactfile.Phone{
					{Number: "+44 7700 900555", Types: []string{"cell"}}, {Number: "+44 20 7946 3333"}, {Number: "+44 20 7946 4444"}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := contactfile.ReadCSV(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestReadCSV_Errors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		line     int
		msg      string
	}{
		{"empty", "", 1, "header row"},
		{"no phone column", "name,notes\nAnna,x\n", 1, "no phone column"},
		{"short row", "phone,name\n+447700900127,Anna\n+447700900128\n", 3, "number of fields"},
		{"bare quote", "phone,name\n+447700900127,An\"na\n", 2, "quote"},
		{"invalid UTF-8", "phone,name\n+447700900127,\xff\n", 2, "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := contactfile.ReadCSV(strings.NewReader(tc.in))
			var se *contactfile.SyntaxError
			if !errors.As(err, &se) || se.Line != tc.line || !strings.Contains(se.Msg, tc.msg) {
				t.Fatalf("err = %v, want line %d with %q", err, tc.line, tc.msg)
			}
		})
	}
}

func TestBirthdayForms(t *testing.T) {
	for in, want := range map[string]string{
		"BDAY:1980-03-14": "1980-03-14", "BDAY:19800314": "1980-03-14", "BDAY:--03-14": "--03-14",
		"BDAY:--0314": "--03-14", "BDAY:1980-03-14T00:00:00Z": "1980-03-14", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-03-14": "--03-14",
		"BDAY:1980-02-30": "", "BDAY:soon": "",
	} {
		cards, err := contactfile.ReadVCard(strings.NewReader("BEGIN:VCARD\nVERSION:4.0\n" + in + "\nEND:VCARD\n"))
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if b := cards[0].Birthday; b != nil {
			got = b.String()
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", in, got, want)
		}
	}
}

func TestDetect(t *testing.T) {
	for in, want := range map[string]string{
		"\ufeff\r\nbegin:vcard\r\n": "vcf", "BEGIN:VCARD": "vcf", "phone,name\n": "csv", "": "csv",
	} {
		if got := contactfile.Detect([]byte(in)); got != want {
			t.Errorf("Detect(%q) = %s, want %s", in, got, want)
		}
	}
}
