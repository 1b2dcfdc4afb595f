package codec

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"
)

const (
	testToken = "0f3c9a7e5b1d4c2a8e6f0b3d5a7c9e1f"
	uiOrigin  = "http://127.0.0.1:8233"
)

// codecServer serves c's handler and returns a sealed payload of the child.
func codecServer(t *testing.T) (*httptest.Server, *Codec) {
	t.Helper()
	c := newCodec(t, newKey(t, "k1"))
	srv := httptest.NewServer(c.Handler(testToken, []string{uiOrigin, "http://localhost:8233"}))
	t.Cleanup(srv.Close)
	return srv, c
}

// body is the JSON the UI posts: the payloads as the history holds them.
func body(t *testing.T, ps ...*commonpb.Payload) []byte {
	t.Helper()
	b, err := protojson.Marshal(&commonpb.Payloads{Payloads: ps})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func post(t *testing.T, url string, b []byte, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Namespace", "default")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, out
}

func TestServerDecodes(t *testing.T) {
	srv, c := codecServer(t)
	p := sealed(t, c, zeb)
	for name, tc := range map[string]struct {
		path   string
		header map[string]string
	}{
		"header token": {"/decode", map[string]string{"Authorization": "Bearer " + testToken}},
		"path token":   {"/" + testToken + "/decode", nil},
		// A UI with OIDC login sends its own access token in the header;
		// the path token still lets it in.
		"path token, other bearer": {"/" + testToken + "/decode", map[string]string{"Authorization": "Bearer oidc-access-token"}},
	} {
		t.Run(name, func(t *testing.T) {
			resp, out := post(t, srv.URL+tc.path, body(t, p), mergeHeader(tc.header, "Origin", uiOrigin))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, out)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != uiOrigin {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, uiOrigin)
			}
			var ps commonpb.Payloads
			if err := protojson.Unmarshal(out, &ps); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if len(ps.Payloads) != 1 || string(ps.Payloads[0].Metadata[converter.MetadataEncoding]) != "json/plain" {
				t.Fatalf("decoded: %v", &ps)
			}
			var back child
			if err := json.Unmarshal(ps.Payloads[0].Data, &back); err != nil || back != zeb {
				t.Errorf("decoded %+v (%v), want %+v", back, err, zeb)
			}
		})
	}
}

func TestServerEncodes(t *testing.T) {
	srv, c := codecServer(t)
	plain, err := converter.GetDefaultDataConverter().ToPayload(zeb)
	if err != nil {
		t.Fatal(err)
	}
	resp, out := post(t, srv.URL+"/"+testToken+"/encode", body(t, plain), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, out)
	}
	var ps commonpb.Payloads
	if err := protojson.Unmarshal(out, &ps); err != nil {
		t.Fatal(err)
	}
	var back child
	if err := c.DataConverter().FromPayload(ps.Payloads[0], &back); err != nil || back != zeb {
		t.Errorf("encoded then decoded: %+v, %v", back, err)
	}
	if bytes.Contains(out, []byte("Zebedee")) {
		t.Error("the encode response holds the name")
	}
}

func TestServerRefusesWithoutToken(t *testing.T) {
	srv, c := codecServer(t)
	b := body(t, sealed(t, c, zeb))
	for name, tc := range map[string]struct {
		path   string
		header map[string]string
	}{
		"no token":             {"/decode", nil},
		"wrong bearer":         {"/decode", map[string]string{"Authorization": "Bearer " + strings.Repeat("0", len(testToken))}},
		"token without Bearer": {"/decode", map[string]string{"Authorization": testToken}},
		"basic scheme":         {"/decode", map[string]string{"Authorization": "Basic " + testToken}},
		"wrong path token":     {"/not-the-token/decode", nil},
		"token prefix in path": {"/" + testToken[:10] + "/decode", nil},
		"encode without token": {"/encode", nil},
	} {
		t.Run(name, func(t *testing.T) {
			resp, out := post(t, srv.URL+tc.path, b, mergeHeader(tc.header, "Origin", uiOrigin))
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("status %d, want 401: %s", resp.StatusCode, out)
			}
			if bytes.Contains(out, []byte("Zebedee")) || bytes.Contains(out, []byte("json/plain")) || bytes.Contains(out, []byte("payloads")) {
				t.Errorf("a refused request got payloads back: %s", out)
			}
		})
	}
}

func TestServerPreflight(t *testing.T) {
	srv, _ := codecServer(t)
	preflight := func(path, origin string) *http.Response {
		req, err := http.NewRequest(http.MethodOptions, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type,x-namespace")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}

	for _, path := range []string{"/decode", "/" + testToken + "/decode", "/" + testToken + "/encode"} {
		resp := preflight(path, uiOrigin)
		if resp.StatusCode != http.StatusNoContent {
			t.Errorf("preflight %s from the UI: status %d, want 204", path, resp.StatusCode)
		}
		for k, want := range map[string]string{
			"Access-Control-Allow-Origin":      uiOrigin,
			"Access-Control-Allow-Methods":     "POST, OPTIONS",
			"Access-Control-Allow-Headers":     "Content-Type, X-Namespace, Authorization, Authorization-Extras",
			"Access-Control-Allow-Credentials": "true",
		} {
			if got := resp.Header.Get(k); got != want {
				t.Errorf("preflight %s: %s %q, want %q", path, k, got, want)
			}
		}
	}
	if got := preflight("/decode", "http://localhost:8233").Header.Get("Access-Control-Allow-Origin"); got != "http://localhost:8233" {
		t.Errorf("second allowed origin: Allow-Origin %q", got)
	}

	for _, origin := range []string{"https://evil.example.com", "http://127.0.0.1:8234", "null"} {
		resp := preflight("/decode", origin)
		if resp.StatusCode == http.StatusNoContent {
			t.Errorf("preflight from %s: 204", origin)
		}
		for _, k := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods"} {
			if got := resp.Header.Get(k); got != "" {
				t.Errorf("preflight from %s: %s %q, want none", origin, k, got)
			}
		}
	}
}

func TestServerOtherOriginGetsNoCORS(t *testing.T) {
	srv, c := codecServer(t)
	// Even with the token (a page that somehow learnt it), another origin's
	// page cannot read the answer: there is no Allow-Origin.
	resp, _ := post(t, srv.URL+"/decode", body(t, sealed(t, c, zeb)),
		map[string]string{"Authorization": "Bearer " + testToken, "Origin": "https://evil.example.com"})
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("Allow-Origin %q for another origin", got)
	}
}

func TestServerRoutes(t *testing.T) {
	srv, _ := codecServer(t)
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/" + testToken + "/decode", http.StatusMethodNotAllowed},
		{http.MethodPost, "/", http.StatusNotFound},
		{http.MethodPost, "/" + testToken, http.StatusNotFound},
		{http.MethodPost, "/decode/extra", http.StatusNotFound},
		{http.MethodPost, "//decode", http.StatusNotFound},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader("{}"))
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.StatusCode, tc.want)
		}
	}
}

func TestServerDecodeErrorNamesKey(t *testing.T) {
	srv, _ := codecServer(t)
	other := newCodec(t, newKey(t, "retired"))
	resp, out := post(t, srv.URL+"/"+testToken+"/decode", body(t, sealed(t, other, zeb)), nil)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(out), `"retired"`) {
		t.Errorf("status %d: %s; want 400 naming key \"retired\"", resp.StatusCode, out)
	}
}

func TestHandlerNeedsToken(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Handler with an empty token did not panic")
		}
	}()
	newCodec(t, newKey(t, "k1")).Handler("", nil)
}

func mergeHeader(h map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for hk, hv := range h {
		out[hk] = hv
	}
	return out
}
