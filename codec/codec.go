// Package codec encrypts every Temporal payload with AES-256-GCM, so a
// child's name, date of birth or a family's address never sits in clear
// text in Temporal's history, which operators and backups see. Each payload
// names the key that sealed it: keys rotate, and old payloads still open.
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

const (
	encoding = "binary/encrypted"
	keyIDKey = "encryption-key-id"
)

// MaxKeyID is the longest key ID taken, in bytes: sealed values carry it
// in a length byte.
const MaxKeyID = 64

// Key is one AES-256 key and the ID payloads name it by.
type Key struct {
	ID     string
	Secret []byte // 32 bytes
}

// Codec seals with the first (active) key and opens with any it holds.
type Codec struct {
	activeID string
	aeads    map[string]cipher.AEAD
}

// New makes a codec; keys[0] seals new payloads.
func New(keys []Key) (*Codec, error) {
	if len(keys) == 0 {
		return nil, errors.New("no encryption key")
	}
	c := &Codec{activeID: keys[0].ID, aeads: map[string]cipher.AEAD{}}
	for _, k := range keys {
		if k.ID == "" || strings.ContainsAny(k.ID, "=, \t\n") {
			return nil, fmt.Errorf("key ID %q must be a non-empty word", k.ID)
		}
		if len(k.ID) > MaxKeyID {
			return nil, fmt.Errorf("key ID %q is %d bytes; the limit is %d", k.ID, len(k.ID), MaxKeyID)
		}
		if _, dup := c.aeads[k.ID]; dup {
			return nil, fmt.Errorf("key ID %q is given twice", k.ID)
		}
		if len(k.Secret) != 32 {
			return nil, fmt.Errorf("key %q is %d bytes; AES-256 needs 32", k.ID, len(k.Secret))
		}
		block, err := aes.NewCipher(k.Secret)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		c.aeads[k.ID] = aead
	}
	return c, nil
}

// Encode seals each payload whole (metadata and data) under the active key.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.aeads[c.activeID]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := p.Marshal()
		if err != nil {
			return nil, err
		}
		nonce := make([]byte, aead.NonceSize())
		if _, err := rand.Read(nonce); err != nil {
			return nil, err
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{converter.MetadataEncoding: []byte(encoding), keyIDKey: []byte(c.activeID)},
			Data:     aead.Seal(nonce, nonce, plain, []byte(c.activeID)),
		}
	}
	return out, nil
}

// Decode opens sealed payloads and passes others through unchanged.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != encoding {
			out[i] = p
			continue
		}
		id := string(p.Metadata[keyIDKey])
		aead, ok := c.aeads[id]
		if !ok {
			return nil, fmt.Errorf("payload sealed with key %q, which this codec does not hold", id)
		}
		n := aead.NonceSize()
		if len(p.Data) < n {
			return nil, errors.New("sealed payload is truncated")
		}
		plain, err := aead.Open(nil, p.Data[:n], p.Data[n:], []byte(id))
		if err != nil {
			return nil, fmt.Errorf("payload sealed with key %q does not open: %w", id, err)
		}
		var q commonpb.Payload
		if err := q.Unmarshal(plain); err != nil {
			return nil, err
		}
		out[i] = &q
	}
	return out, nil
}

// DataConverter is the SDK's default converter with this codec over it.
func (c *Codec) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// ParseKeys reads "id=base64key,id2=base64key" (or one per line); the first
// is the active key. source names where it came from, for messages.
func ParseKeys(spec, source string) ([]Key, error) {
	var fields []string
	for _, line := range strings.Split(spec, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			fields = append(fields, strings.Split(line, ",")...) // comments may hold commas
		}
	}
	var keys []Key
	for _, f := range fields {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		id, b64, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("%s: %q is not id=base64key", source, redact(f))
		}
		secret, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
		if err != nil {
			return nil, fmt.Errorf("%s: key %q is not base64", source, id)
		}
		keys = append(keys, Key{ID: strings.TrimSpace(id), Secret: secret})
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s holds no key", source)
	}
	if _, err := New(keys); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return keys, nil
}

// LoadKeys takes keys from the environment's value, else from the file.
func LoadKeys(envValue, envName, file, fileEnvName string) ([]Key, error) {
	switch {
	case envValue != "":
		return ParseKeys(envValue, envName)
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fileEnvName, err)
		}
		return ParseKeys(string(b), fileEnvName+" "+file)
	}
	return nil, fmt.Errorf("no payload encryption key: set %s or %s (make run makes one under .data/)", envName, fileEnvName)
}

// NewKeyLine makes a fresh key as a line LoadKeys reads.
func NewKeyLine(id string) (string, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return "", err
	}
	return id + "=" + base64.StdEncoding.EncodeToString(secret), nil
}

// redact hides a malformed entry's second half: it may be key material.
func redact(s string) string {
	if len(s) > 4 {
		return s[:4] + "…"
	}
	return s
}
