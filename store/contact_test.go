package store_test

import (
	"context"
	"testing"

	"github.com/vpslink/vpslink"
	"github.com/vpslink/vpslink/store/storetest"
)

func TestContacts_CRUD(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	c := &vpslink.Contact{Phone: "+49 151 2345678", Name: " Anna ", Aliases: []string{"Ann", "ann", ""},
		Tags: []string{"family"}, IsFavorite: true, Timezone: "Europe/Berlin"}
	storetest.CreateContact(t, db, c)
	if c.Phone != "491512345678" || c.Name != "Anna" || len(c.Aliases) != 1 {
		t.Fatalf("not normalised: %+v", c)
	}
	got, err := db.GetContact(ctx, "00491512345678")
	if err != nil || got.Name != "Anna" || !got.IsFavorite || got.Timezone != "Europe/Berlin" {
		t.Fatalf("get: %+v %v", got, err)
	}
	if err := db.CreateContact(ctx, &vpslink.Contact{Phone: "491512345678", Name: "Dup"}); vpslink.ErrorCode(err) != vpslink.ECONFLICT {
		t.Fatalf("duplicate: %v", err)
	}
	name, tags := "Anna B", []string{"work"}
	up, err := db.UpdateContact(ctx, "491512345678", vpslink.ContactUpdate{Name: &name, Tags: &tags})
	if err != nil || up.Name != "Anna B" || up.Tags[0] != "work" || up.Aliases[0] != "Ann" {
		t.Fatalf("update: %+v %v", up, err)
	}
	bad := "Nowhere/Zone"
	if _, err := db.UpdateContact(ctx, "491512345678", vpslink.ContactUpdate{Timezone: &bad}); vpslink.ErrorField(err) != "timezone" {
		t.Fatalf("bad timezone: %v", err)
	}
	if got, _ := db.GetContact(ctx, "491512345678"); got.Timezone != "Europe/Berlin" {
		t.Fatal("failed update changed the row")
	}
	if err := db.DeleteContact(ctx, "491512345678"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetContact(ctx, "491512345678"); vpslink.ErrorCode(err) != vpslink.ENOTFOUND {
		t.Fatalf("after delete: %v", err)
	}
	if err := db.DeleteContact(ctx, "491512345678"); vpslink.ErrorCode(err) != vpslink.ENOTFOUND {
		t.Fatalf("delete missing: %v", err)
	}
}

func TestContacts_Invalid(t *testing.T) {
	db := storetest.Open(t)
	for _, tc := range []struct {
		name  string
		c     vpslink.Contact
		field string
	}{
		{"letters in phone", vpslink.Contact{Phone: "12ab5678", Name: "x"}, "phone"},
		{"short phone", vpslink.Contact{Phone: "123", Name: "x"}, "phone"},
		{"empty name", vpslink.Contact{Phone: "4915112345678", Name: "  "}, "name"},
		{"bad timezone", vpslink.Contact{Phone: "4915112345678", Name: "x", Timezone: "Mars/Base"}, "timezone"},
		{"bad secondary", vpslink.Contact{Phone: "4915112345678", Name: "x", SecondaryPhone: "n/a"}, "secondary_phone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.CreateContact(context.Background(), &tc.c)
			if vpslink.ErrorCode(err) != vpslink.EINVALID || vpslink.ErrorField(err) != tc.field {
				t.Fatalf("err = %v, want validation error on %s", err, tc.field)
			}
		})
	}
	if _, total, _ := db.ListContacts(context.Background(), vpslink.ContactFilter{}); total != 0 {
		t.Fatalf("%d contacts written by failed creates", total)
	}
}

func TestContacts_ListAndResolve(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	for _, c := range []*vpslink.Contact{
		{Phone: "4915100000001", Name: "Anna", Aliases: []string{"Mum"}, Tags: []string{"family"}, IsFavorite: true},
		{Phone: "4915100000002", Name: "Bernd", Aliases: []string{"Boss"}, Tags: []string{"work"}},
		{Phone: "4915100000003", Name: "Berta", Aliases: []string{"Boss"}},
	} {
		storetest.CreateContact(t, db, c)
	}
	yes := true
	for _, tc := range []struct {
		name  string
		f     vpslink.ContactFilter
		want  []string
		total int
	}{
		{"all", vpslink.ContactFilter{}, []string{"Anna", "Bernd", "Berta"}, 3},
		{"search name", vpslink.ContactFilter{Search: "ber"}, []string{"Bernd", "Berta"}, 2},
		{"search alias", vpslink.ContactFilter{Search: "mum"}, []string{"Anna"}, 1},
		{"search phone", vpslink.ContactFilter{Search: "0003"}, []string{"Berta"}, 1},
		{"search like chars", vpslink.ContactFilter{Search: "%"}, nil, 0},
		{"favorite", vpslink.ContactFilter{Favorite: &yes}, []string{"Anna"}, 1},
		{"tag", vpslink.ContactFilter{Tag: "WORK"}, []string{"Bernd"}, 1},
		{"paging", vpslink.ContactFilter{Limit: 1, Offset: 1}, []string{"Bernd"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := db.ListContacts(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range got {
				names = append(names, c.Name)
			}
			if total != tc.total || len(names) != len(tc.want) {
				t.Fatalf("got %v (total %d), want %v (total %d)", names, total, tc.want, tc.total)
			}
			for i := range names {
				if names[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", names, tc.want)
				}
			}
		})
	}
	for _, tc := range []struct {
		in, phone, errCode string
	}{
		{"anna", "4915100000001", ""},
		{"mum", "4915100000001", ""},
		{"+49 151 00000002", "4915100000002", ""},
		{"4915199999999", "4915199999999", ""},
		{"boss", "", vpslink.EINVALID},
		{"nobody", "", vpslink.EINVALID},
	} {
		c, err := db.ResolveRecipient(ctx, "--to", tc.in)
		if vpslink.ErrorCode(err) != tc.errCode {
			t.Fatalf("resolve %q: %v", tc.in, err)
		}
		if err == nil && c.Phone != tc.phone {
			t.Fatalf("resolve %q = %s, want %s", tc.in, c.Phone, tc.phone)
		}
	}
}

func TestContactNames(t *testing.T) {
	db := storetest.Open(t)
	storetest.CreateContact(t, db, &vpslink.Contact{Phone: "48601234567", Name: "Żaneta"})
	storetest.CreateContact(t, db, &vpslink.Contact{Phone: "351911111111", Name: "Ana"})
	names, err := db.ContactNames(context.Background(), []string{"48601234567", "491700000000", "48601234567"})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names["48601234567"] != "Żaneta" {
		t.Fatalf("names %v", names)
	}
}
