package codec

import (
	"crypto/rand"
	"errors"
	"fmt"
)

// sealVersion opens every sealed value: a value that does not begin with it
// is not one of ours.
const sealVersion = 1

// sealAAD binds a sealed value to what it is for (the caller's context, such
// as a table and row key) and to its key, so a sealed value moved to another
// row, or a payload's ciphertext passed off as one, does not open.
func sealAAD(keyID string, context []byte) []byte {
	return append([]byte("ehc-sealed\x00"+keyID+"\x00"), context...)
}

// Seal encrypts plain under the active key, for values kept outside Temporal
// (the register's sealed columns) with the same keys as its payloads. The
// result names the key, so values sealed before a rotation still open.
// context must be given again to Open; it is not secret and not stored.
func (c *Codec) Seal(plain, context []byte) ([]byte, error) {
	aead := c.aeads[c.activeID]
	out := make([]byte, 0, 2+len(c.activeID)+aead.NonceSize()+len(plain)+aead.Overhead())
	out = append(out, sealVersion, byte(len(c.activeID)))
	out = append(out, c.activeID...)
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plain, sealAAD(c.activeID, context)), nil
}

// Open decrypts what Seal sealed with any key this codec holds.
func (c *Codec) Open(sealed, context []byte) ([]byte, error) {
	id, rest, err := SealedKeyID(sealed)
	if err != nil {
		return nil, err
	}
	aead, ok := c.aeads[id]
	if !ok {
		return nil, fmt.Errorf("sealed with key %q, which this codec does not hold", id)
	}
	n := aead.NonceSize()
	if len(rest) < n+aead.Overhead() {
		return nil, errors.New("sealed value is truncated")
	}
	plain, err := aead.Open(nil, rest[:n], rest[n:], sealAAD(id, context))
	if err != nil {
		return nil, fmt.Errorf("value sealed with key %q does not open (altered, or sealed for something else): %w", id, err)
	}
	return plain, nil
}

// SealedKeyID names the key a sealed value was sealed with, and returns
// the rest of it (nonce and ciphertext).
func SealedKeyID(sealed []byte) (id string, rest []byte, err error) {
	if len(sealed) < 2 || sealed[0] != sealVersion || len(sealed) < 2+int(sealed[1]) {
		return "", nil, errors.New("not a sealed value")
	}
	n := int(sealed[1])
	return string(sealed[2 : 2+n]), sealed[2+n:], nil
}
