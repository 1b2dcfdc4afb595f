package codec

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

// child is the kind of value workflows carry: a child's details.
type child struct {
	Name        string `json:"name"`
	DateOfBirth string `json:"date_of_birth"`
	Email       string `json:"family_email"`
}

var zeb = child{Name: "Zebedee Quintrell", DateOfBirth: "2015-03-17", Email: "quintrell.family@example.org"}

func newKey(t *testing.T, id string) Key {
	t.Helper()
	line, err := NewKeyLine(id)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := ParseKeys(line, "test")
	if err != nil {
		t.Fatal(err)
	}
	return keys[0]
}

func newCodec(t *testing.T, keys ...Key) *Codec {
	t.Helper()
	c, err := New(keys)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sealed is v as the codec's data converter writes it to Temporal.
func sealed(t *testing.T, c *Codec, v any) *commonpb.Payload {
	t.Helper()
	p, err := c.DataConverter().ToPayload(v)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRoundTripHidesTheChild(t *testing.T) {
	c := newCodec(t, newKey(t, "k1"))
	p := sealed(t, c, zeb)

	raw, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{zeb.Name, "Zebedee", "Quintrell", zeb.DateOfBirth, zeb.Email, "json/plain"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the encoded payload holds %q in clear", secret)
		}
	}
	if got := string(p.Metadata[converter.MetadataEncoding]); got != "binary/encrypted" {
		t.Errorf("encoding %q, want binary/encrypted", got)
	}
	if got := string(p.Metadata["encryption-key-id"]); got != "k1" {
		t.Errorf("encryption-key-id %q, want k1", got)
	}

	var back child
	if err := c.DataConverter().FromPayload(p, &back); err != nil {
		t.Fatal(err)
	}
	if back != zeb {
		t.Errorf("round trip: %+v, want %+v", back, zeb)
	}

	// Two seals of the same value differ (a fresh nonce each time).
	if q := sealed(t, c, zeb); bytes.Equal(q.Data, p.Data) {
		t.Error("sealing the same value twice gave the same bytes")
	}
}

func TestRoundTripManyPayloads(t *testing.T) {
	c := newCodec(t, newKey(t, "k1"))
	dc := c.DataConverter()
	ps, err := dc.ToPayloads(zeb, "second", 42, nil)
	if err != nil {
		t.Fatal(err)
	}
	var (
		a child
		b string
		n int
		z *child
	)
	if err := dc.FromPayloads(ps, &a, &b, &n, &z); err != nil {
		t.Fatal(err)
	}
	if a != zeb || b != "second" || n != 42 || z != nil {
		t.Errorf("got %+v %q %d %v", a, b, n, z)
	}
}

func TestRotation(t *testing.T) {
	a, b := newKey(t, "a"), newKey(t, "b")
	old := sealed(t, newCodec(t, a), zeb)

	rotated := newCodec(t, b, a)
	var back child
	if err := rotated.DataConverter().FromPayload(old, &back); err != nil {
		t.Fatalf("a payload sealed with the old key does not open after rotation: %v", err)
	}
	if back != zeb {
		t.Errorf("got %+v", back)
	}
	fresh := sealed(t, rotated, zeb)
	if got := string(fresh.Metadata["encryption-key-id"]); got != "b" {
		t.Errorf("new payloads sealed with %q, want b (the first key)", got)
	}

	// Once the old key is retired, only its payloads fail, by name.
	onlyB := newCodec(t, b)
	if err := onlyB.DataConverter().FromPayload(fresh, &back); err != nil {
		t.Errorf("payload sealed with b: %v", err)
	}
	err := onlyB.DataConverter().FromPayload(old, &back)
	if err == nil || !strings.Contains(err.Error(), `"a"`) || !strings.Contains(err.Error(), "does not hold") {
		t.Errorf("opening a payload sealed with a missing key: %v; want an error naming key \"a\"", err)
	}
}

func TestTamperedPayloadFails(t *testing.T) {
	k := newKey(t, "k1")
	c := newCodec(t, k)
	for name, tamper := range map[string]func(p *commonpb.Payload){
		"flipped byte":   func(p *commonpb.Payload) { p.Data[len(p.Data)-1] ^= 1 },
		"flipped nonce":  func(p *commonpb.Payload) { p.Data[0] ^= 1 },
		"truncated":      func(p *commonpb.Payload) { p.Data = p.Data[:5] },
		"relabelled key": func(p *commonpb.Payload) { p.Metadata["encryption-key-id"] = []byte("k2") },
	} {
		t.Run(name, func(t *testing.T) {
			p := sealed(t, c, zeb)
			tamper(p)
			// A codec holding k1 under the name k2 too: relabelling must
			// still fail, as the key ID is authenticated.
			both := newCodec(t, k, Key{ID: "k2", Secret: k.Secret})
			if _, err := both.Decode([]*commonpb.Payload{p}); err == nil {
				t.Error("a tampered payload opened")
			}
		})
	}
}

func TestDecodePassesUnencryptedThrough(t *testing.T) {
	c := newCodec(t, newKey(t, "k1"))
	plain, err := converter.GetDefaultDataConverter().ToPayload("written before encryption")
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Decode([]*commonpb.Payload{plain})
	if err != nil {
		t.Fatal(err)
	}
	if out[0] != plain {
		t.Errorf("an unencrypted payload was changed: %v", out[0])
	}
	var s string
	if err := c.DataConverter().FromPayload(plain, &s); err != nil || s != "written before encryption" {
		t.Errorf("got %q, %v", s, err)
	}
}

func TestParseKeys(t *testing.T) {
	k1, k2 := newKey(t, "k1"), newKey(t, "k2")
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

	keys, err := ParseKeys("# local keys\nk2="+b64(k2.Secret)+"\r\n\n k1 = "+b64(k1.Secret)+" \n", "file")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].ID != "k2" || keys[1].ID != "k1" || !bytes.Equal(keys[1].Secret, k1.Secret) {
		t.Errorf("got %+v", keys)
	}
	if keys, err := ParseKeys("k1="+b64(k1.Secret)+",k2="+b64(k2.Secret), "env"); err != nil || len(keys) != 2 {
		t.Errorf("comma-separated: %v %v", keys, err)
	}

	short := b64([]byte("sixteen bytes!!!"))
	secretish := "c2VjcmV0LWtleS1tYXRlcmlhbA"
	for _, tc := range []struct {
		name, spec, want string
		mustNotEcho      []string
	}{
		{"empty", "", "EHC_CODEC_KEYS holds no key", nil},
		{"comments only", "# nothing\n\n", "holds no key", nil},
		{"not id=key", secretish, "is not id=base64key", []string{secretish}},
		{"not base64", "k1=" + secretish + "!!", `key "k1" is not base64`, []string{secretish}},
		{"wrong length", "k1=" + short, `key "k1" is 16 bytes; AES-256 needs 32`, []string{short}},
		{"duplicate id", "k1=" + b64(k1.Secret) + "\nk1=" + b64(k2.Secret), `key ID "k1" is given twice`, []string{b64(k1.Secret), b64(k2.Secret)}},
		{"empty id", "=" + b64(k1.Secret), "must be a non-empty word", []string{b64(k1.Secret)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseKeys(tc.spec, "EHC_CODEC_KEYS")
			if err == nil {
				t.Fatalf("ParseKeys(%q) succeeded", tc.name)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || !strings.HasPrefix(msg, "EHC_CODEC_KEYS") {
				t.Errorf("error %q; want it to name EHC_CODEC_KEYS and say %q", msg, tc.want)
			}
			for _, secret := range tc.mustNotEcho {
				if strings.Contains(msg, secret) || strings.Contains(msg, secret[:12]) {
					t.Errorf("error %q echoes key material", msg)
				}
			}
		})
	}
}

func TestLoadKeys(t *testing.T) {
	line, err := NewKeyLine("f1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeys("", "EHC_CODEC_KEYS", "", "EHC_CODEC_KEYS_FILE"); err == nil || !strings.Contains(err.Error(), "no payload encryption key") {
		t.Errorf("no keys: %v", err)
	}
	file := t.TempDir() + "/keys"
	if _, err := LoadKeys("", "EHC_CODEC_KEYS", file, "EHC_CODEC_KEYS_FILE"); err == nil || !strings.Contains(err.Error(), "EHC_CODEC_KEYS_FILE") {
		t.Errorf("missing file: %v", err)
	}
	keys, err := LoadKeys(line, "EHC_CODEC_KEYS", file, "EHC_CODEC_KEYS_FILE")
	if err != nil || len(keys) != 1 || keys[0].ID != "f1" {
		t.Errorf("from the environment: %+v %v", keys, err)
	}
}

func TestNewRefusesBadKeys(t *testing.T) {
	k := newKey(t, "k1")
	for _, keys := range [][]Key{nil, {{ID: "a b", Secret: k.Secret}}, {{ID: "k", Secret: k.Secret[:16]}}} {
		if _, err := New(keys); err == nil {
			t.Errorf("New(%d keys) accepted bad keys", len(keys))
		}
	}
}

func TestParseKeysSkipsCommentsWithCommas(t *testing.T) {
	line, err := NewKeyLine("k1")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := ParseKeys("# made by make run, first encrypts, all decrypt\n"+line+"\n", "file")
	if err != nil || len(keys) != 1 || keys[0].ID != "k1" {
		t.Fatalf("ParseKeys = %+v, %v", keys, err)
	}
}
