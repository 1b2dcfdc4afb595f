package config

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// temporalTOML is a client configuration file as the temporal CLI writes it.
const temporalTOML = `
[profile.default]
address = "file.example.gov.uk:7233"
namespace = "from-file"

[profile.cloud]
address = "send.a1b2c.tmprl.cloud:7233"
namespace = "send.a1b2c"
api_key = "file-key"
authority = "send.a1b2c"

[profile.cloud.grpc_meta]
x-team = "send"
`

func writeTOML(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "temporal.toml")
	if err := os.WriteFile(f, []byte(temporalTOML), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// The worker and the CLI connect as the temporal CLI would: the file's
// profile, then TEMPORAL_* variables, then flags; the file's profile is
// chosen by TEMPORAL_PROFILE or -profile.
func TestTemporalConfigurationFile(t *testing.T) {
	file := writeTOML(t)
	for _, tt := range []struct {
		name             string
		env              map[string]string
		args             []string
		address, ns, key string
	}{
		{"the default profile", map[string]string{"TEMPORAL_CONFIG_FILE": file}, nil,
			"file.example.gov.uk:7233", "from-file", ""},
		{"a profile named in the environment", map[string]string{"TEMPORAL_CONFIG_FILE": file, "TEMPORAL_PROFILE": "cloud"}, nil,
			"send.a1b2c.tmprl.cloud:7233", "send.a1b2c", "file-key"},
		{"a profile and file named by flags", nil, []string{"-config-file", file, "-profile", "cloud"},
			"send.a1b2c.tmprl.cloud:7233", "send.a1b2c", "file-key"},
		{"a variable over the file", map[string]string{"TEMPORAL_CONFIG_FILE": file, "TEMPORAL_NAMESPACE": "from-env"}, nil,
			"file.example.gov.uk:7233", "from-env", ""},
		{"a flag over both", map[string]string{"TEMPORAL_CONFIG_FILE": file, "TEMPORAL_NAMESPACE": "from-env"}, []string{"-namespace", "from-flag"},
			"file.example.gov.uk:7233", "from-flag", ""},
		{"no file: the defaults", nil, nil, DefaultTemporalAddress, DefaultNamespace, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(t, tt.env, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if c.TemporalAddress != tt.address || c.Namespace != tt.ns || c.APIKey != tt.key {
				t.Errorf("address %q, namespace %q, API key %q; want %q, %q, %q", c.TemporalAddress, c.Namespace, c.APIKey, tt.address, tt.ns, tt.key)
			}
		})
	}
}

// What the file holds beyond our settings reaches the client: its gRPC
// metadata and authority, with our settings over the rest.
func TestClientOptionsFromTheProfile(t *testing.T) {
	c, err := load(t, map[string]string{"TEMPORAL_CONFIG_FILE": writeTOML(t), "TEMPORAL_PROFILE": "cloud"}, "-address", "other.example:7233")
	if err != nil {
		t.Fatal(err)
	}
	c.Codec = keyed().Codec
	opts, err := c.ClientOptions(nil)
	if err != nil {
		t.Fatal(err)
	}
	if opts.HostPort != "other.example:7233" || opts.Namespace != "send.a1b2c" || opts.Credentials == nil || opts.ConnectionOptions.TLS == nil {
		t.Errorf("options %+v; want the flag's address, the profile's namespace, its API key and TLS", opts)
	}
	if opts.ConnectionOptions.Authority != "send.a1b2c" {
		t.Errorf("authority %q; want the profile's", opts.ConnectionOptions.Authority)
	}
	if opts.HeadersProvider == nil {
		t.Fatal("no gRPC metadata from the profile")
	}
	h, err := opts.HeadersProvider.GetHeaders(context.Background())
	if err != nil || h["x-team"] != "send" {
		t.Errorf("headers %v, %v; want x-team=send", h, err)
	}
}

// A profile named but not in the file is refused, naming the settings.
func TestTemporalProfileMissing(t *testing.T) {
	_, err := load(t, map[string]string{"TEMPORAL_CONFIG_FILE": writeTOML(t), "TEMPORAL_PROFILE": "prod"})
	if err == nil || !strings.Contains(err.Error(), "TEMPORAL_CONFIG_FILE (-config-file) / TEMPORAL_PROFILE (-profile)") || !strings.Contains(err.Error(), "prod") {
		t.Errorf("Load() error %v; want it to name the file, the profile setting and the profile", err)
	}
}

// The TLS variables' old names are read for one more release, and each use
// is said; where the new name is set too, the old is ignored, and said so.
func TestDeprecatedTLSNames(t *testing.T) {
	c, err := load(t, map[string]string{"TEMPORAL_TLS_CERT": "old.pem", "TEMPORAL_TLS_KEY": "old.key", "TEMPORAL_TLS_CLIENT_KEY_PATH": "new.key"})
	if err != nil {
		t.Fatal(err)
	}
	if c.TLSCertFile != "old.pem" || c.TLSKeyFile != "new.key" {
		t.Errorf("cert %q, key %q; want the old name's cert and the new name's key", c.TLSCertFile, c.TLSKeyFile)
	}
	want := []string{
		"TEMPORAL_TLS_CERT is deprecated and will not be read after this release: rename it TEMPORAL_TLS_CLIENT_CERT_PATH",
		"TEMPORAL_TLS_KEY is deprecated and ignored, since TEMPORAL_TLS_CLIENT_KEY_PATH is set; unset it",
	}
	if !slices.Equal(c.Deprecated, want) {
		t.Errorf("Deprecated = %q\nwant %q", c.Deprecated, want)
	}
	if c, _ := load(t, nil); len(c.Deprecated) != 0 {
		t.Errorf("Deprecated = %q with no old names set", c.Deprecated)
	}
}
