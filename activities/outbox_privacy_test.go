package activities

import (
	"context"
	"strings"
	"testing"

	"github.com/ehc-send/ehc/activities/letters"
)

// A bounce's reason quotes the family's address: the role it matched is
// logged, the address is not, nor kept in clear on the row; the caseworker's
// alert says whose address it was.
func TestBounceReasonKeepsNoAddress(t *testing.T) {
	f := newOutbox(t)
	ctx := context.Background()
	m := render(t, familyLetter(letters.FamilyRefusalToAssess))
	if _, err := f.box.Deliver(ctx, m); err != nil {
		t.Fatal(err)
	}
	family := m.To[0].Email
	if err := f.box.DeliveryEvent(ctx, m.Key, "bounce", "550 5.1.1 <"+family+">: Recipient address rejected", family); err != nil {
		t.Fatal(err)
	}
	if r := f.row(t, m.Key); r.LastError != "bounce: 550 5.1.1 <(the family's address)>: Recipient address rejected" {
		t.Errorf("last_error %q", r.LastError)
	}
	alert := f.row(t, m.Key+"/bounced")
	if !strings.Contains(alert.Text, "550 5.1.1 <(the family's address)>: Recipient address rejected") {
		t.Errorf("the caseworker's alert does not give the reason:\n%s", alert.Text)
	}
	if logs := f.logs.String(); strings.Contains(logs, family) || !strings.Contains(logs, `"role":"family"`) {
		t.Errorf("the log holds the family's address, or not the role:\n%s", logs)
	}
}
