package dev

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/ehc-send/ehc/codec"
)

// keysHeader opens a key file made here. (No commas in it: a key list may
// also be comma-separated.)
const keysHeader = "# EHC payload encryption keys for the local stack: one id=base64 (32 bytes) a line; the first encrypts.\n" +
	"# Made by ehc dev. Never commit or share it: without it the cases in temporal.db cannot be read.\n"

// tokenChars is what a token may hold: it goes in a URL's path.
var tokenChars = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)

// ensureSecrets makes the payload key file and the codec server's token
// file unless they exist, and returns the token. They are made once and
// kept: losing the key makes every case in temporal.db unreadable. Only
// this user may read them.
func ensureSecrets(keysFile, tokenFile string, say func(string, ...any)) (token string, err error) {
	if fi, err := os.Stat(keysFile); err != nil || fi.Size() == 0 {
		line, err := codec.NewKeyLine("local-" + time.Now().Format("20060102150405"))
		if err != nil {
			return "", err
		}
		if err := writeSecret(keysFile, keysHeader+line+"\n"); err != nil {
			return "", err
		}
		say("made a payload encryption key in %s", keysFile)
	}
	if fi, err := os.Stat(tokenFile); err != nil || fi.Size() == 0 {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		if err := writeSecret(tokenFile, hex.EncodeToString(b)+"\n"); err != nil {
			return "", err
		}
		say("made a codec server token in %s", tokenFile)
	}
	for _, f := range []string{keysFile, tokenFile} {
		if err := os.Chmod(f, 0o600); err != nil {
			return "", err
		}
	}
	b, err := os.ReadFile(tokenFile)
	if err != nil {
		return "", err
	}
	token = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, string(b))
	if !tokenChars.MatchString(token) {
		return "", fmt.Errorf("%s must hold one token of letters, digits and . _ ~ - (it goes in a URL); delete it to get a new one", tokenFile)
	}
	return token, nil
}

// writeSecret writes a file only this user may read, whole or not at all.
func writeSecret(path, content string) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*") // mode 0600
	if err != nil {
		return err
	}
	_, err = f.WriteString(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}

// startCodec starts the codec server and waits until it listens. It must
// be the stack's: something else already listening there is refused.
func (s *stack) startCodec(ctx context.Context, bin, token string) (*proc, error) {
	addr := s.codecAddr()
	if listening(addr) {
		return nil, fmt.Errorf("something already listens on %s (an ehc-codec left running?); stop it first", addr)
	}
	s.say("starting the codec server at http://%s (log %s)", addr, s.codecLog)
	env := append(s.baseEnv(), "EHC_CODEC_TOKEN="+token, "EHC_CODEC_ADDR="+addr,
		fmt.Sprintf("EHC_CODEC_UI_ORIGINS=http://%s:%d,http://localhost:%d", ip, s.UIPort, s.UIPort))
	p, err := s.start("the codec server", codecGrace, s.codecLog, false, env, bin)
	if err != nil {
		return nil, err
	}
	err = waitUntil(ctx, p, 250*time.Millisecond, 10*time.Second, func() bool { return listening(addr) })
	switch {
	case errors.Is(err, errExited):
		s.say("the codec server exited (%v):", p.err)
		tail(s.Stderr, s.codecLog, p.tailLines)
		return nil, fmt.Errorf("the codec server exited: %v", p.err)
	case errors.Is(err, errTimeout):
		s.say("the codec server did not listen within 10s; the end of %s:", s.codecLog)
		tail(s.Stderr, s.codecLog, p.tailLines)
		return nil, errors.New("the codec server did not listen within 10s")
	}
	return p, err
}

// listening says whether something accepts connections at addr.
func listening(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 250*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
