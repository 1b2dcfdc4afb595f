package config

import (
	"os"
	"strings"

	"github.com/ehc-send/ehc/codec"
)

// Codec is how Temporal payloads are encrypted, and how the codec server
// that lets the Temporal UI show them is reached.
type Codec struct {
	Keys      []codec.Key // first seals; all open. Never logged
	KeysFile  string
	Addr      string   // where bin/ehc-codec listens
	Token     string   // bearer token the codec server checks; never logged
	UIOrigins []string // browser origins (the Temporal UI) allowed to call it
}

// LocalKeysFile is the key file make run creates in a checkout (git-ignored).
const LocalKeysFile = ".data/codec-keys"

const (
	envCodecKeys     = "EHC_CODEC_KEYS"
	envCodecKeysFile = "EHC_CODEC_KEYS_FILE"
	envCodecAddr     = "EHC_CODEC_ADDR"
	envCodecToken    = "EHC_CODEC_TOKEN"
	envCodecOrigins  = "EHC_CODEC_UI_ORIGINS"
)

var codecSettings = []Setting{
	{envCodecKeys, "codec-keys", "", "payload encryption `keys`, id=base64 (32 bytes), comma-separated; the first encrypts, all decrypt"},
	{envCodecKeysFile, "codec-keys-file", "", "`file` of payload encryption keys, one id=base64 per line, the first encrypting"},
	{envCodecAddr, "codec-addr", "127.0.0.1:8234", "`host:port` the codec server (bin/ehc-codec) listens on"},
	{envCodecToken, "codec-token", "", "bearer `token` the codec server requires"},
	{envCodecOrigins, "codec-ui-origins", "http://127.0.0.1:8233,http://localhost:8233", "browser `origins` (the Temporal UI) allowed to call the codec server"},
}

func (r *resolver) codec() Codec {
	c := Codec{KeysFile: r.str(envCodecKeysFile), Addr: r.str(envCodecAddr), Token: r.str(envCodecToken)}
	for _, o := range strings.Split(r.str(envCodecOrigins), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.UIOrigins = append(c.UIOrigins, o)
		}
	}
	if r.str(envCodecKeys) == "" && c.KeysFile == "" {
		if _, err := os.Stat(LocalKeysFile); err == nil {
			c.KeysFile = LocalKeysFile // a checkout's local stack: make run made it
		}
	}
	if v := r.str(envCodecKeys); v != "" || c.KeysFile != "" {
		keys, err := codec.LoadKeys(v, r.values[envCodecKeys].source, c.KeysFile, r.values[envCodecKeysFile].source)
		if err != nil {
			r.errs = append(r.errs, err)
		}
		c.Keys = keys
	}
	r.address(envCodecAddr)
	return c
}

// PayloadCodec is the codec the Temporal client must use. Without a key
// there is none, and nothing that talks to Temporal may start: children's
// data is never written to Temporal in clear text.
func (c Config) PayloadCodec() (*codec.Codec, error) {
	if len(c.Codec.Keys) == 0 {
		_, err := codec.LoadKeys("", both(envCodecKeys), "", both(envCodecKeysFile))
		return nil, err
	}
	return codec.New(c.Codec.Keys)
}
