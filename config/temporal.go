package config

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/contrib/envconfig"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
)

// The worker and the CLI connect to Temporal exactly as the temporal CLI
// does: Temporal's client configuration file and profile (envconfig), then
// its TEMPORAL_* variables, then our flags, which win.

// aliases are the names the TLS settings had before they took Temporal's
// own; they are read for one more release, with a warning.
var aliases = []struct{ old, new string }{
	{"TEMPORAL_TLS_CERT", envTLSCert},
	{"TEMPORAL_TLS_KEY", envTLSKey},
	{"TEMPORAL_TLS_CA", envTLSCA},
}

// withAliases reads each deprecated name as its replacement when the
// replacement is unset, and says what it did.
func withAliases(getenv func(string) string) (func(string) string, []string) {
	var said []string
	renamed := map[string]string{}
	for _, a := range aliases {
		old := strings.TrimSpace(getenv(a.old))
		switch {
		case old == "":
		case strings.TrimSpace(getenv(a.new)) != "":
			said = append(said, fmt.Sprintf("%s is deprecated and ignored, since %s is set; unset it", a.old, a.new))
		default:
			renamed[a.new] = old
			said = append(said, fmt.Sprintf("%s is deprecated and will not be read after this release: rename it %s", a.old, a.new))
		}
	}
	return func(k string) string {
		if v, ok := renamed[k]; ok {
			return v
		}
		return getenv(k)
	}, said
}

// profile is the client profile Temporal's configuration gives.
type profile struct{ envconfig.ClientConfigProfile }

// loadProfile reads the configuration file (file, else TEMPORAL_CONFIG_FILE,
// else the default path if it exists) and its profile (name, else
// TEMPORAL_PROFILE, else "default"), then applies the TEMPORAL_* variables.
func loadProfile(getenv func(string) string, file, name string) (profile, error) {
	p, err := envconfig.LoadClientConfigProfile(envconfig.LoadClientConfigProfileOptions{
		ConfigFilePath:    file,
		ConfigFileProfile: name,
		EnvLookup:         envLookup(getenv),
	})
	if err != nil {
		return profile{}, fmt.Errorf("%s / %s: Temporal's client configuration: %w", both(envConfigFile), both(envProfile), err)
	}
	return profile{p}, nil
}

// over answers for the Temporal settings with the profile's values (its
// file and the TEMPORAL_* variables), and for the rest with getenv.
func (p profile) over(getenv func(string) string) func(string) string {
	tlsOf := func(f func(*envconfig.ClientConfigTLS) string) string {
		if p.TLS == nil {
			return ""
		}
		return f(p.TLS)
	}
	values := map[string]string{
		envAddress:       p.Address,
		envNamespace:     p.Namespace,
		envAPIKey:        p.APIKey,
		envTLSCert:       tlsOf(func(t *envconfig.ClientConfigTLS) string { return t.ClientCertPath }),
		envTLSKey:        tlsOf(func(t *envconfig.ClientConfigTLS) string { return t.ClientKeyPath }),
		envTLSCA:         tlsOf(func(t *envconfig.ClientConfigTLS) string { return t.ServerCACertPath }),
		envTLSServerName: tlsOf(func(t *envconfig.ClientConfigTLS) string { return t.ServerName }),
	}
	return func(k string) string {
		if v, ok := values[k]; ok {
			return v
		}
		return getenv(k)
	}
}

// envLookup is getenv as envconfig reads the environment. TEMPORAL_GRPC_META_*
// variables are found in the process's own environment.
type envLookup func(string) string

func (e envLookup) LookupEnv(k string) (string, bool) {
	v := e(k)
	return v, v != ""
}

func (e envLookup) Environ() []string {
	var out []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "TEMPORAL_GRPC_META_") {
			out = append(out, k+"="+e(k))
		}
	}
	return out
}

// ClientOptions is what client.Dial needs: the profile's connection with
// the settings above applied (address, namespace, API key, TLS files), the
// SDK's logs sent to logger (if not nil), and payloads encrypted. It reads
// the TLS files, so their errors come here.
//
// With an API key and no TLS settings TLS is on, trusting the system roots,
// as Temporal Cloud needs.
func (c Config) ClientOptions(logger *slog.Logger) (client.Options, error) {
	p := c.Temporal
	p.Address, p.Namespace, p.APIKey = c.TemporalAddress, c.Namespace, c.APIKey
	if c.TLSCertFile != "" || c.TLSKeyFile != "" || c.TLSCAFile != "" || c.TLSServerName != "" {
		t := envconfig.ClientConfigTLS{}
		if p.TLS != nil {
			t = *p.TLS
		}
		t.ClientCertPath, t.ClientKeyPath, t.ServerCACertPath, t.ServerName = c.TLSCertFile, c.TLSKeyFile, c.TLSCAFile, c.TLSServerName
		p.TLS = &t
	}
	if err := c.checkTLS(); err != nil {
		return client.Options{}, err
	}
	opts, err := p.ToClientOptions(envconfig.ToClientOptionsRequest{})
	if err != nil {
		return client.Options{}, fmt.Errorf("%s, %s, %s and %s: %w", both(envTLSCert), both(envTLSKey), both(envTLSCA), both(envTLSServerName), err)
	}
	if opts.ConnectionOptions.TLS != nil {
		opts.ConnectionOptions.TLS.MinVersion = tls.VersionTLS12
	}
	if logger != nil {
		opts.Logger = log.NewStructuredLogger(logger)
	}
	// Payloads are AES-GCM ciphertext, which does not compress: gzip (the
	// SDK's default) was a sixth of the worker's CPU for nothing.
	opts.ConnectionOptions.GrpcCompression = &client.GrpcCompressionNone{}
	pc, err := c.PayloadCodec()
	if err != nil {
		return client.Options{}, err
	}
	opts.DataConverter = pc.DataConverter()
	// Failure messages and stack traces are encrypted too: a message could
	// quote an input.
	opts.FailureConverter = temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter: opts.DataConverter, EncodeCommonAttributes: true})
	return opts, nil
}

// checkTLS names the settings at fault where envconfig's own messages
// would not: a certificate without its key, or a file that cannot be read.
func (c Config) checkTLS() error {
	switch {
	case c.TLSCertFile != "" && c.TLSKeyFile == "":
		return fmt.Errorf("%s: set without %s; a client certificate needs its private key", both(envTLSCert), both(envTLSKey))
	case c.TLSKeyFile != "" && c.TLSCertFile == "":
		return fmt.Errorf("%s: set without %s; a private key needs its client certificate", both(envTLSKey), both(envTLSCert))
	case c.TLSCertFile != "":
		if _, err := tls.LoadX509KeyPair(c.TLSCertFile, c.TLSKeyFile); err != nil {
			return fmt.Errorf("%s and %s: %w", both(envTLSCert), both(envTLSKey), err)
		}
	}
	if c.TLSCAFile != "" {
		pem, err := os.ReadFile(c.TLSCAFile)
		if err != nil {
			return fmt.Errorf("%s: %w", both(envTLSCA), err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(pem) {
			return fmt.Errorf("%s: %s holds no PEM certificate", both(envTLSCA), c.TLSCAFile)
		}
	}
	return nil
}
