package codec

import (
	"bytes"
	"strings"
	"testing"
)

// A sealed value hides what it holds, opens with its context, and opens
// after the key that sealed it has been rotated out of first place.
func TestSealOpensAcrossRotation(t *testing.T) {
	k1, k2 := newKey(t, "k1"), newKey(t, "k2")
	old := newCodec(t, k1)
	plain := []byte(`{"to":"` + zeb.Email + `","text":"Dear ` + zeb.Name + `"}`)
	ctx := []byte("notification_outbox:EHC-1/family.request_received/1")
	s, err := old.Seal(plain, ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{zeb.Name, "Zebedee", "Quintrell", zeb.Email} {
		if bytes.Contains(s, []byte(secret)) {
			t.Errorf("the sealed value holds %q in clear", secret)
		}
	}
	if id, _, err := SealedKeyID(s); err != nil || id != "k1" {
		t.Errorf("SealedKeyID: %q, %v; want k1", id, err)
	}

	rotated := newCodec(t, k2, k1) // k2 now seals; k1 still opens
	got, err := rotated.Open(s, ctx)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open after rotation: %q, %v", got, err)
	}
	if s2, err := rotated.Seal(plain, ctx); err != nil {
		t.Fatal(err)
	} else if id, _, _ := SealedKeyID(s2); id != "k2" {
		t.Errorf("a new value is sealed with %q, want the active k2", id)
	}

	if _, err := newCodec(t, k2).Open(s, ctx); err == nil || !strings.Contains(err.Error(), `key "k1", which this codec does not hold`) {
		t.Errorf("Open without its key: %v", err)
	}
	if _, err := rotated.Open(s, []byte("notification_outbox:EHC-2/other")); err == nil {
		t.Error("a sealed value opened for another row")
	}
	tampered := append([]byte{}, s...)
	tampered[len(tampered)-1] ^= 1
	if _, err := rotated.Open(tampered, ctx); err == nil {
		t.Error("an altered sealed value opened")
	}
	for _, bad := range [][]byte{nil, {1}, {2, 0}, s[:len(s)-20]} {
		if _, err := rotated.Open(bad, ctx); err == nil {
			t.Errorf("Open(%x) succeeded", bad)
		}
	}
}

// A key ID too long for a sealed value's length byte is refused up front.
func TestKeyIDBounded(t *testing.T) {
	k := newKey(t, "k1")
	k.ID = strings.Repeat("k", MaxKeyID+1)
	if _, err := New([]Key{k}); err == nil || !strings.Contains(err.Error(), "the limit is 64") {
		t.Errorf("New with a %d-byte key ID: %v", len(k.ID), err)
	}
}

// A letter's sealed content is a few kilobytes: sealing it costs
// microseconds beside the database round trip that stores it.
func BenchmarkSealLetter(b *testing.B) {
	c, err := New([]Key{{ID: "k1", Secret: bytes.Repeat([]byte{7}, 32)}})
	if err != nil {
		b.Fatal(err)
	}
	plain := bytes.Repeat([]byte("a letter's text, "), 200) // 3.4 kB
	ctx := []byte("notification_outbox:EHC-1/family.request_received/1")
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		if _, err := c.Seal(plain, ctx); err != nil {
			b.Fatal(err)
		}
	}
}
