package codec

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"

	"go.temporal.io/sdk/converter"
)

// MaxRequestBytes bounds one request to the codec server: the UI sends a
// page of a history's payloads at a time, each at most a few MB.
const MaxRequestBytes = 32 << 20

// Handler is the codec server the Temporal UI (and the temporal CLI's
// --codec-endpoint) calls to show payloads decrypted: POST /encode and
// POST /decode, with the Payloads JSON the SDK's remote codec speaks.
//
// Every request must carry token, in one of two forms:
//
//   - the header `Authorization: Bearer TOKEN`, for clients that can send
//     one (the temporal CLI, a UI with OIDC login and passAccessToken behind
//     a proxy that swaps in the token, scripts);
//   - the first path segment, POST /TOKEN/decode, for the dev server's UI,
//     which sends no Authorization header: it is wired with
//     --ui-codec-endpoint http://HOST:PORT/TOKEN and appends /decode itself.
//
// A request without the token is refused with 401 before its body is read.
// Browsers may call it only from origins (CORS); a preflight (OPTIONS)
// needs no token, as browsers send none with it. token must not be empty.
//
// Nothing is logged here: the path can hold the token, the body children's
// data.
func (c *Codec) Handler(token string, origins []string) http.Handler {
	if token == "" {
		panic("codec.Handler: empty token") // the caller checks; refusing beats serving open
	}
	return &server{
		token:   []byte(token),
		origins: slices.Clone(origins),
		codec:   converter.NewPayloadCodecHTTPHandler(c),
	}
}

type server struct {
	token   []byte
	origins []string
	codec   http.Handler
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	allowed := s.cors(w, r)
	pathToken, op, ok := splitPath(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case http.MethodOptions:
		if !allowed {
			// No CORS headers: the browser refuses the real request.
			http.Error(w, "origin not allowed", http.StatusForbidden)
			return
		}
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "POST, OPTIONS")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !s.authorized(r, pathToken) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ehc-codec"`)
		http.Error(w, "missing or wrong codec token", http.StatusUnauthorized)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxRequestBytes)
	// The SDK's handler matches on the path's suffix only.
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/" + op
	r2.URL.RawPath = ""
	s.codec.ServeHTTP(w, r2)
}

// splitPath takes /encode, /decode, /TOKEN/encode or /TOKEN/decode apart.
func splitPath(p string) (token, op string, ok bool) {
	for _, op := range []string{"encode", "decode"} {
		rest, found := strings.CutSuffix(p, "/"+op)
		if !found {
			continue
		}
		if rest == "" {
			return "", op, true
		}
		if t, found := strings.CutPrefix(rest, "/"); found && t != "" {
			return t, op, true
		}
	}
	return "", "", false
}

// authorized is true when the path segment or the bearer header holds the
// token. A UI with OIDC login sends its own access token in the header, so
// a path token that matches is enough whatever the header says.
func (s *server) authorized(r *http.Request, pathToken string) bool {
	if pathToken != "" && subtle.ConstantTimeCompare([]byte(pathToken), s.token) == 1 {
		return true
	}
	auth := r.Header.Get("Authorization")
	scheme, bearer, found := strings.Cut(auth, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(bearer)), s.token) == 1
}

// cors sets the CORS headers for an allowed Origin and says whether it was.
func (s *server) cors(w http.ResponseWriter, r *http.Request) bool {
	w.Header().Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if origin == "" || !slices.Contains(s.origins, origin) {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	// Authorization-Extras: a UI with OIDC login sends its ID token in it.
	h.Set("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization, Authorization-Extras")
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Set("Access-Control-Max-Age", "600")
	return true
}
