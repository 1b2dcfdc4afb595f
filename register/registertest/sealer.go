package registertest

import (
	"sync"

	"github.com/ehc-send/ehc/codec"
)

// Sealer is the codec test registers seal notifications with: a fresh key
// per test process, as a real worker seals with its payload keys.
var Sealer = sync.OnceValue(func() *codec.Codec {
	line, err := codec.NewKeyLine("test")
	if err != nil {
		panic(err)
	}
	keys, err := codec.ParseKeys(line, "the test key")
	if err != nil {
		panic(err)
	}
	c, err := codec.New(keys)
	if err != nil {
		panic(err)
	}
	return c
})
